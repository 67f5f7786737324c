"""/team/<id>: team indicators, officer grid and the action queue."""
from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State
from sqlalchemy.exc import SQLAlchemyError

from callbacks.desk.common import grid_indicators, jsonable, register_apply
from callbacks.desk.data import court_today
from callbacks.desk.live import live
from callbacks.desk.params import ParamError, problem
from callbacks.desk.request import TeamRequest
from callbacks.desk.screens import fetch_team
from callbacks.desk.supervision_data import local_time
from callbacks.desk.worklist import register_worklist
from layouts import ids
from layouts.desk import common as ui
from layouts.desk.grids import indicator_columns

T = ids.Team


def render_team(data: dict[str, Any] | None) -> tuple[Any, ...]:
    """Crumbs, title, error, queue counts, indicator table, officer grid (今日待办: worklist.py)."""
    data = data or {}
    try:
        today = court_today()
        request = TeamRequest.parse(data.get("path_id"), data.get("query") or {}, today)
        screen = fetch_team(request, today)
    except (ParamError, SQLAlchemyError) as exc:
        return [], "团队工作台", ui.error_box(problem(exc)), [], [], [], [], ui.grid_style(0), []
    return (
        ui.crumbs(screen.crumbs),
        f"{screen.title} · {screen.choice.label}（对比 {screen.choice.compare_label}）",
        None,
        ui.queue_counts(screen.queue_counts),
        ui.indicator_table(screen.indicators),
        indicator_columns("承办人", grid_indicators()),
        jsonable(screen.grid),
        ui.grid_style(len(screen.grid)),
        jsonable([o | {"case_number__href": f"/case/{o['case_id']}" if o["case_id"] else "",
                       "id__href": f"/supervision?team={o['team_id']}&order={o['id']}",
                       "issued_at": local_time(o["issued_at"])}  # court time, as /supervision shows it
                  for o in screen.supervision]),
    )


def register(app: dash.Dash) -> None:
    app.callback(
        Output(T.CRUMBS, "children"), Output(T.TITLE, "children"), Output(T.ERROR, "children"),
        Output(T.QUEUE_COUNTS, "children"), Output(T.INDICATORS, "children"),
        Output(T.OFFICERS, "columnDefs"), Output(T.OFFICERS, "rowData"),
        Output(T.OFFICERS, "style"), Output(T.SUPERVISION, "rowData"),
        Output(T.ASOF, "children"), Output(T.SHOWN, "data"),
        Input(T.QUERY, "data"), Input(ids.Shell.VERSION, "data"), State(T.SHOWN, "data"),
    )(live(render_team, data=(3, 4), grids=(6, 8), error=2, prewarmed=True))
    register_apply(app, T)
    register_worklist(app, T, "team")
