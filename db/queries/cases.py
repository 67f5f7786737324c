"""Case lists (behind a number) and one case's timeline; plain dicts out, no ORM objects."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from db.auth.masking import mask_name
from db.cases.event_kinds import EVENT_KINDS
from db.cases.vocab import (
    CATEGORIES,
    CLOSING_METHODS,
    PARTY_KINDS,
    PARTY_ROLES,
    PAUSE_KINDS,
    TRACKS,
)
from db.models import (
    Case,
    CaseAssignment,
    CaseEvent,
    CaseExtension,
    CaseParty,
    CasePause,
    Court,
    Officer,
    Payment,
    Team,
)
from db.nodes.counts import node_list
from db.nodes.rules import RuleSet
from db.nodes.sql import NodeFilter

_CHUNK = 900  # ids per IN (...) list: well under SQLite's bound-parameter limit


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def _party_labels(session: Session, ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """Masked applicant/respondent names per case (several parties joined with 、)."""
    found: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for chunk in _chunks(ids):
        stmt = (
            select(CaseParty.case_id, CaseParty.role, CaseParty.kind, CaseParty.name)
            .where(CaseParty.case_id.in_(chunk))
            .order_by(CaseParty.id)
        )
        for case_id, role, kind, name in session.execute(stmt):
            found[case_id][role].append(mask_name(name, kind))
    return {cid: {role: "、".join(names) for role, names in roles.items()} for cid, roles in found.items()}


def case_rows(session: Session, ids: Sequence[int], *, today: dt.date) -> list[dict[str, Any]]:
    """List rows for the given case ids, in the given order, with masked party names."""
    ids = list(dict.fromkeys(int(i) for i in ids))
    team, officer = aliased(Team), aliased(Officer)
    by_id: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(ids):
        stmt = (
            select(Case, team.name, officer.name)
            .outerjoin(team, team.id == Case.team_id)
            .outerjoin(officer, officer.id == Case.officer_id)
            .where(Case.id.in_(chunk))
        )
        for case, team_name, officer_name in session.execute(stmt):
            by_id[case.id] = _row(case, team_name, officer_name, today)
    parties = _party_labels(session, ids)
    rows = []
    for cid in ids:
        if cid in by_id:
            row = by_id[cid]
            row["applicant"] = parties.get(cid, {}).get("applicant", "")
            row["respondent"] = parties.get(cid, {}).get("respondent", "")
            rows.append(row)
    return rows


def _row(case: Case, team_name: str | None, officer_name: str | None, today: dt.date) -> dict[str, Any]:
    end = case.closed_on or today
    method = CLOSING_METHODS.get(case.closing_method or "")
    return {
        "id": case.id,
        "case_number": case.case_number,
        "category": CATEGORIES[case.category].label if case.category in CATEGORIES else case.category,
        "filed_on": case.filed_on,
        "closed_on": case.closed_on,
        "closing_method": method.label if method else "",
        "days": (end - case.filed_on).days,
        "team": team_name or "",
        "officer": officer_name or "",
        "team_id": case.team_id,  # the current holder, for the scope check of a list row
        "officer_id": case.officer_id,
        "court_id": case.court_id,  # the case's court, for a 辖区 user's scope check
        "target_amount": case.target_amount,
        "recovered_amount": case.recovered_amount,
    }


def case_exists(session: Session, case_id: int) -> bool:
    return session.scalar(select(Case.id).where(Case.id == case_id)) is not None


def case_header(session: Session, case_id: int) -> dict[str, Any] | None:
    """The case's own fields with Chinese labels, its court, holder and full party names."""
    team, officer, origin = aliased(Team), aliased(Officer), aliased(Case)
    found = session.execute(
        select(Case, Court.name, team.name, team.id, officer.name, officer.id, origin.case_number)
        .join(Court, Court.id == Case.court_id)
        .outerjoin(team, team.id == Case.team_id)
        .outerjoin(officer, officer.id == Case.officer_id)
        .outerjoin(origin, origin.id == Case.origin_case_id)
        .where(Case.id == case_id)
    ).first()
    if found is None:
        return None
    case, court, team_name, team_id, officer_name, officer_id, origin_number = found
    method = CLOSING_METHODS.get(case.closing_method or "")
    parties = session.scalars(select(CaseParty).where(CaseParty.case_id == case_id).order_by(CaseParty.id))
    return {
        "id": case.id, "case_number": case.case_number, "court": court, "court_id": case.court_id,
        "category": CATEGORIES[case.category].label if case.category in CATEGORIES else case.category,
        "track": TRACKS.get(case.track, case.track), "non_litigation": case.non_litigation,
        "received_on": case.received_on, "filed_on": case.filed_on, "closed_on": case.closed_on,
        "closing_method": method.label if method else "", "cause": case.cause,
        "team": team_name or "", "team_id": team_id, "officer": officer_name or "", "officer_id": officer_id,
        "target_amount": case.target_amount, "recovered_amount": case.recovered_amount,
        "origin_case_number": origin_number or "", "origin_case_id": case.origin_case_id,
        "parties": [
            {"role": PARTY_ROLES.get(p.role, p.role), "kind": PARTY_KINDS.get(p.kind, p.kind), "name": p.name}
            for p in parties
        ],
    }


