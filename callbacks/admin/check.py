"/admin/check: the figure checks of the current snapshot (no database access: the cache only)."
from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output

from callbacks.context import app_context
from db.snapshot import current_snapshot
from layouts import ids
from layouts.admin import check as ui

K = ids.AdminCheck


def render_check(_query: dict[str, Any] | None) -> tuple[Any, Any]:
    """Summary line and the list of violations of the snapshot's own check record."""
    snap = current_snapshot(app_context().extras["cache"]) or {}
    report = snap.get("check")
    return (ui.summary(report, snap.get("version"), snap.get("as_of")),
            ui.violations((report or {}).get("violations") or []))


def register(app: dash.Dash) -> None:
    app.callback(Output(K.SUMMARY, "children"), Output(K.LIST, "children"),
                 Input(K.QUERY, "data"))(render_check)
