"""What /analysis, /team/<id> and /officer/<id> show, as plain data built from the URL query."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from callbacks import authz
from callbacks.desk.courts import (
    court_dict,
    court_node,
    region_crumbs,
    select_href,
    team_ids_of,
    tree,
)
from callbacks.desk.data import (
    indicator_settings,
    node_rules,
    scope_results,
    with_session,
)
from callbacks.desk.links import cases_href, node_href, queue_href
from callbacks.desk.params import ParamError, PeriodChoice
from callbacks.desk.request import AnalysisRequest, OfficerRequest, TeamRequest
from callbacks.desk.views import indicator_rows, kpi_items, scope_row
from db.auth.access import may_see_court
from db.indicators.period import Period
from db.queries.cases import officer_info, team_info
from db.queries.holders import officer_court
from db.queries.outlook import load_targets, year_end_outlook
from db.queries.queue import (
    NODE_ALERTS,
    QUEUE_KINDS,
    legal_deadlines,
    node_alerts,
    queue_counts,
)
from db.supervision.orders import OPEN_STATUSES, OrderFilter, list_orders, status_counts


@dataclass
class Screen:
    """One page's data: title, breadcrumbs, focus entity and the rows of its tables."""

    choice: PeriodChoice
    title: str
    level: str  # court | team | officer
    focus_id: int
    crumbs: list[tuple[str, str]] = field(default_factory=list)
    kpis: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    grid_scope: str | None = None  # team | officer: what the grid rows are
    grid: list[dict[str, Any]] = field(default_factory=list)
    outlook: list[dict[str, Any]] = field(default_factory=list)
    queue_counts: list[dict[str, Any]] = field(default_factory=list)
    deadlines: list[dict[str, Any]] = field(default_factory=list)
    supervision: list[dict[str, Any]] = field(default_factory=list)


def _court(court_id: int | None = None) -> dict[str, Any]:
    """The court a desk page shows (courts.page_court_id: the URL's, the selected or the configured)."""
    return court_dict(court_node(court_id))


def _court_of(court_id: int | None) -> dict[str, Any]:
    """A team's or officer's own court (its crumb), else the court the pages show."""
    node = tree().get(court_id) if court_id is not None else None
    return court_dict(node) if node is not None else _court()


def _team(team_id: int) -> dict[str, Any]:
    team = with_session("team", (team_id,), lambda s: team_info(s, team_id))
    if team is None:
        raise ParamError(f"团队编号 {team_id} 不存在，请从全院视图重新选择团队")
    return team


def _officer(officer_id: int) -> dict[str, Any]:
    officer = with_session("officer", (officer_id,), lambda s: officer_info(s, officer_id))
    if officer is None:
        raise ParamError(f"承办人编号 {officer_id} 不存在，请从团队视图重新选择")
    return officer


def court_teams(court_id: int, choice: PeriodChoice) -> list[dict[str, Any]]:
    """The team grid of one court: compute()'s teams (active case-handling teams and any team
    holding cases) that belong to this court."""
    mine = team_ids_of(court_id)
    return [r for r in scope_results("team", None, choice.period, choice.compare) if r["id"] in mine]


def _focus(choice: PeriodChoice, scope: str, sid: int) -> dict[str, Any]:
    (result,) = scope_results(scope, [sid], choice.period, choice.compare)
    return result


def _fill_focus(screen: Screen, scope: str, sid: int) -> None:
    result = _focus(screen.choice, scope, sid)
    screen.kpis = kpi_items(result, screen.choice.period, screen.choice.compare)
    screen.indicators = indicator_rows(result, screen.choice.period, screen.choice.compare)


def _outlook(scope: str, sid: int, today: dt.date) -> list[dict[str, Any]]:
    items = with_session("outlook", (scope, sid, today), lambda s: year_end_outlook(
        s, scope, sid, today=today, settings=indicator_settings(), targets=load_targets()))
    ytd = Period(dt.date(today.year, 1, 1), today)
    return [o | {f"{part}__href": cases_href(o["key"], part, scope, sid, ytd)
                 for part in ("numerator", "denominator")} for o in items]


