"""Access to the process's AppContext from inside a callback."""
from __future__ import annotations

from flask import current_app, g

from db.auth.access import Principal
from db.context import AppContext


def app_context() -> AppContext:
    return current_app.extensions["dashboard"]


def principal() -> Principal | None:
    """The signed-in principal of this request (set by dashboard.auth before every request)."""
    return g.get("principal")
