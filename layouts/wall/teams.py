"""团队 screen: teams side by side, their comparison chart and the officer ranking."""
from __future__ import annotations

from typing import Any

from dash import html

from layouts import ids
from layouts.table import table
from layouts.wall.marks import is_below, light_badge, numeral
from layouts.wall.overview import chart
from layouts.wall.ranking import movement, rank_officers
from layouts.wall.tiles import TileSpec

# Figures on each team card, in order.
TEAM_METRICS: tuple[TileSpec, ...] = (
    TileSpec("accepted", "受理"),
    TileSpec("closed", "结案"),
    TileSpec("closure_rate", "结案率"),
    TileSpec("completion_rate", "执行完毕率"),
    TileSpec("avg_days", "平均用时"),
    TileSpec("pending", "未结"),
)
# Rate indicators compared in the team chart.
CHART_KEYS: tuple[tuple[str, str], ...] = (("closure_rate", "结案率"), ("completion_rate", "执行完毕率"))
RANK_KEY = "closure_rate"
RANK_COLUMNS: tuple[TileSpec, ...] = (
    TileSpec("closed", "结案"),
    TileSpec("closure_rate", "结案率"),
    TileSpec("completion_rate", "执行完毕率"),
)
RANK_ROWS = 12


def screen(kiosk: bool) -> list[Any]:
    """The empty 团队 frame; the callback fills it from the snapshot."""
    return [
        html.Div(
            [
                html.Section([html.H2("团队对比 · 本年至今"), html.Div(id=ids.Wall.TEAMS, className="w-teams")],
                             className="w-panel w-panel--teams"),
                html.Section([html.H2("团队结案率与执行完毕率"), chart(ids.Wall.TEAM_CHART, kiosk)],
                             className="w-panel w-panel--team-chart"),
            ],
            className="w-teams-left",
        ),
        html.Section([html.H2(["承办人排名", html.Span("按结案率 · 名次变化较去年同期", className="w-panel-sub")]),
                      html.Div(id=ids.Wall.RANKING, className="w-ranking")],
                     className="w-panel w-panel--ranking"),
    ]


def teams_of(snapshot: dict[str, Any], period: str = "ytd") -> list[dict[str, Any]]:
    """The team ScopeResults of a standard period."""
    return list(((snapshot.get("views") or {}).get(period) or {}).get("teams") or [])


def has_cases(team: dict[str, Any]) -> bool:
    """Whether a team handled any case in the period (the command center itself may not)."""
    indicators = team.get("indicators") or {}
    return any((indicators.get(key) or {}).get("value") not in (None, "0") for key in ("accepted", "pending"))


def _cell(spec: TileSpec, cell: dict[str, Any] | None) -> html.Td:
    cell = cell or {}
    below = is_below(cell)
    return html.Td([numeral(cell.get("display")), light_badge(cell.get("status"), "w-dot", cell.get("caveat"))],
                   className="w-tt-val w-flash-on-change" + (" w-tt-val--below" if below else ""),
                   **{"data-key": spec.key})


def _team_head(team: dict[str, Any]) -> html.Th:
    indicators = team.get("indicators") or {}
    below = [spec.label for spec in TEAM_METRICS if is_below(indicators.get(spec.key))]
    flag = html.Div(f"⚠ 未达标：{'、'.join(below)}", className="w-team-flag") if below else None
    return html.Th([html.Div(team.get("name") or "—", className="w-tt-name"), flag],
                   className="w-tt-team w-tt-team--below" if below else "w-tt-team",
                   **{"data-team": str(team.get("id", ""))})


