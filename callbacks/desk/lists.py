"""What /cases and /case/<id> show: the rows behind a number, and one case's timeline."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from callbacks import authz
from callbacks.desk.courts import court_node
from callbacks.desk.data import (
    explained,
    indicator_settings,
    node_rules,
    scope_results,
    with_session,
)
from callbacks.desk.links import measure_label
from callbacks.desk.params import PARTS, ParamError, search
from callbacks.desk.request import CaseRequest, CasesRequest, Scope
from callbacks.desk.screens import scope_node_alerts
from db.auth.access import may_see_case
from db.indicators.period import Period
from db.indicators.registry import CENTER
from db.queries.cases import (
    case_rows,
    case_timeline,
    officer_info,
    team_info,
)
from db.queries.queue import NODE_ALERTS, QUEUE_KINDS, queue_case_ids
from db.supervision.orders import list_orders

# What a row shows of a case outside the principal's scope (counted in a figure the principal may
# see, e.g. an officer's denominator holding a case since moved to another team): which case and
# who holds it now, nothing else (no parties, amounts, dates, values, no link).
OUTSIDE_KEEP = ("case_number", "team", "officer")
OUTSIDE_NOTE = "其中 {n} 件现由其他团队或承办人办理，不在您的查看范围内：只显示案号与现承办人"


def limit_to_scope(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """(rows with every case outside the principal's scope cut down to OUTSIDE_KEEP, how many)."""
    who, out, hidden = authz.current(), [], 0
    for row in rows:
        if "case_number" in row and not may_see_case(who, row.get("team_id"), row.get("officer_id"), row.get("court_id")):
            out.append({k: row.get(k, "") for k in OUTSIDE_KEEP} | {"outside_scope": True})
            hidden += 1
        else:
            out.append(row)
    return out, hidden


@dataclass
class CaseList:
    """A list of cases (or payments / officers) and what number it stands behind."""

    title: str
    lines: list[str]
    kind: str  # cases | payments | officers
    rows: list[dict[str, Any]] = field(default_factory=list)
    number: Any = None  # the figure the list explains (count, or sum when rows carry "value")
    period: Period | None = None
    value_label: str = ""
    crumbs: list[tuple[str, str]] = field(default_factory=list)
    # what the export's file name says: ("团队", "简案团队", "结案率") — else the title
    file_parts: list[str] = field(default_factory=list)


def _entity(scope: Scope) -> tuple[int, str]:
    """(id, name) of the scope's court, team or officer, after the principal's scope check."""
    sid = scope.id
    if scope.level == "court":  # the URL's court, else the selected one (courts.page_court_id)
        node = court_node(sid)
        authz.require_court(node.id)
        return node.id, node.name
    finders = {"team": lambda s: team_info(s, sid), "officer": lambda s: officer_info(s, sid)}
    if scope.level == "team":
        authz.require_team(sid)
    found = with_session(f"scope-{scope.level}", (sid,), finders[scope.level])
    if found is None or (scope.level == "court" and sid and found["id"] != sid):
        raise ParamError(f"{scope.label}编号 {sid} 不存在")
    if scope.level == "officer":
        authz.require_officer(found["id"], found["team_id"])
    return found["id"], found["name"]


def crumbs_for(request: CasesRequest, sid: int, leaf: str) -> list[tuple[str, str]]:
    """Breadcrumbs back up the drill path: 全院 › 团队 › 承办人 › this list. An indicator list's
    crumbs open /analysis for the list's period; a queue or node list's the team and officer desks."""
    scope, period = request.scope.level, request.period
    base = ({"preset": "custom", "start": period.start.isoformat(), "end": period.end.isoformat()}
            if period else {})
    court = court_node(sid if scope == "court" else None) if authz.scope().court else None
    other = {"court": court.id} if court is not None and court.id != court_node().id else {}
    out = [(court.name, "/analysis" + search(base | other))] if court is not None else []
    team_id = sid if scope == "team" else None
    officer = with_session("officer", (sid,), lambda s: officer_info(s, sid)) if scope == "officer" else None
    if officer:
        team_id = officer["team_id"]
    if team_id and authz.team_visible(team_id):
        team = with_session("team", (team_id,), lambda s: team_info(s, team_id))
        href = "/analysis" + search(base | {"team": team_id}) if period else f"/team/{team_id}"
        out.append((team["name"] if team else str(team_id), href))
    if officer:
        href = ("/analysis" + search(base | {"team": team_id or "", "officer": sid}) if period
                else f"/officer/{sid}")
        out.append((officer["name"], href))
    return out + [(leaf, "")]


def _enrich(rows: list[dict[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    """Add masked parties, category and amounts to explain's rows (order and length kept)."""
    ids = [r["id"] for r in rows if "case_number" in r]
    extra = {r["id"]: r for r in with_session("case-rows", (tuple(ids), today),
                                              lambda s: case_rows(s, ids, today=today))}
    out = []
    for row in rows:
        base = extra.get(row.get("id"), {}) if "case_number" in row else {}
        out.append({**base, **{k: v for k, v in row.items() if k != "closing_method"},
                    "closing_method": base.get("closing_method", row.get("closing_method") or "")})
    return out


def _kind(rows: list[dict[str, Any]]) -> str:
    if rows and "payment_id" in rows[0]:
        return "payments"
    if rows and "case_number" not in rows[0]:
        return "officers"
    return "cases"


def indicator_list(request: CasesRequest, today: dt.date) -> CaseList:
    """The rows behind one part (numerator or denominator) of one indicator for a scope and period."""
    ind = indicator_settings().indicators[request.key]
    period, part = request.period, request.part
    assert period is not None  # an indicator request always has its period
    sid, name = _entity(request.scope)
    keys = (request.key,) if ind.group == CENTER else None  # the center's own: by key only
    (result,) = scope_results(request.scope.level, [sid], period, None, keys)
    entry = result["indicators"][request.key]
    rows = explained(request.key, request.scope.level, sid, period)[part]
    measure = getattr(ind, part)
    title = f"{name} · {ind.name} · {PARTS[part]}：{measure_label(measure)}"
    lines = [f"统计期间 {period.start} 至 {period.end}",
             f"{ind.name} {entry['display']}（分子 {entry['numerator']}，分母 {entry['denominator'] if entry['denominator'] is not None else '—'}）"]
    listed, hidden = limit_to_scope(_enrich(rows, today))
    if hidden:
        lines.append(OUTSIDE_NOTE.format(n=hidden))
    value_label = measure_label(measure) if rows and "value" in rows[0] else ""
    return CaseList(title, lines, _kind(rows), listed, entry[part], period, value_label,
                    crumbs_for(request, sid, f"{ind.name}·{PARTS[part]}"),
                    [request.scope.label, name, ind.name,
                     *([PARTS[part]] if part == "denominator" else [])])


def queue_list(request: CasesRequest, today: dt.date) -> CaseList:
    """The cases behind an action-queue count of a team or officer, as of today."""
    kind = QUEUE_KINDS[request.key]
    sid, name = _entity(request.scope)
    scope = request.scope.level
    ids = with_session("queue-ids", (request.key, scope, sid, today),
                       lambda s: queue_case_ids(s, request.key, scope, sid, today=today))
    rows, hidden = limit_to_scope(with_session("case-rows", (tuple(ids), today),
                                               lambda s: case_rows(s, ids, today=today)))
    lines = [f"截至 {today}", f"处理建议：{kind.action}"] + ([OUTSIDE_NOTE.format(n=hidden)] if hidden else [])
    return CaseList(f"{name} · {kind.label}", lines,
                    "cases", rows, len(ids), crumbs=crumbs_for(request, sid, kind.label))


def node_list_view(request: CasesRequest, today: dt.date) -> CaseList:
    """The process nodes behind a node-alert count (overdue / due soon), as of today."""
    sid, name = _entity(request.scope)
    rows = scope_node_alerts(request.scope.level, sid, today)[request.key]
    listed = [{"id": r["case_id"], "case_number": r["case_number"], "node": r["node_name"],
               "deadline": r["deadline"], "done_on": r["done_on"], "status": r["status_label"],
               "days_left": r["days_left"], "team": r["team_name"] or "", "officer": r["officer_name"] or ""}
              for r in rows]
    kind = NODE_ALERTS[request.key]
    return CaseList(f"{name} · {kind.label}", [f"截至 {today}", f"处理建议：{kind.action}"],
                    "nodes", listed, len(listed), crumbs=crumbs_for(request, sid, kind.label))


LISTS = {"indicator": indicator_list, "queue": queue_list, "node": node_list_view}


def fetch_case_list(request: CasesRequest, today: dt.date) -> CaseList:
    """The list a parsed /cases URL asks for."""
    return LISTS[request.list](request, today)


def parse_cases(query: Mapping[str, Any]) -> CasesRequest:
    """A /cases URL query → CasesRequest (against the court's indicator settings)."""
    return CasesRequest.parse(query, indicator_settings().indicators)


def case_list(query: Mapping[str, Any], today: dt.date) -> CaseList:
    """Parse a /cases URL query, then fetch its list (for callers that hold a URL: the export)."""
    return fetch_case_list(parse_cases(query), today)


def fetch_case(request: CaseRequest, today: dt.date) -> dict[str, Any]:
    """/case/<id>: the case header with full party names and its merged timeline."""
    case_id = request.case_id
    detail = with_session("case", (case_id, today), lambda s: case_timeline(
        s, case_id, today=today, rules=node_rules()))
    if detail is None:
        raise ParamError(f"案件编号 {case_id} 不存在")
    header = detail["header"]
    authz.require_case(case_id, header["team_id"], header["officer_id"])
    authz.record("case_view", f"案件 {header['case_number']}", f"case_id={case_id}")
    orders = with_session("case-orders", (case_id, today), lambda s: list_orders(s, today, case_id=case_id))
    return detail | {"orders": orders}
