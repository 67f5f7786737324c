"""/case/<id>: header, full party names, timeline and the small tables."""
from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output
from sqlalchemy.exc import SQLAlchemyError

from callbacks import authz
from callbacks.desk.actions import may_issue
from callbacks.desk.data import court_today
from callbacks.desk.lists import fetch_case
from callbacks.desk.params import ParamError, problem
from callbacks.desk.request import CaseRequest
from layouts import ids
from layouts.desk import case as ui_case
from layouts.desk import common as ui

D = ids.CaseDetail


def render_case(data: dict[str, Any] | None) -> tuple[Any, ...]:
    """Title, error, header facts, parties, timeline items, tables."""
    try:
        request = CaseRequest.parse((data or {}).get("path_id"))
        detail = fetch_case(request, court_today())
    except (ParamError, SQLAlchemyError) as exc:
        return "案件详情", ui.error_box(problem(exc)), [], [], [], []
    h = detail["header"]
    return (
        f"{h['case_number']}",
        None,
        ui_case.header(h, authz.may_open),
        ui_case.parties(h["parties"]),
        ui_case.timeline(detail["timeline"]),
        ui_case.tables(detail, may_issue=may_issue()),
    )


def register(app: dash.Dash) -> None:
    app.callback(
        Output(D.TITLE, "children"), Output(D.ERROR, "children"), Output(D.HEADER, "children"),
        Output(D.PARTIES, "children"), Output(D.TIMELINE, "children"), Output(D.TABLES, "children"),
        Input(D.QUERY, "data"),
    )(render_case)
