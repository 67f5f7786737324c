"""Callbacks of the desk pages; `register(app)` wires them all."""
from __future__ import annotations

import dash

from callbacks.desk import actions, analysis, case, cases, officer, supervision, team

_MODULES = (analysis, team, officer, cases, case, supervision, actions)


def register(app: dash.Dash) -> None:
    for module in _MODULES:
        module.register(app)
