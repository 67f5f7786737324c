"""/analysis: period picker, comparison, court → team → officer drill-down for meetings."""
from __future__ import annotations

from typing import Any

from dash import dcc, html

from layouts import ids
from layouts.desk.common import (
    HIDDEN_BUTTON,
    live_marks,
    period_bar,
    print_button,
    search,
)
from layouts.desk.grids import grid

A = ids.Analysis


def layout(**query: Any) -> html.Div:
    """Skeleton; the callback fills it from the URL query kept in QUERY."""
    return html.Div(
        [
            dcc.Location(id=A.NAV, refresh="callback-nav"),
            dcc.Store(id=A.QUERY, data=dict(query)),
            html.Nav(id=A.CRUMBS, className="crumbs"),
            html.Div(
                [html.H1(id=A.TITLE, children="会商分析"), *live_marks(A),
                 dcc.Link("会议模式", id=A.MEETING, href="/meeting" + search(query), className=HIDDEN_BUTTON,
                          title="全屏大字、键盘逐级下钻，供周例会投影"),
                 html.A("导出 Excel", id=A.EXPORT, href="/export/analysis.xlsx" + search(query),
                        className="btn export-link", **{"data-testid": "export"}), print_button("会商分析")],
                className="desk-head",
            ),
            html.Div(id=A.PERIOD, className="period-line"),
            period_bar("/analysis", query, A),
            html.Div(id=A.ERROR),
            html.Div(id=A.KPIS, className="kpi-grid kpi-large"),
            html.Section(id=A.OUTLOOK, className="outlook"),
            html.Section([html.H2(id=A.GRID_TITLE), grid(A.GRID, height="62vh", live=True),
                          html.Div(id=A.GRID_PRINT, className="print-only")], id=A.GRID_BOX,
                         className="grid-box"),
            html.Section([html.H2("全部指标"), html.Div(id=A.INDICATORS)], className="all-indicators"),
        ],
        className="desk desk-analysis",
    )
