"""Action buttons on the desk pages (督办本团队, 督办, 督办本案) are shown only to who may use them.

The buttons start hidden in the layouts; the server refuses the action anyway (db.supervision.access),
this only keeps a 领导 or 承办人 from being offered a form that will refuse them.
"""
from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output

from callbacks import authz
from db.supervision.access import refusal
from layouts import ids
from layouts.desk.common import BUTTON, HIDDEN_BUTTON

# pages with a 督办 button: the store the page fills from its URL, and the button
PAGES = (ids.Team, ids.Officer, ids.CaseDetail)


def may_issue() -> bool:
    """Whether the principal may issue a 督办 (the same rule the issue action enforces)."""
    return refusal(authz.current(), "issue") is None


def button_class(_query: Any) -> str:
    return BUTTON if may_issue() else HIDDEN_BUTTON


def register(app: dash.Dash) -> None:
    for ns in PAGES:
        app.callback(Output(ns.SUPERVISE, "className"), Input(ns.QUERY, "data"))(button_class)