def cards(snapshot: dict[str, Any]) -> list[Any]:
    """Teams side by side (one column each) on the main figures; below threshold stands out."""
    shown = [team for team in teams_of(snapshot) if has_cases(team)]
    if not shown:
        return [html.Div("快照中暂无团队数据", className="w-empty")]
    head = html.Tr([html.Th(""), *[_team_head(team) for team in shown]])
    rows = [html.Tr([html.Th(spec.label, className="w-tt-label"),
                     *[_cell(spec, (team.get("indicators") or {}).get(spec.key)) for team in shown]])
            for spec in TEAM_METRICS]
    idle = [team.get("name") or "—" for team in teams_of(snapshot) if not has_cases(team)]
    note = html.Div(f"本期无承办案件：{'、'.join(idle)}", className="w-tt-note") if idle else None
    return [table(head, rows, className="w-team-table"), note, scope_note(snapshot)]


def scope_note(snapshot: dict[str, Any]) -> html.Div | None:
    """Why the team columns do not add up to the court: their case scopes, and 未分配/其他."""
    defs = (snapshot.get("definitions") or {}).get("accepted") or {}
    team_scope = (defs.get("team") or {}).get("scope")
    court_scope = (defs.get("court") or {}).get("scope")
    parts = []
    if team_scope and court_scope and team_scope != court_scope:
        parts.append(f"团队数字{team_scope}，全院数字{court_scope}")
    other = ((((snapshot.get("views") or {}).get("ytd") or {}).get("court_parts") or {})
             .get("other") or {}).get("indicators") or {}
    accepted = (other.get("accepted") or {}).get("numerator")
    if accepted:
        parts.append(f"未分配/其他（无团队或团队已停用）受理 {accepted} 件")
    return html.Div("口径：" + "；".join(parts), className="w-tt-note") if parts else None


def _rank_row(item: Any, with_team: bool) -> html.Tr:
    symbol, words, css = movement(item)
    indicators = item.result.get("indicators") or {}
    below = is_below(indicators.get(RANK_KEY))
    name = [item.result.get("name") or "—", html.Span(" ⚠", className="w-below-tag", title="未达标") if below else None]
    return html.Tr(
        [html.Td(str(item.rank), className="w-rk-no"),
         html.Td([html.Span(symbol, className="w-rk-sym"), html.Span(words)], className=f"w-rk-move w-rk-move--{css}"),
         html.Td(name, className="w-rk-name"),
         _team_cell(item.result.get("team") or "") if with_team else None,
         *[html.Td(numeral((indicators.get(c.key) or {}).get("display")), className="w-rk-val w-flash-on-change",
                   **{"data-key": c.key}) for c in RANK_COLUMNS]],
        className="w-rk-row w-rk-row--below" if below else "w-rk-row",
    )


LONG_TEAM_NAME = 5  # characters the team column holds at its full size (繁案二团队)


def _team_cell(name: str) -> html.Td:
    """A team name; a longer one (a 中院's 中院执行一团队, up to seven) in a smaller size."""
    long = len(name) > LONG_TEAM_NAME
    return html.Td(name, className="w-rk-team w-rk-team--long" if long else "w-rk-team")


def ranking(snapshot: dict[str, Any]) -> list[Any]:
    """The officer ranking table; below-threshold officers beyond the table are named under it."""
    officers = list(((snapshot.get("views") or {}).get("ytd") or {}).get("officers") or [])
    if not officers:
        return [html.Div("快照中暂无承办人数据", className="w-empty")]
    ranked = rank_officers(officers, RANK_KEY)
    with_team = any(officer.get("team") for officer in officers)
    head = html.Tr([html.Th("名次"), html.Th("变化"), html.Th("承办人", className="w-rk-h-name"),
                    html.Th("团队", className="w-rk-h-team") if with_team else None,
                    *[html.Th(c.label) for c in RANK_COLUMNS]])
    ranking_table = table(head, [_rank_row(r, with_team) for r in ranked[:RANK_ROWS]], className="w-rank-table")
    rest = [r.result.get("name") or "—" for r in ranked[RANK_ROWS:]
            if is_below((r.result.get("indicators") or {}).get(RANK_KEY))]
    note = html.Div(f"⚠ 表外未达标：{'、'.join(rest)}", className="w-rank-note") if rest else None
    return [ranking_table, note]
