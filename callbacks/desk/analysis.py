"""/analysis: render the drill level the URL asks for; 应用 writes custom dates to the URL."""
from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, html
from sqlalchemy.exc import SQLAlchemyError

from callbacks import authz
from callbacks.desk.common import grid_indicators, jsonable, register_compare_apply
from callbacks.desk.data import court_today
from callbacks.desk.live import live
from callbacks.desk.params import ParamError, problem
from callbacks.desk.request import AnalysisRequest
from callbacks.desk.screens import fetch_analysis
from layouts import ids
from layouts.access import may_open
from layouts.desk import common as ui
from layouts.desk.grids import indicator_columns

A = ids.Analysis
GRID_NAMES = {"team": "各团队", "officer": "各承办人"}
EMPTY = ([], "会商分析", "", None, [], [], [], [], {"display": "none"}, "", [], ui.grid_style(0), None)


def render_analysis(query: dict[str, Any] | None) -> tuple[Any, ...]:
    """Crumbs, title, period line, error, KPIs, outlook, grid, indicator table."""
    try:
        today = court_today()
        request = AnalysisRequest.parse(query or {}, today)
        screen = fetch_analysis(request, today)
    except (ParamError, SQLAlchemyError) as exc:
        return EMPTY[:3] + (ui.error_box(problem(exc)),) + EMPTY[4:]
    grid_title = GRID_NAMES.get(screen.grid_scope or "", "")
    columns = indicator_columns(grid_title.removeprefix("各") or "名称", grid_indicators()) if screen.grid_scope else []
    return (
        ui.crumbs(screen.crumbs),
        screen.title,
        [html.Span(f"统计期间 {screen.choice.label}"),
         html.Span(f"对比期间 {screen.choice.compare_label}")],
        None,
        ui.kpi_cards(screen.kpis),
        ui.outlook_panel(jsonable(screen.outlook)) if screen.outlook else [],
        columns,
        jsonable(screen.grid),
        {} if screen.grid_scope else {"display": "none"},
        f"{grid_title}（点击名称下钻，点击数字查看案件）" if grid_title else "",
        ui.indicator_table(screen.indicators),
        ui.grid_style(len(screen.grid)),
        ui.print_table(columns, screen.grid) if screen.grid_scope else None,
    )


def meeting_link(_query: Any) -> str:
    """The head's 会议模式 link, shown to who may open /meeting (领导, 指挥中心, 管理员, 团队长)."""
    return f"{ui.BUTTON} no-print" if may_open(authz.current(), "/meeting") else ui.HIDDEN_BUTTON


def register(app: dash.Dash) -> None:
    app.callback(Output(A.MEETING, "className"), Input(A.QUERY, "data"))(meeting_link)
    app.callback(
        Output(A.CRUMBS, "children"), Output(A.TITLE, "children"), Output(A.PERIOD, "children"),
        Output(A.ERROR, "children"), Output(A.KPIS, "children"), Output(A.OUTLOOK, "children"),
        Output(A.GRID, "columnDefs"), Output(A.GRID, "rowData"), Output(A.GRID_BOX, "style"),
        Output(A.GRID_TITLE, "children"), Output(A.INDICATORS, "children"), Output(A.GRID, "style"),
        Output(A.GRID_PRINT, "children"),
        Output(A.ASOF, "children"), Output(A.SHOWN, "data"),
        Input(A.QUERY, "data"), Input(ids.Shell.VERSION, "data"), State(A.SHOWN, "data"),
    )(live(render_analysis, data=(4, 5, 10, 12), grids=(7,), error=3, prewarmed=True))
    register_compare_apply(app, A)
