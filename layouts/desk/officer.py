"""/officer/<officer_id>: an officer's indicators, action counts and case deadlines."""
from __future__ import annotations

from typing import Any

from dash import dcc, html

from layouts import ids
from layouts.desk.components import period_bar, search
from layouts.desk.grids import deadline_columns, grid, supervision_columns
from layouts.desk.supervision import supervise_href

OF = ids.Officer


def layout(officer_id: str | None = None, **query: Any) -> html.Div:
    """Skeleton; the callback fills it from the path and query kept in QUERY."""
    path = f"/officer/{officer_id}" if officer_id else "/officer"
    return html.Div(
        [
            dcc.Location(id=OF.NAV, refresh="callback-nav"),
            dcc.Store(id=OF.QUERY, data={"path_id": officer_id, "query": dict(query)}),
            html.Nav(id=OF.CRUMBS, className="crumbs"),
            html.Div([html.H1(id=OF.TITLE, children="承办人"),
                      dcc.Link("督办", href=supervise_href("officer", officer=officer_id), className="btn"),
                      html.A("导出 Excel", href="/export/analysis.xlsx" + search(dict(query) | {"officer": officer_id}),
                             className="btn export-link")], className="desk-head"),
            period_bar(path, query, OF, with_compare_dates=False),
            html.Div(id=OF.ERROR),
            html.Section([html.H2("待办"), html.Div(id=OF.QUEUE_COUNTS, className="kpi-grid")]),
            html.Section([html.H2("未结案件与法定期限（最紧迫在前）"),
                          grid(OF.DEADLINES, deadline_columns(), height="50vh")], className="grid-box"),
            html.Section([html.H2("督办（未办结在前）"),
                          grid(OF.SUPERVISION, supervision_columns(), height="30vh")], className="grid-box"),
            html.Section([html.H2("个人指标"), html.Div(id=OF.INDICATORS)], className="all-indicators"),
        ],
        className="desk desk-officer",
    )
