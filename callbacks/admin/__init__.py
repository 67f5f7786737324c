"""Callbacks of the admin pages (users, wall tokens, audit log); `register(app)` wires them."""
from __future__ import annotations

import dash

from callbacks.admin import audit, imports, sources, tokens, users

_MODULES = (users, tokens, audit, sources, imports)


def register(app: dash.Dash) -> None:
    for module in _MODULES:
        module.register(app)
