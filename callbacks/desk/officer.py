"""/officer/<id>: the officer's indicators, action counts and case deadlines."""
from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State
from sqlalchemy.exc import SQLAlchemyError

from callbacks.desk.common import jsonable, register_apply
from callbacks.desk.data import court_today
from callbacks.desk.live import live
from callbacks.desk.params import ParamError, problem
from callbacks.desk.request import OfficerRequest
from callbacks.desk.screens import fetch_officer
from callbacks.desk.worklist import register_worklist
from layouts import ids
from layouts.desk import common as ui

OF = ids.Officer


def render_officer(data: dict[str, Any] | None) -> tuple[Any, ...]:
    """Crumbs, title, error, queue counts, indicator table, deadline grid."""
    data = data or {}
    try:
        today = court_today()
        request = OfficerRequest.parse(data.get("path_id"), data.get("query") or {}, today)
        screen = fetch_officer(request, today)
    except (ParamError, SQLAlchemyError) as exc:
        return [], "承办人", ui.error_box(problem(exc)), [], [], []
    deadlines = [d | {"case_number__href": f"/case/{d['case_id']}"} for d in screen.deadlines]
    return (
        ui.crumbs(screen.crumbs),
        f"{screen.title} · {screen.choice.label}",
        None,
        ui.queue_counts(screen.queue_counts),
        ui.indicator_table(screen.indicators),
        jsonable(deadlines),
    )


def register(app: dash.Dash) -> None:
    app.callback(
        Output(OF.CRUMBS, "children"), Output(OF.TITLE, "children"), Output(OF.ERROR, "children"),
        Output(OF.QUEUE_COUNTS, "children"), Output(OF.INDICATORS, "children"),
        Output(OF.DEADLINES, "rowData"),
        Output(OF.ASOF, "children"), Output(OF.SHOWN, "data"),
        Input(OF.QUERY, "data"), Input(ids.Shell.VERSION, "data"), State(OF.SHOWN, "data"),
    )(live(render_officer, data=(3, 4), grids=(5,), error=2, prewarmed=True))
    register_apply(app, OF)
    register_worklist(app, OF, "officer")
