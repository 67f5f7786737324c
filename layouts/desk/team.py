"""/team/<team_id>: the team lead's desk (indicators, officer grid, action queue)."""
from __future__ import annotations

from typing import Any

from dash import dcc, html

from layouts import ids
from layouts.desk.components import period_bar, search
from layouts.desk.grids import grid, queue_columns, supervision_columns
from layouts.desk.supervision import supervise_href

T = ids.Team


def layout(team_id: str | None = None, **query: Any) -> html.Div:
    """Skeleton; the callback fills it from the path and query kept in QUERY."""
    path = f"/team/{team_id}" if team_id else "/team"
    return html.Div(
        [
            dcc.Location(id=T.NAV, refresh="callback-nav"),
            dcc.Store(id=T.QUERY, data={"path_id": team_id, "query": dict(query)}),
            html.Nav(id=T.CRUMBS, className="crumbs"),
            html.Div([html.H1(id=T.TITLE, children="团队工作台"),
                      dcc.Link("督办本团队", href=supervise_href("team", team=team_id), className="btn"),
                      html.A("导出 Excel", href="/export/analysis.xlsx" + search(dict(query) | {"team": team_id}),
                             className="btn export-link")], className="desk-head"),
            period_bar(path, query, T, with_compare_dates=False),
            html.Div(id=T.ERROR),
            html.Section([html.H2("今日待办"), html.Div(id=T.QUEUE_COUNTS, className="kpi-grid")]),
            html.Section([html.H2(id=T.OFFICERS_TITLE, children="承办人指标"),
                          grid(T.OFFICERS, height="46vh")], className="grid-box"),
            html.Section([html.H2("待办案件（最紧急在前）"),
                          grid(T.QUEUE, queue_columns(), height="50vh")], className="grid-box"),
            html.Section([html.H2("督办（未办结在前）"),
                          grid(T.SUPERVISION, supervision_columns(), height="36vh")], className="grid-box"),
            html.Section([html.H2("团队指标"), html.Div(id=T.INDICATORS)], className="all-indicators"),
        ],
        className="desk desk-team",
    )