def _events(session: Session, case_id: int) -> list[dict[str, Any]]:
    stmt = (
        select(CaseEvent, Officer.name)
        .outerjoin(Officer, Officer.id == CaseEvent.officer_id)
        .where(CaseEvent.case_id == case_id)
        .order_by(CaseEvent.occurred_at, CaseEvent.id)
    )
    rows = []
    for ev, officer_name in session.execute(stmt):
        kind = EVENT_KINDS.get(ev.kind)
        rows.append({
            "at": ev.occurred_at, "kind": ev.kind, "label": kind.label if kind else ev.kind,
            "group": kind.group if kind else "other", "detail": ev.detail, "amount": ev.amount,
            "expires_on": ev.expires_on, "officer": officer_name or "",
        })
    return rows


def _pauses(session: Session, case_id: int, today: dt.date) -> list[dict[str, Any]]:
    stmt = select(CasePause).where(CasePause.case_id == case_id).order_by(CasePause.started_on)
    return [
        {"kind": PAUSE_KINDS.get(p.kind, p.kind), "reason": p.reason, "started_on": p.started_on,
         "ended_on": p.ended_on, "days": ((p.ended_on or today) - p.started_on).days}
        for p in session.scalars(stmt)
    ]


def _extensions(session: Session, case_id: int) -> list[dict[str, Any]]:
    stmt = select(CaseExtension).where(CaseExtension.case_id == case_id).order_by(CaseExtension.approved_on)
    return [{"approved_on": e.approved_on, "days": e.days, "reason": e.reason} for e in session.scalars(stmt)]


def _payments(session: Session, case_id: int, today: dt.date) -> list[dict[str, Any]]:
    stmt = select(Payment).where(Payment.case_id == case_id).order_by(Payment.received_on, Payment.id)
    return [
        {"id": p.id, "received_on": p.received_on, "amount": p.amount, "paid_out_on": p.paid_out_on,
         "paid_amount": p.paid_amount, "days": ((p.paid_out_on or today) - p.received_on).days}
        for p in session.scalars(stmt)
    ]


def _assignments(session: Session, case_id: int) -> list[dict[str, Any]]:
    stmt = (
        select(CaseAssignment, Team.name, Officer.name)
        .outerjoin(Team, Team.id == CaseAssignment.team_id)
        .outerjoin(Officer, Officer.id == CaseAssignment.officer_id)
        .where(CaseAssignment.case_id == case_id)
        .order_by(CaseAssignment.assigned_on, CaseAssignment.id)
    )
    return [
        {"assigned_on": a.assigned_on, "team": t or "", "officer": o or "", "reason": a.reason}
        for a, t, o in session.execute(stmt)
    ]


def _nodes(session: Session, case_id: int, today: dt.date, rules: RuleSet) -> list[dict[str, Any]]:
    rows = node_list(session, today, rules, filters=NodeFilter(case_ids=(case_id,)), statuses=(), limit=500)
    return [{"label": r["node_name"], "key": r["node"], "due_on": r["deadline"], "done_on": r["done_on"],
             "status": r["status"], "status_label": r["status_label"], "days_left": r["days_left"]}
            for r in sorted(rows, key=lambda r: (r["deadline"] or dt.date.max, r["node"]))]


