"""/region 辖区法院排名: the courts of the selected court's 辖区 ranked on one indicator."""
from __future__ import annotations

from typing import Any

from dash import dcc, html

from layouts import ids
from layouts.desk.common import live_marks, period_bar, print_button
from layouts.desk.grids import grid

R = ids.Region


def layout(**query: Any) -> html.Div:
    """Skeleton; the callback fills it from the URL query kept in QUERY."""
    return html.Div(
        [
            dcc.Location(id=R.NAV, refresh="callback-nav"),
            dcc.Store(id=R.QUERY, data=dict(query)),
            html.Nav(id=R.CRUMBS, className="crumbs"),
            html.Div([html.H1(id=R.TITLE, children="辖区法院排名"), *live_marks(R),
                      print_button("辖区法院排名")], className="desk-head"),
            html.Div(id=R.PERIOD, className="period-line"),
            period_bar("/region", query, R),
            html.Div([html.Span("排名指标", className="bar-label"),
                      dcc.Dropdown(id=R.INDICATOR, clearable=False, searchable=True,
                                   placeholder="选择指标", className="region-picker")],
                     className="chip-row region-pick no-print-controls"),
            html.Div(id=R.ERROR),
            html.Div(id=R.NOTE),
            html.Section([html.H2("辖区各法院（点击法院名称进入该院会商分析，点击数字查看案件）"),
                          grid(R.GRID, height="62vh", live=True),
                          html.Div(id=R.GRID_PRINT, className="print-only")],
                         id=R.GRID_BOX, className="grid-box", style={"display": "none"}),
        ],
        className="desk desk-region",
    )
