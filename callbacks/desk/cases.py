"""/cases?…: the list behind a number; its length is the number clicked. Parse the URL into a
CasesRequest, fetch the list, render it."""
from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, html
from sqlalchemy.exc import SQLAlchemyError

from callbacks.desk.common import jsonable
from callbacks.desk.data import court_today
from callbacks.desk.lists import CaseList, fetch_case_list, parse_cases
from callbacks.desk.params import ParamError, problem
from layouts import ids
from layouts.desk import common as ui
from layouts.desk.grids import case_columns

C = ids.Cases


def list_rows(found: CaseList) -> list[dict[str, Any]]:
    """Grid rows of a case list (case numbers link to the case page)."""
    return jsonable([r | ({"case_number__href": f"/case/{r['id']}"} if "case_number" in r and "id" in r else {})
                     for r in found.rows])


def render_cases(query: dict[str, Any] | None) -> tuple[Any, ...]:
    """Title, error, summary, columns and rows of the list."""
    try:
        request = parse_cases(query or {})
        found = fetch_case_list(request, court_today())
    except (ParamError, SQLAlchemyError) as exc:
        return "案件清单", ui.error_box(problem(exc)), [], [], [], []
    unit = {"officers": "人", "payments": "笔", "nodes": "个节点"}.get(found.kind, "件")
    summary = [html.Span(line) for line in found.lines]
    summary.append(html.Strong(f"共 {len(found.rows):,} {unit}", className="list-count"))
    return (found.title, None, summary, case_columns(found.kind, found.value_label), list_rows(found),
            ui.crumbs(found.crumbs))


def register(app: dash.Dash) -> None:
    app.callback(
        Output(C.TITLE, "children"), Output(C.ERROR, "children"), Output(C.SUMMARY, "children"),
        Output(C.GRID, "columnDefs"), Output(C.GRID, "rowData"), Output(C.CRUMBS, "children"),
        Input(C.QUERY, "data"),
    )(render_cases)