def _scoped_drill(officer_id: int | None, team_id: int | None) -> tuple[int | None, int | None]:
    """Without a team or officer in the URL, a team lead starts at the own team, an officer at
    the own figures; only the whole-court scope starts at the court."""
    scope = authz.scope()
    if officer_id or team_id or scope.court:
        return officer_id, team_id
    if scope.team_id is not None:
        return None, scope.team_id
    if scope.officer_id is not None:
        return scope.officer_id, None
    raise authz.deny("会商分析")


def _court_crumbs(choice: PeriodChoice, court: dict[str, Any]) -> list[tuple[str, str]]:
    """辖区 (the courts above, each when visible) and 法院 crumbs, for a whole-court principal
    who may see this court."""
    if not (authz.scope().court and may_see_court(authz.current(), court["id"])):
        return []
    shown = court_node().id  # the page's court without ?court=: links to it stay plain
    href = AnalysisRequest(choice, court_id=None if court["id"] == shown else court["id"]).href()
    node = tree()[court["id"]]
    own = ([(f"{node.name}辖区", "/region" if node.id == authz.current_court_id()
             else select_href(node.code, "/region"))] if node.children else [])
    return [*region_crumbs(court["id"]), *own, (court["name"], href)]


def _upper_crumbs(choice: PeriodChoice, court: dict[str, Any], team_id: int | None,
                  team_name: str | None) -> list[tuple[str, str]]:
    """辖区, 法院 and 团队 crumbs, each only when the principal may open it."""
    out = _court_crumbs(choice, court)
    if team_id and authz.team_visible(team_id):
        out.append((team_name or str(team_id), TeamRequest(team_id, choice).href()))
    return out


def fetch_analysis(request: AnalysisRequest, today: dt.date) -> Screen:
    """Court → team → officer drill-down for meetings."""
    choice = request.choice
    officer_id, team_id = _scoped_drill(request.officer_id, request.team_id)
    officer = _officer(officer_id) if officer_id else None
    if officer:
        authz.require_officer(officer["id"], officer["team_id"])
    if officer and officer["team_id"]:
        team_id = officer["team_id"]
    elif team_id:
        authz.require_team(team_id)
    team = _team(team_id) if team_id else None
    if team is None and officer is not None:
        court = _court_of(with_session("officer-court", (officer["id"],),
                                       lambda s: officer_court(s, officer["id"])))
    else:
        court = _court_of(team["court_id"]) if team else _court(request.court_id)
    crumbs = _court_crumbs(choice, court)
    if team and authz.team_visible(team["id"]):
        crumbs.append((team["name"], AnalysisRequest(choice, team["id"]).href()))
    if officer:
        crumbs.append((officer["name"], AnalysisRequest(choice, team_id, officer["id"]).href()))
    if officer:
        screen = Screen(choice, f"{officer['name']}（{officer['team'] or '未分配团队'}）", "officer", officer["id"], crumbs)
        _fill_focus(screen, "officer", officer["id"])
        return screen
    if team:
        screen = Screen(choice, team["name"], "team", team["id"], crumbs, grid_scope="officer")
        _fill_focus(screen, "team", team["id"])
        results = scope_results("officer", team["holder_ids"], choice.period, choice.compare) if team["holder_ids"] else []
        screen.grid = [scope_row(r, choice.period, AnalysisRequest(choice, team["id"], r["id"]).href())
                       for r in results]
        screen.outlook = _outlook("team", team["id"], today)
        return screen
    authz.require_court(court["id"])
    screen = Screen(choice, court["name"], "court", court["id"], crumbs, grid_scope="team")
    _fill_focus(screen, "court", court["id"])
    teams = court_teams(court["id"], choice)
    screen.grid = [scope_row(r, choice.period, AnalysisRequest(choice, r["id"]).href()) for r in teams]
    screen.outlook = _outlook("court", court["id"], today)
    return screen


