"""WSGI entry for gunicorn: `gunicorn -w 4 -k gthread dashboard.wsgi:server`.

Web workers only read snapshots: run them with DASHBOARD_SCHEDULER_ENABLED=0 next to one
`python -m dashboard scheduler` process. If the scheduler is left enabled here, every worker
joins the leader election and only one of them refreshes. Workers never seed the demo court
or start the simulator (several workers would do it at once); use `seed-demo`/`simulate`.
"""
from __future__ import annotations

from dashboard import scheduler
from dashboard.app import create_app

app = create_app()
server = app.server
scheduler.start(server)