def case_timeline(session: Session, case_id: int, *, today: dt.date,
                  rules: RuleSet | None = None) -> dict[str, Any] | None:
    """Everything /case/<id> shows: header, events, pauses, extensions, payments, assignments,
    and (given node rules) its process nodes with deadlines and status."""
    header = case_header(session, case_id)
    if header is None:
        return None
    detail = {
        "header": header,
        "events": _events(session, case_id),
        "pauses": _pauses(session, case_id, today),
        "extensions": _extensions(session, case_id),
        "payments": _payments(session, case_id, today),
        "assignments": _assignments(session, case_id),
        "nodes": _nodes(session, case_id, today, rules) if rules is not None else None,
    }
    detail["timeline"] = merged_timeline(detail)
    return detail


def merged_timeline(detail: dict[str, Any]) -> list[dict[str, Any]]:
    """One chronological list of dated items of every kind, oldest first."""
    h = detail["header"]
    items = [_item(h["filed_on"], "case", "立案", f"{h['category']}，{h['track']}案")]
    if h["received_on"]:
        items.append(_item(h["received_on"], "case", "收到立案材料", ""))
    for a in detail["assignments"]:
        items.append(_item(a["assigned_on"], "assignment", "分案/改派", f"{a['team']} {a['officer']} {a['reason']}".strip()))
    for e in detail["events"]:
        extra = f"（届满 {e['expires_on']}）" if e["expires_on"] else ""
        items.append(_item(e["at"].date(), e["group"], e["label"], f"{e['detail']}{extra}", e["amount"], at=e["at"]))
    for p in detail["pauses"]:
        end = p["ended_on"].isoformat() if p["ended_on"] else "至今"
        items.append(_item(p["started_on"], "pause", f"扣除期限：{p['kind']}", f"至 {end}，{p['days']} 天 {p['reason']}".strip()))
    for x in detail["extensions"]:
        items.append(_item(x["approved_on"], "extension", "延长执行期限", f"{x['days']} 天 {x['reason']}".strip()))
    for p in detail["payments"]:
        items.append(_item(p["received_on"], "money", "案款到账", "", p["amount"]))
        if p["paid_out_on"]:
            items.append(_item(p["paid_out_on"], "money", "案款发放", f"到账后 {p['days']} 天", p["paid_amount"]))
    for n in detail.get("nodes") or ():
        if n["due_on"] and n["status"] in ("overdue", "due_soon", "not_due"):
            items.append(_item(n["due_on"], f"node-{n['status']}", f"节点期限：{n['label']}", n["status_label"]))
    if h["closed_on"]:
        items.append(_item(h["closed_on"], "case", "结案", h["closing_method"]))
    # Undated-time items (立案, 分案) open their day and 结案 closes it; events sort by time.
    def key(i: dict[str, Any]) -> tuple[dt.date, dt.datetime]:
        edge = dt.time.max if i["label"] == "结案" else dt.time.min
        return i["on"], i["at"] or dt.datetime.combine(i["on"], edge)
    return sorted(items, key=key)


def _item(on: dt.date, group: str, label: str, detail: str, amount: Decimal | None = None,
          at: dt.datetime | None = None) -> dict[str, Any]:
    return {"on": on, "at": at, "group": group, "label": label, "detail": detail, "amount": amount}


def court_info(session: Session) -> dict[str, Any] | None:
    """The (first) court: id, code, name."""
    row = session.execute(select(Court.id, Court.code, Court.name).order_by(Court.id)).first()
    return dict(row._mapping) if row else None


def team_info(session: Session, team_id: int) -> dict[str, Any] | None:
    """A team with its kind, the ids of its officers (current members) and of its 承办人: the
    members who are judges or hold at least one case (assistants and clerks without cases are not
    listed in the team's officer grid)."""
    team = session.get(Team, team_id)
    if team is None:
        return None
    holds = select(Case.id).where(Case.officer_id == Officer.id).exists()
    members = session.execute(
        select(Officer.id, or_(Officer.role == "judge", holds))
        .where(Officer.team_id == team_id).order_by(Officer.id)
    ).all()
    return {"id": team.id, "name": team.name, "kind": team.kind, "court_id": team.court_id,
            "officer_ids": [m[0] for m in members], "holder_ids": [m[0] for m in members if m[1]]}


def officer_info(session: Session, officer_id: int) -> dict[str, Any] | None:
    """An officer with role and team name."""
    found = session.execute(
        select(Officer.id, Officer.name, Officer.role, Officer.team_id, Team.name.label("team"))
        .outerjoin(Team, Team.id == Officer.team_id)
        .where(Officer.id == officer_id)
    ).first()
    return dict(found._mapping) if found else None
