"""/region 辖区法院排名: the selected court's 辖区 ranked on one indicator (computed live)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import dash
from dash import Input, Output, State, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from callbacks import authz
from callbacks.desk.common import grid_indicators, jsonable, register_compare_apply
from callbacks.desk.courts import court_node, region_crumbs, select_href, tree
from callbacks.desk.data import (
    court_today,
    indicator_settings,
    scope_results,
    with_session,
)
from callbacks.desk.live import live
from callbacks.desk.params import ParamError, PeriodChoice, problem, search
from callbacks.desk.region_data import has_own_cases, rank_results, region_courts
from callbacks.desk.request import AnalysisRequest, RegionRequest
from callbacks.desk.views import GRID_KEYS, STATUS_LABELS, scope_row
from db.indicators.registry import CENTER
from layouts import ids
from layouts.desk import common as ui
from layouts.desk.grids import indicator_columns, link_column

R = ids.Region
NO_REGION = "当前法院（{name}）下没有辖区法院，辖区法院排名只对有下级法院的法院（如中级人民法院）显示。"


@dataclass
class RegionScreen:
    choice: PeriodChoice
    key: str
    title: str
    crumbs: list[tuple[str, str]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""  # why there is no ranking (a court without 辖区)


def indicator_options() -> list[dict[str, str]]:
    """Every registry indicator of the case views (the center's own ones are not per court)."""
    return [{"label": f"{i.name}（{i.unit}）", "value": k}
            for k, i in indicator_settings().indicators.items() if i.group != CENTER]


def _keys(key: str) -> tuple[str, ...] | None:
    """compute()'s keys: the standard ones (None) unless the ranking key is not among them."""
    return None if indicator_settings().indicators[key].group != CENTER else (*GRID_KEYS, key)


def fetch_region(request: RegionRequest) -> RegionScreen:
    """Rank the courts of the 辖区 of `request.court_id` (default: the selected court)."""
    node = court_node(request.court_id)
    authz.require_court(node.id)
    choice, key = request.choice, request.key
    screen = RegionScreen(choice, key, f"{node.name} · 辖区法院排名",
                          [*region_crumbs(node.id), (f"{node.name}辖区", request.href())])
    if not node.children:
        screen.note = NO_REGION.format(name=node.name)
        return screen
    own = with_session("court-own-cases", (node.id,), lambda s: has_own_cases(s, node.id))
    courts = region_courts(tree(), node.id, own)
    labels = {c.node.id: c for c in courts}
    results = scope_results("court", [c.node.id for c in courts], choice.period, choice.compare,
                            _keys(key))
    direction = indicator_settings().indicators[key].direction
    analysis = AnalysisRequest(choice).href()
    for ranked in rank_results(results, key, direction):
        court = labels[ranked.result["id"]]
        row = scope_row(dict(ranked.result), choice.period, select_href(court.node.code, analysis),
                        tuple(dict.fromkeys((key, *GRID_KEYS))))
        entry = ranked.result["indicators"][key]
        row.update(name=court.label, code=court.node.code, rank=ranked.rank, move=ranked.move,
                   rank__d=str(ranked.rank) if ranked.rank else "—",
                   status_label=STATUS_LABELS.get(entry["status"], ""),
                   compare_display=entry.get("compare_display") or "—",
                   delta_display=entry.get("delta_display") or "—")
        screen.rows.append(row)
    return screen


def region_columns(key: str) -> list[dict[str, Any]]:
    """名次, 法院 (select it → /analysis), the ranking indicator with its comparison, change and
    status, then the grid indicators of /analysis."""
    ind = indicator_settings().indicators[key]
    ranking = link_column(key, f"{ind.name}（{ind.unit}）", text_field=f"{key}__d", numeric=True)
    ranking["cellClassRules"] = indicator_columns("", [(key, ind.name, ind.unit)])[1]["cellClassRules"]
    ranking["headerClass"] = "rank-key"
    others = [c for c in indicator_columns("法院", grid_indicators())[1:] if c["field"] != key]
    for col in others:
        col.pop("sort", None)
    return [
        # widths are flex shares above a minimum, so the columns grow with the 4K type
        # rows arrive in rank order (unranked last; a grid sort would put them first)
        {"field": "rank", "headerName": "名次", "type": "rightAligned", "minWidth": 88, "flex": 0.6,
         "filter": False, "valueFormatter": {"function": "params.value == null ? '—' : params.value"}},
        link_column("name", "法院", width=170) | {"flex": 2},
        ranking | {"minWidth": 120, "flex": 1.2},
        {"field": "compare_display", "headerName": "对比期", "type": "rightAligned", "minWidth": 110},
        {"field": "delta_display", "headerName": "变化", "type": "rightAligned", "minWidth": 140, "flex": 1.6},
        {"field": "status_label", "headerName": "状态", "minWidth": 90, "flex": 0.9,
         "cellClassRules": {f"cell-{s}": f"params.data && params.data['{key}__s'] === '{s}'"
                            for s in ("good", "warn", "bad")}},
        {"field": "move", "headerName": "名次变化", "minWidth": 110, "flex": 1.2},
        *others,
    ]


EMPTY = ([], "辖区法院排名", "", None, None, [], [], {"display": "none"}, ui.grid_style(0), None)


def render_region(query: Mapping[str, Any] | None) -> tuple[Any, ...]:
    """Crumbs, title, period line, error, note, columns, rows, grid box style, grid style, print table."""
    try:
        today: dt.date = court_today()
        request = RegionRequest.parse(query or {}, today, indicator_settings().indicators)
        screen = fetch_region(request)
    except (ParamError, SQLAlchemyError) as exc:
        return EMPTY[:3] + (ui.error_box(problem(exc)),) + EMPTY[4:]
    period = [html.Span(f"统计期间 {screen.choice.label}"),
              html.Span(f"对比期间 {screen.choice.compare_label}")]
    if screen.note:
        return (ui.crumbs(screen.crumbs), screen.title, period, None,
                html.P(screen.note, className="region-note"), *EMPTY[5:])
    columns = region_columns(screen.key)
    return (ui.crumbs(screen.crumbs), screen.title, period, None, None, columns, jsonable(screen.rows),
            {}, grid_style(len(screen.rows)), ui.print_table(columns, screen.rows))


def grid_style(rows: int) -> dict[str, str]:
    """Every court's row without scrolling up to 75% of the screen; rem-based as well, so the
    grid grows with the 4K type (assets/region.css)."""
    px = 58 + 44 * max(rows, 1)
    return {"height": f"min(max({px}px, calc(3.4rem + {max(rows, 1)} * 2.4rem)), 75vh)", "width": "100%"}


def chosen_key(value: Any, query: Mapping[str, Any] | None) -> Any:
    """The indicator picker writes `key` into the URL (the URL is the view)."""
    query = dict(query or {})
    if not value or value == (query.get("key") or "closure_rate"):
        return no_update
    return search(query | {"key": value})


def picker(query: Mapping[str, Any] | None) -> tuple[list[dict[str, str]], str]:
    return indicator_options(), str((query or {}).get("key") or "closure_rate")


def register(app: dash.Dash) -> None:
    app.callback(Output(R.INDICATOR, "options"), Output(R.INDICATOR, "value"),
                 Input(R.QUERY, "data"))(picker)
    app.callback(Output(R.NAV, "search", allow_duplicate=True), Input(R.INDICATOR, "value"),
                 State(R.QUERY, "data"), prevent_initial_call=True)(chosen_key)
    app.callback(
        Output(R.CRUMBS, "children"), Output(R.TITLE, "children"), Output(R.PERIOD, "children"),
        Output(R.ERROR, "children"), Output(R.NOTE, "children"), Output(R.GRID, "columnDefs"),
        Output(R.GRID, "rowData"), Output(R.GRID_BOX, "style"), Output(R.GRID, "style"),
        Output(R.GRID_PRINT, "children"), Output(R.ASOF, "children"), Output(R.SHOWN, "data"),
        Input(R.QUERY, "data"), Input(ids.Shell.VERSION, "data"), State(R.SHOWN, "data"),
    )(live(render_region, data=(6, 9), grids=(6,), error=3))
    register_compare_apply(app, R)
