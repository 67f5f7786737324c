"""/officer/<officer_id>: an officer's indicators, action counts and case deadlines."""
from __future__ import annotations

from typing import Any

from dash import html

from layouts import ids
from layouts.desk.common import entity_desk
from layouts.desk.grids import deadline_columns, grid, supervision_columns
from layouts.desk.supervision import supervise_href
from layouts.desk.worklist import worklist_section

OF = ids.Officer


def layout(officer_id: str | None = None, **query: Any) -> html.Div:
    """Skeleton; the callback fills it from the path and query kept in QUERY."""
    return entity_desk(OF, "officer", officer_id, query, "承办人",
                       ("督办", supervise_href("officer", officer=officer_id)), [
        html.Section([html.H2("待办统计"), html.Div(id=OF.QUEUE_COUNTS, className="kpi-grid")]),
        worklist_section(OF),
        html.Section([html.H2("未结案件与法定期限（最紧迫在前）"),
                      grid(OF.DEADLINES, deadline_columns(), height="50vh", live=True)], className="grid-box"),
        html.Section([html.H2("督办（未办结在前）"),
                      grid(OF.SUPERVISION, supervision_columns(), height="30vh", live=True)], className="grid-box"),
        html.Section([html.H2("个人指标"), html.Div(id=OF.INDICATORS)], className="all-indicators"),
    ])
