"""Access to the process's AppContext from inside a callback."""
from __future__ import annotations

from flask import current_app

from db.context import AppContext


def app_context() -> AppContext:
    return current_app.extensions["dashboard"]
