"""/team/<team_id>: the team lead's desk (indicators, officer grid, action queue)."""
from __future__ import annotations

from typing import Any

from dash import html

from layouts import ids
from layouts.desk.common import entity_desk
from layouts.desk.grids import grid, queue_columns, supervision_columns
from layouts.desk.supervision import supervise_href

T = ids.Team


def layout(team_id: str | None = None, **query: Any) -> html.Div:
    """Skeleton; the callback fills it from the path and query kept in QUERY."""
    return entity_desk(T, "team", team_id, query, "团队工作台",
                       ("督办本团队", supervise_href("team", team=team_id)), [
        html.Section([html.H2("今日待办"), html.Div(id=T.QUEUE_COUNTS, className="kpi-grid")]),
        html.Section([html.H2(id=T.OFFICERS_TITLE, children="承办人指标"),
                      grid(T.OFFICERS, height="46vh")], className="grid-box"),
        html.Section([html.H2("待办案件（最紧急在前）"),
                      grid(T.QUEUE, queue_columns(), height="50vh")], className="grid-box"),
        html.Section([html.H2("督办（未办结在前）"),
                      grid(T.SUPERVISION, supervision_columns(), height="36vh")], className="grid-box"),
        html.Section([html.H2("团队指标"), html.Div(id=T.INDICATORS)], className="all-indicators"),
    ])
