"""What /cases and /case/<id> show: the rows behind a number, and one case's timeline."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from callbacks import authz
from callbacks.desk.data import (
    explained,
    indicator_settings,
    node_rules,
    scope_results,
    with_session,
)
from callbacks.desk.links import measure_label
from callbacks.desk.params import PARTS, ParamError, parse_id, parse_range, search
from callbacks.desk.screens import scope_node_alerts
from db.auth.access import may_see_team
from db.indicators.period import Period
from db.queries.cases import (
    case_rows,
    case_timeline,
    court_info,
    officer_info,
    team_info,
)
from db.queries.queue import (
    NODE_ALERTS,
    QUEUE_KINDS,
    SCOPES,
    queue_case_ids,
)

SCOPE_LABELS = {"court": "全院", "team": "团队", "officer": "承办人"}


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


def _scope(query: Mapping[str, Any]) -> tuple[str, int, str]:
    scope = str(query.get("scope") or "court")
    if scope not in SCOPES:
        raise ParamError(f"未知的统计层级“{scope}”（可选：court 全院、team 团队、officer 承办人）")
    sid = parse_id(query, "id", f"{SCOPE_LABELS[scope]}编号", required=scope != "court")
    finders = {"court": lambda s: court_info(s), "team": lambda s: team_info(s, sid),
               "officer": lambda s: officer_info(s, sid)}
    if scope == "court":
        authz.require_court()
    elif scope == "team":
        authz.require_team(sid)
    found = with_session(f"scope-{scope}", (sid,), finders[scope])
    if found is None or (scope == "court" and sid and found["id"] != sid):
        raise ParamError(f"{SCOPE_LABELS[scope]}编号 {sid} 不存在")
    if scope == "officer":
        authz.require_officer(found["id"], found["team_id"])
    return scope, found["id"], found["name"]


def crumbs_for(scope: str, sid: int, period: Period | None, leaf: str) -> list[tuple[str, str]]:
    """Breadcrumbs back up the drill path: 全院 › 团队 › 承办人 › this list."""
    base = ({"preset": "custom", "start": period.start.isoformat(), "end": period.end.isoformat()}
            if period else {})
    court = with_session("court", (), court_info)
    out = [(court["name"] if court else "全院", "/analysis" + search(base))] if authz.scope().court else []
    team_id = sid if scope == "team" else None
    officer = with_session("officer", (sid,), lambda s: officer_info(s, sid)) if scope == "officer" else None
    if officer:
        team_id = officer["team_id"]
    if team_id and may_see_team(authz.current(), team_id):
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


def indicator_list(query: Mapping[str, Any], today: dt.date) -> CaseList:
    """/cases?indicator=KEY&part=numerator|denominator&scope=…&id=…&start=…&end=…"""
    key = str(query.get("indicator") or "")
    settings = indicator_settings()
    if key not in settings.indicators:
        raise ParamError(f"未知的指标“{key}”")
    part = str(query.get("part") or "numerator")
    if part not in PARTS:
        raise ParamError(f"part 应为 numerator（分子）或 denominator（分母），实际为“{part}”")
    ind = settings.indicators[key]
    if part == "denominator" and not ind.denominator:
        raise ParamError(f"指标“{ind.name}”没有分母")
    period = parse_range(query, "start", "end", "统计期间")
    scope, sid, name = _scope(query)
    (result,) = scope_results(scope, [sid], period, None)
    entry = result["indicators"][key]
    rows = explained(key, scope, sid, period)[part]
    measure = getattr(ind, part)
    title = f"{name} · {ind.name} · {PARTS[part]}：{measure_label(measure)}"
    lines = [f"统计期间 {period.start} 至 {period.end}",
             f"{ind.name} {entry['display']}（分子 {entry['numerator']}，分母 {entry['denominator'] if entry['denominator'] is not None else '—'}）"]
    listed = _enrich(rows, today)
    value_label = measure_label(measure) if rows and "value" in rows[0] else ""
    return CaseList(title, lines, _kind(rows), listed, entry[part], period, value_label,
                    crumbs_for(scope, sid, period, f"{ind.name}·{PARTS[part]}"),
                    [SCOPE_LABELS[scope], name, ind.name,
                     *([PARTS[part]] if part == "denominator" else [])])


def queue_list(query: Mapping[str, Any], today: dt.date) -> CaseList:
    """/cases?queue=KIND&scope=team|officer&id=…: the cases behind an action-queue count."""
    kind_key = str(query.get("queue") or "")
    if kind_key not in QUEUE_KINDS:
        raise ParamError(f"未知的待办类型“{kind_key}”（可选：{'、'.join(QUEUE_KINDS)}）")
    kind = QUEUE_KINDS[kind_key]
    scope, sid, name = _scope(query)
    ids = with_session("queue-ids", (kind_key, scope, sid, today),
                       lambda s: queue_case_ids(s, kind_key, scope, sid, today=today))
    rows = with_session("case-rows", (tuple(ids), today), lambda s: case_rows(s, ids, today=today))
    return CaseList(f"{name} · {kind.label}", [f"截至 {today}", f"处理建议：{kind.action}"],
                    "cases", rows, len(ids), crumbs=crumbs_for(scope, sid, None, kind.label))


def node_list_view(query: Mapping[str, Any], today: dt.date) -> CaseList:
    """/cases?node=overdue|due_soon&scope=…&id=…: the process nodes behind a node-alert count."""
    status = str(query.get("node") or "")
    if status not in NODE_ALERTS:
        raise ParamError(f"未知的节点状态“{status}”（可选：overdue 超期、due_soon 临期）")
    scope, sid, name = _scope(query)
    rows = scope_node_alerts(scope, sid, today)[status]
    listed = [{"id": r["case_id"], "case_number": r["case_number"], "node": r["node_name"],
               "deadline": r["deadline"], "done_on": r["done_on"], "status": r["status_label"],
               "days_left": r["days_left"], "team": r["team_name"] or "", "officer": r["officer_name"] or ""}
              for r in rows]
    kind = NODE_ALERTS[status]
    return CaseList(f"{name} · {kind.label}", [f"截至 {today}", f"处理建议：{kind.action}"],
                    "nodes", listed, len(listed), crumbs=crumbs_for(scope, sid, None, kind.label))


def case_list(query: Mapping[str, Any], today: dt.date) -> CaseList:
    """Dispatch on the URL: an indicator part, an action-queue kind or a node alert."""
    if query.get("node"):
        return node_list_view(query, today)
    if query.get("queue"):
        return queue_list(query, today)
    if query.get("indicator"):
        return indicator_list(query, today)
    raise ParamError("请指定要查看的指标（indicator=…&part=…）、待办类型（queue=…）或节点状态（node=…）")


def case_detail(case_raw: Any, today: dt.date) -> dict[str, Any]:
    """/case/<id>: the case header with full party names and its merged timeline."""
    case_id = parse_id({"case": case_raw}, "case", "案件编号", required=True)
    detail = with_session("case", (case_id, today), lambda s: case_timeline(
        s, case_id, today=today, rules=node_rules()))
    if detail is None:
        raise ParamError(f"案件编号 {case_id} 不存在")
    header = detail["header"]
    authz.require_case(case_id, header["team_id"], header["officer_id"])
    authz.record("case_view", f"案件 {header['case_number']}", f"case_id={case_id}")
    return detail
