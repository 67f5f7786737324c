"""/cases?…: the list of cases behind a number (indicator part or action-queue kind)."""
from __future__ import annotations

from typing import Any

from dash import dcc, html

from layouts import ids
from layouts.desk.common import search
from layouts.desk.grids import grid

C = ids.Cases


def layout(**query: Any) -> html.Div:
    """Skeleton; the callback fills the list from the URL query kept in QUERY."""
    return html.Div(
        [
            dcc.Store(id=C.QUERY, data=dict(query)),
            html.Nav(id=C.CRUMBS, className="crumbs"),
            html.Div(
                [html.H1(id=C.TITLE, children="案件清单"),
                 html.A("导出 Excel", id=C.EXPORT, href="/export/cases.xlsx" + search(query),
                        className="btn export-link")],
                className="desk-head",
            ),
            html.Div(id=C.ERROR),
            html.Div(id=C.SUMMARY, className="list-summary"),
            grid(C.GRID, height="70vh"),
            html.P("当事人姓名在清单中脱敏显示，完整信息见案件详情页。", className="note"),
        ],
        className="desk desk-cases",
    )
