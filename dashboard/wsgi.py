"""WSGI entry for gunicorn: `gunicorn -w 4 dashboard.wsgi:server`.

Web workers normally run with DASHBOARD_SCHEDULER_ENABLED=0 next to one
`python -m dashboard scheduler` process; if the scheduler is left enabled here, every
worker joins the leader election and only one of them refreshes.
"""
from __future__ import annotations

from dashboard.app import create_app
from dashboard.runtime import start_background

app = create_app()
server = app.server
start_background(server)
