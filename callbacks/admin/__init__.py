"""Callbacks of the admin pages (users, wall tokens, audit log, node rules, figure check); `register(app)` wires them."""
from __future__ import annotations

import dash

from callbacks.admin import (
    audit,
    check,
    imports,
    rules,
    sources,
    tokens,
    triage_rules,
    users,
)

_MODULES = (users, tokens, audit, rules, sources, imports, check, triage_rules)


def register(app: dash.Dash) -> None:
    for module in _MODULES:
        module.register(app)
