"""Callbacks of the admin pages (users, wall tokens, audit log, node rules); `register(app)` wires them."""
from __future__ import annotations

import dash

from callbacks.admin import audit, rules, tokens, users

_MODULES = (users, tokens, audit, rules)


def register(app: dash.Dash) -> None:
    for module in _MODULES:
        module.register(app)
