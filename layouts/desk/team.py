"""/team/<team_id>: the team lead's desk (indicators, officer grid, action queue)."""
from __future__ import annotations

from typing import Any

from dash import html

from layouts import ids
from layouts.desk.common import entity_desk
from layouts.desk.grids import grid, supervision_columns
from layouts.desk.supervision import supervise_href
from layouts.desk.worklist import worklist_section

T = ids.Team


def layout(team_id: str | None = None, **query: Any) -> html.Div:
    """Skeleton; the callback fills it from the path and query kept in QUERY."""
    return entity_desk(T, "team", team_id, query, "团队工作台",
                       ("督办本团队", supervise_href("team", team=team_id)), [
        html.Section([html.H2("待办统计"), html.Div(id=T.QUEUE_COUNTS, className="kpi-grid")]),
        worklist_section(T),
        html.Section([html.H2(id=T.OFFICERS_TITLE, children="承办人指标"),
                      grid(T.OFFICERS, height="46vh", live=True)], className="grid-box"),
        html.Section([html.H2("督办（未办结在前）"),
                      grid(T.SUPERVISION, supervision_columns(), height="36vh", live=True)], className="grid-box"),
        html.Section([html.H2("团队指标"), html.Div(id=T.INDICATORS)], className="all-indicators"),
    ])
