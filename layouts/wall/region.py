"""辖区 and 法院 screens: a 中院's courts ranked, and each court's own figures and teams.

Both read the snapshot's "region" part (db/snapshot/region.py) and join the rotation only while
the snapshot has one (a single-court installation never shows them). The 法院 screen holds one
panel per court; wall.js gives each panel its own slot in the rotation ("courts#0", "courts#1", …),
so every court of the 辖区 is reachable there (DASHBOARD_WALL_COURT_SCREENS=0 leaves the panels
out of the automatic rotation; their tab still opens them). A wall token of a basic court sees its
own court's panel only (callbacks/wall/wall.py passes `only`).
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from dash import html

from layouts import ids
from layouts.table import table
from layouts.wall.marks import change, is_below, light_badge, numeral
from layouts.wall.ranking import Ranked, movement, rank_officers
from layouts.wall.teams import TEAM_METRICS
from layouts.wall.tiles import MONEY_KEY, OVERVIEW_TILES, TileSpec, kpi_tile, money_tile

# The 辖区 grid's columns: the rank key first (db/snapshot/region.py RANK_KEY), then the key
# figures of the 总览 screen.
GRID_COLUMNS: tuple[TileSpec, ...] = (
    TileSpec("closure_rate", "结案率"),
    TileSpec("recovery_rate", "执行到位率"),
    TileSpec("legal_limit_rate", "法定期限内结案率"),
    TileSpec("completion_rate", "执行完毕率"),
    TileSpec("closed", "结案"),
)
# Each court's team ranking.
TEAM_COLUMNS: tuple[TileSpec, ...] = TEAM_METRICS  # the figures of the team cards (teams.py)
TEAM_ROWS = 8
DENSE_ROWS = 10  # more courts than this: smaller figures, so up to 16 rows still fit
LEVEL_TAGS = {"high": "高院", "intermediate": "中院", "basic": "基层"}


def region_screen() -> list[Any]:
    """The empty 辖区 frame; the callback fills it from the snapshot."""
    return [html.Div(id=ids.Wall.REGION, className="w-region")]


def courts_screen() -> list[Any]:
    """The empty 法院 frame (one panel per court, filled by the callback)."""
    return [html.Div(id=ids.Wall.COURTS, className="w-courts")]


def region_of(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    return snapshot.get("region") or {}


def _courts(region: Mapping[str, Any], only: Collection[int] | None) -> list[dict[str, Any]]:
    return [c for c in region.get("courts") or [] if only is None or c["id"] in only]


def _rows(region: Mapping[str, Any], period: str = "ytd") -> dict[str, Any]:
    return ((region.get("views") or {}).get(period)) or {}


def live(snapshot: Mapping[str, Any], only: Collection[int] | None = None) -> dict[str, Any]:
    """{"region": the 辖区 screen has content, "courts": how many court panels} (wall.js)."""
    region = region_of(snapshot)
    return {"region": bool(region) and only is None, "courts": len(_courts(region, only))}


def _rank_cell(entry: Mapping[str, Any] | None) -> html.Td:
    if not entry or entry.get("rank") is None:
        return html.Td("—", className="w-rg-no")
    return html.Td(str(entry["rank"]), className="w-rg-no w-num")


def _move_cell(entry: Mapping[str, Any] | None) -> html.Td:
    if not entry or entry.get("rank") is None:
        return html.Td("", className="w-rg-move")
    symbol, words, css = movement(Ranked(entry["rank"], entry.get("previous"), {}))
    return html.Td([html.Span(symbol, className="w-rk-sym"), html.Span(words)],
                   className=f"w-rg-move w-rk-move--{css}", title="名次较去年同期")


def _figure_cell(spec: TileSpec, cell: Mapping[str, Any] | None) -> html.Td:
    """Value with its traffic light, and the year-on-year change under it (a count's change
    without its percentage: the grid's columns are narrow)."""
    cell = dict(cell or {})
    if cell.get("delta_display") and cell.get("unit") != "%":
        cell["delta_display"] = str(cell["delta_display"]).split("（")[0]
    if not cell:
        return html.Td(numeral(None), className="w-rg-val", **{"data-key": spec.key})
    return html.Td(
        [html.Div([numeral(cell.get("display")),
                   light_badge(cell.get("status"), "w-light", cell.get("caveat"))],
                  className="w-rg-figure w-flash-on-change"),
         change(cell, spec.better)],
        className="w-rg-val" + (" w-rg-val--below" if is_below(cell) else ""),
        **{"data-key": spec.key})


def _name_cell(court: Mapping[str, Any], top: bool) -> html.Td:
    # the level only where it is not 基层 (the 中院 itself, or a 中院 under a 高院's wall)
    level = court.get("level") or ""
    tag = (html.Span(LEVEL_TAGS.get(level, ""), className="w-rg-tag w-rg-tag--top" if top
                     else "w-rg-tag") if level != "basic" else None)
    return html.Td([html.Span(court.get("short_name") or court.get("name") or "—",
                              className="w-rg-name-text"), tag],
                   className="w-rg-name", title=court.get("name") or "")


def overview(snapshot: Mapping[str, Any]) -> list[Any]:
    """The 辖区's courts ranked on 结案率 (本年至今), with the key figures, their year-on-year
    change and target lights."""
    region = region_of(snapshot)
    if not region:
        return [html.Div("快照中暂无辖区数据", className="w-empty")]
    rows = _rows(region)
    results = {r["id"]: r for r in rows.get("courts") or []}
    courts = {c["id"]: c for c in region.get("courts") or []}
    order = [e for e in rows.get("ranking") or [] if e["id"] in courts]
    head = html.Tr([html.Th("名次"), html.Th("变化"), html.Th("法院", className="w-rg-h-name"),
                    *[html.Th(c.label) for c in GRID_COLUMNS]])
    body = []
    for entry in order:
        court = courts[entry["id"]]
        indicators = (results.get(entry["id"]) or {}).get("indicators") or {}
        body.append(html.Tr(
            [_rank_cell(entry), _move_cell(entry),
             _name_cell(court, court["id"] == region.get("court_id")),
             *[_figure_cell(c, indicators.get(c.key)) for c in GRID_COLUMNS]],
            className="w-rg-row" + (" w-rg-row--below" if is_below(indicators.get(
                region.get("rank_key") or "closure_rate")) else ""),
            **{"data-court": str(court["id"])}))
    period = (snapshot.get("periods") or {}).get("ytd") or {}
    sub = f"本年至今 {period.get('start', '')} 至 {period.get('end', '')} · 按结案率排名 · 名次变化较去年同期"
    dense = " w-region-table--dense" if len(body) > DENSE_ROWS else ""
    return [html.Section([html.H2(["辖区法院排名", html.Span(sub, className="w-panel-sub")]),
                          table(head, body, className="w-region-table" + dense)],
                         className="w-panel w-panel--region")]


def _team_rows(teams: list[dict[str, Any]]) -> list[tuple[int | None, dict[str, Any]]]:
    """Teams ranked on 结案率 (competition ranks; teams without a rate last)."""
    ranked = rank_officers(teams, "closure_rate")
    placed = {id(r.result) for r in ranked}
    return ([(r.rank, r.result) for r in ranked]
            + [(None, t) for t in teams if id(t) not in placed])


def _teams(teams: list[dict[str, Any]]) -> Any:
    if not teams:
        return html.Div("快照中暂无团队数据", className="w-empty")
    head = html.Tr([html.Th("名次"), html.Th("团队", className="w-rg-h-name"),
                    *[html.Th(c.label) for c in TEAM_COLUMNS]])
    rows = []
    for rank, team in _team_rows(teams)[:TEAM_ROWS]:
        indicators = team.get("indicators") or {}
        rows.append(html.Tr(
            [html.Td("—" if rank is None else str(rank), className="w-rg-no w-num"),
             html.Td(team.get("name") or "—", className="w-rg-name"),
             *[html.Td([numeral((indicators.get(c.key) or {}).get("display")),
                        light_badge((indicators.get(c.key) or {}).get("status"), "w-dot",
                                    (indicators.get(c.key) or {}).get("caveat"))],
                       className="w-rg-tval w-flash-on-change", **{"data-key": c.key})
               for c in TEAM_COLUMNS]],
            className="w-rg-row" + (" w-rg-row--below" if is_below(indicators.get("closure_rate"))
                                    else "")))
    return table(head, rows, className="w-region-teams")


def _panel(index: int, court: Mapping[str, Any], result: Mapping[str, Any] | None,
           entry: Mapping[str, Any] | None, teams: list[dict[str, Any]], count: int,
           ranked: int) -> html.Div:
    indicators = (result or {}).get("indicators") or {}
    place = (f"辖区第 {entry['rank']} 名（共 {ranked} 家）· 按结案率"
             if entry and entry.get("rank") is not None else "本期无结案率，不参与排名")
    head = html.Div([html.Div([html.Span(court.get("name") or "—", className="w-ct-name"),
                               html.Span(LEVEL_TAGS.get(court.get("level") or "", ""),
                                         className="w-rg-tag")]),
                     html.Div([html.Span(place, className="w-ct-place"),
                               html.Span(f"{index + 1} / {count}", className="w-ct-step")],
                              className="w-ct-meta")], className="w-ct-head")
    # the 总览's ten tiles (待发放案款 in 万元 like there, without the ageing: that is the
    # configured court's node control only)
    tiles = html.Div([money_tile(spec, None, indicators.get(spec.key)) if spec.key == MONEY_KEY
                      else kpi_tile(spec, indicators.get(spec.key)) for spec in OVERVIEW_TILES],
                     className="w-kpi-grid w-ct-kpis")
    return html.Div(
        [head, tiles,
         html.Section([html.H2(["团队排名", html.Span("本年至今 · 按结案率", className="w-panel-sub")]),
                       _teams(teams)], className="w-panel w-ct-teams")],
        className="w-court-panel" + (" is-active" if index == 0 else ""),
        **{"data-index": str(index), "data-court": str(court["id"])})


def panels(snapshot: Mapping[str, Any], only: Collection[int] | None = None) -> list[Any]:
    """One panel per court of the 辖区 (`only`: these courts' panels only), in 辖区 order."""
    region = region_of(snapshot)
    courts = _courts(region, only)
    if not courts:
        return [html.Div("快照中暂无法院数据", className="w-empty")]
    rows = _rows(region)
    results = {r["id"]: r for r in rows.get("courts") or []}
    teams = {t["id"]: t for t in rows.get("teams") or []}
    ranking = {e["id"]: e for e in rows.get("ranking") or []}
    ranked = sum(1 for e in ranking.values() if e.get("rank") is not None)
    return [_panel(i, c, results.get(c["id"]), ranking.get(c["id"]),
                   [teams[t] for t in c.get("teams") or [] if t in teams], len(courts), ranked)
            for i, c in enumerate(courts)]


def court_name(snapshot: Mapping[str, Any], only: Collection[int]) -> str | None:
    """The header's name for a viewer limited to `only`: its first court of the 辖区."""
    courts = _courts(region_of(snapshot), only)
    return courts[0]["name"] if courts else None
