"""/cases?…: the list behind a number; its length is the number clicked. Parse the URL into a
CasesRequest, fetch the list, render it.

A list of up to paging.SMALL_LIST rows goes to the browser whole; a longer one is paged: the
page's callback sends the count and the columns, `print_rows` then the first PRINT_ROWS rows
(printed instead of the paged grid), and the paged grid fetches its blocks through `page_block` — which parses the
URL query and checks the principal's scope again on every block, exactly like the page."""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

import dash
from dash import ClientsideFunction, Input, Output, State, html
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from callbacks import authz
from callbacks.desk.common import jsonable
from callbacks.desk.data import court_today
from callbacks.desk.lists import CaseList, fetch_case_list, parse_cases
from callbacks.desk.live import data_state, live, row_ids
from callbacks.desk.paging import PRINT_NOTE, PRINT_ROWS, SMALL_LIST, block
from callbacks.desk.params import ParamError, problem
from layouts import ids
from layouts.desk import common as ui
from layouts.desk.grids import case_columns

C = ids.Cases


def list_rows(found: CaseList) -> list[dict[str, Any]]:
    """Grid rows of a case list (case numbers link to the case page)."""
    return jsonable([r | ({"case_number__href": f"/case/{r['id']}"} if "case_number" in r and "id" in r else {})
                     for r in found.rows])


# The long lists last fetched, in this process: a block then costs a sort and a slice instead of
# unpickling the list's memo (tens of thousands of rows at 1M cases). Keyed by data version, viewer
# (every field of the principal: a hit was fetched — and scope-checked — for the same viewer), URL
# query and day; only paged lists are kept, at most LONG_KEPT of them.
LONG_KEPT = 2
_long: OrderedDict[tuple[Any, ...], CaseList] = OrderedDict()
_long_lock = threading.Lock()


def scoped_list(query: dict[str, Any] | None) -> CaseList:
    """The list of a /cases URL query for the principal of this request (ParamError when refused)."""
    today = court_today()
    principal = authz.current()
    key = (data_state()[0], repr(principal), json.dumps(query or {}, sort_keys=True, default=str), today)
    with _long_lock:
        found = _long.get(key)
        if found is not None:
            _long.move_to_end(key)
            return found
    found = fetch_case_list(parse_cases(query or {}), today)
    if len(found.rows) > SMALL_LIST and principal is not None and principal.user_id is not None:
        with _long_lock:
            _long[key] = found
            while len(_long) > LONG_KEPT:
                _long.popitem(last=False)
    return found


def render_cases(query: dict[str, Any] | None) -> tuple[Any, ...]:
    """Title, error, summary, columns, rows (all; none for a paged list: see print_rows), crumbs,
    the paged grid's columns, the lists' class, the print note and {"paged", "total"}."""
    try:
        found = scoped_list(query)
    except (ParamError, SQLAlchemyError) as exc:
        return "案件清单", ui.error_box(problem(exc)), [], [], [], [], [], "cases-lists", None, None
    unit = {"officers": "人", "payments": "笔", "nodes": "个节点"}.get(found.kind, "件")
    total = len(found.rows)
    paged = total > SMALL_LIST
    summary = [html.Span(line) for line in found.lines]
    summary.append(html.Strong(f"共 {total:,} {unit}", className="list-count"))
    columns = case_columns(found.kind, found.value_label)
    return (found.title, None, summary, columns, [] if paged else list_rows(found), ui.crumbs(found.crumbs),
            columns if paged else [], "cases-lists cases-paged" if paged else "cases-lists",
            PRINT_NOTE.format(n=PRINT_ROWS) if paged and total > PRINT_ROWS else None,
            {"paged": paged, "total": total})


def print_rows(total: dict[str, Any] | None, query: dict[str, Any] | None) -> list[dict[str, Any]]:
    """A paged list's first PRINT_ROWS rows for the client-side grid that prints in its place, sent
    after the page's own answer (so they never delay it); scoped like every block."""
    if not (total or {}).get("paged"):
        raise PreventUpdate
    try:
        found = scoped_list(query)
    except (ParamError, SQLAlchemyError):
        return []
    return row_ids(list_rows(CaseList(found.title, [], found.kind, found.rows[:PRINT_ROWS])))


def page_block(request: dict[str, Any] | None, query: dict[str, Any] | None,
               total: dict[str, Any] | None) -> dict[str, Any]:
    """One block of a paged list: the rows [startRow, endRow) in the grid's sort and filter, and
    how many rows match. The list is parsed from the URL query and fetched for the principal of
    this request (same scope checks as the page); a short list or a refused one answers nothing."""
    if not request:
        raise PreventUpdate
    if not (total or {}).get("paged"):
        return {"rowData": [], "rowCount": 0}  # not (yet) a paged list: the grid re-reads when it is
    try:
        found = scoped_list(query)
    except (ParamError, SQLAlchemyError):
        return {"rowData": [], "rowCount": 0}
    rows, count = block(found.rows, request)
    return {"rowData": row_ids(list_rows(CaseList(found.title, [], found.kind, list(rows)))),
            "rowCount": count}


def register(app: dash.Dash) -> None:
    app.callback(
        Output(C.TITLE, "children"), Output(C.ERROR, "children"), Output(C.SUMMARY, "children"),
        Output(C.GRID, "columnDefs"), Output(C.GRID, "rowData"), Output(C.CRUMBS, "children"),
        Output(C.PAGED, "columnDefs"), Output(C.LISTS, "className"), Output(C.PRINT_NOTE, "children"),
        Output(C.TOTAL, "data"),
        Output(C.ASOF, "children"), Output(C.SHOWN, "data"),
        Input(C.QUERY, "data"), Input(ids.Shell.VERSION, "data"), State(C.SHOWN, "data"),
    )(live(render_cases, data=(2, 7, 8, 9), grids=(4,), error=1, prewarmed=True))
    app.callback(
        Output(C.GRID, "rowData", allow_duplicate=True),
        Input(C.TOTAL, "data"), State(C.QUERY, "data"),
        prevent_initial_call=True,
    )(print_rows)
    app.callback(
        Output(C.PAGED, "getRowsResponse"),
        Input(C.PAGED, "getRowsRequest"), State(C.QUERY, "data"), State(C.TOTAL, "data"),
        prevent_initial_call=True,
    )(page_block)
    # a new list (first load or a live refresh): the paged grid re-reads the blocks it holds,
    # keeping its sort, filter and scroll position
    app.clientside_callback(
        ClientsideFunction(namespace="desk", function_name="rereadPaged"),
        Output(C.REREAD, "data"), Input(C.TOTAL, "data"), State(C.PAGED, "id"),
        prevent_initial_call=True,
    )