def analysis_screen(query: Mapping[str, Any], today: dt.date) -> Screen:
    """Parse an /analysis URL query, then fetch (for callers that hold a URL: the export)."""
    return fetch_analysis(AnalysisRequest.parse(query, today), today)


def scope_node_alerts(scope: str, sid: int, today: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Overdue / due-soon node rows of a team or officer (memoized; counts and lists share it)."""
    return with_session("node-alerts", (scope, sid, today), lambda s: node_alerts(
        s, scope, sid, today=today, rules=node_rules()))


def _queue_counts(scope: str, sid: int, today: dt.date) -> list[dict[str, Any]]:
    nodes = scope_node_alerts(scope, sid, today)
    counts = with_session("queue-counts", (scope, sid, today), lambda s: queue_counts(s, scope, sid, today=today))
    return [{"key": k.key, "label": k.label, "count": len(nodes[k.key]), "href": node_href(k.key, scope, sid)}
            for k in NODE_ALERTS.values()] + [
        {"key": k.key, "label": k.label, "count": counts[k.key], "href": queue_href(k.key, scope, sid)}
        for k in sorted(QUEUE_KINDS.values(), key=lambda k: k.rank)] + [_supervision_count(scope, sid, today)]


def _supervision_count(scope: str, sid: int, today: dt.date) -> dict[str, Any]:
    """督办 still open for the team or officer (its overdue ones named), linked to the 督办 list."""
    flt = OrderFilter(team_id=sid) if scope == "team" else OrderFilter(officer_id=sid)
    counts = with_session("supervision-counts", (scope, sid, today),
                          lambda s: status_counts(s, today, flt=flt))
    return {"key": "supervision", "label": "督办未办结", "count": counts["open"],
            "href": f"/supervision?{scope}={sid}&status=open",
            "note": f"其中逾期 {counts['overdue']:,} 件" if counts["overdue"] else ""}


def fetch_team(request: TeamRequest, today: dt.date) -> Screen:
    """A team lead's desk: team indicators, officer grid, queue counts (the work list: worklist.py)."""
    choice, team_id = request.choice, request.team_id
    authz.require_team(team_id)
    team = _team(team_id)
    court = _court_of(team["court_id"])
    crumbs = _upper_crumbs(choice, court, team_id, team["name"])
    screen = Screen(choice, team["name"], "team", team_id, crumbs, grid_scope="officer")
    _fill_focus(screen, "team", team_id)
    results = scope_results("officer", team["holder_ids"], choice.period, choice.compare) if team["holder_ids"] else []
    screen.grid = [scope_row(r, choice.period, OfficerRequest(r["id"], choice).href()) for r in results]
    screen.queue_counts = _queue_counts("team", team_id, today)
    orders = with_session("supervision", (team_id, today), lambda s: list_orders(s, today, team_id=team_id))
    screen.supervision = sorted(orders, key=lambda o: (o["status"] not in OPEN_STATUSES, o["due_on"]))
    return screen


def team_screen(team_raw: Any, query: Mapping[str, Any], today: dt.date) -> Screen:
    """Parse a /team/<id> URL, then fetch."""
    return fetch_team(TeamRequest.parse(team_raw, query, today), today)


def fetch_officer(request: OfficerRequest, today: dt.date) -> Screen:
    """An officer's own indicators, action queue counts and case deadlines."""
    choice, officer_id = request.choice, request.officer_id
    officer = _officer(officer_id)
    authz.require_officer(officer_id, officer["team_id"])
    court = _court_of(with_session("officer-court", (officer_id,), lambda s: officer_court(s, officer_id)))
    crumbs = _upper_crumbs(choice, court, officer["team_id"], officer["team"])
    crumbs.append((officer["name"], request.href()))
    screen = Screen(choice, f"{officer['name']}（{officer['team'] or '未分配团队'}）", "officer", officer_id, crumbs)
    _fill_focus(screen, "officer", officer_id)
    screen.queue_counts = _queue_counts("officer", officer_id, today)
    screen.deadlines = with_session("deadlines", ("officer", officer_id, today),
                                    lambda s: legal_deadlines(s, "officer", officer_id, today=today))
    return screen
