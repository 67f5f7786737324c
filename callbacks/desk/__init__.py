"""Callbacks of the desk pages; `register(app)` wires them all."""
from __future__ import annotations

import dash

from callbacks.desk import (
    actions,
    analysis,
    campaign,
    campaigns,
    case,
    cases,
    center,
    meeting,
    officer,
    region,
    supervision,
    team,
    triage,
)

_MODULES = (analysis, region, meeting, center, team, officer, cases, case, supervision, actions, campaigns, campaign, triage)


def register(app: dash.Dash) -> None:
    for module in _MODULES:
        module.register(app)
