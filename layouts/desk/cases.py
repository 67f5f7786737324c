"""/cases?…: the list of cases behind a number (indicator part or action-queue kind)."""
from __future__ import annotations

from typing import Any

from dash import dcc, html

from layouts import ids
from layouts.desk.common import live_marks, print_button, search
from layouts.desk.grids import grid, paged_grid

C = ids.Cases


def layout(**query: Any) -> html.Div:
    """Skeleton; the callback fills the list from the URL query kept in QUERY.

    Two grids: a list of up to callbacks.desk.paging.SMALL_LIST rows fills GRID whole; a longer
    one shows PAGED (blocks from the server) and keeps its first rows in GRID, off screen, for
    printing (LISTS gets the class "cases-paged")."""
    return html.Div(
        [
            dcc.Store(id=C.QUERY, data=dict(query)),
            html.Nav(id=C.CRUMBS, className="crumbs"),
            html.Div(
                [html.H1(id=C.TITLE, children="案件清单"), *live_marks(C),
                 html.A("导出 Excel", id=C.EXPORT, href="/export/cases.xlsx" + search(query),
                        className="btn export-link"), print_button("案件清单")],
                className="desk-head",
            ),
            html.Div(id=C.ERROR),
            html.Div(id=C.SUMMARY, className="list-summary"),
            html.Div(id=C.PRINT_NOTE, className="print-only print-note"),
            html.Div([html.Div(grid(C.GRID, height="70vh", live=True), className="cases-client-grid"),
                      html.Div(paged_grid(C.PAGED, height="70vh"), className="cases-paged-grid")],
                     id=C.LISTS, className="cases-lists"),
            dcc.Store(id=C.TOTAL), dcc.Store(id=C.REREAD),
            html.P("当事人姓名在清单中脱敏显示，完整信息见案件详情页。", className="note"),
        ],
        className="desk desk-cases",
    )
