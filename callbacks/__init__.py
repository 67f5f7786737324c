"""Thin callbacks, wired explicitly by `register(app)`; logic lives in db/ and layouts/.

A page is `layouts/<area>/<page>.py` (the skeleton) + `callbacks/<area>/<page>.py` (parse the
URL, fetch, render); each area package registers its pages. Modules at this level serve every
page: `shell` (version poll, stale banner), `authz` (scope checks), `context`, `render_cache`.
"""
from __future__ import annotations

import dash

from callbacks import admin, desk, shell, start, wall

_MODULES = (shell, start, desk, wall, admin)


def register(app: dash.Dash) -> None:
    for module in _MODULES:
        module.register(app)
