"""Thin callbacks, wired explicitly by `register(app)`; logic lives in db/ and layouts/."""
from __future__ import annotations

import dash

from callbacks import admin as admin_pages
from callbacks import admin_rules, desk, freshness, home, wall

_MODULES = (freshness, home, desk, wall, admin_pages, admin_rules)


def register(app: dash.Dash) -> None:
    for module in _MODULES:
        module.register(app)
