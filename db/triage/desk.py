"""The 分流台's work: keep suggestions fresh, confirm or override, 分案, 转繁/转简, the queue.

* `refresh` creates a suggestion for every open 首执/执恢 case without a team and without a
  分流 row (立案), re-evaluates every unconfirmed suggestion (rules edited, or the first 查控反馈
  arrived: stage "query"), and for a confirmed 简案 still open whose first 查控反馈 arrived
  after confirmation, evaluates once more and flags 建议转繁 when the deciding rule is one that
  tests the 查控 result and says 繁 (the other facts were known when the clerk confirmed).
* `confirm` takes the suggestion (or overrides it: a reason is required) and writes the track
  history (old track empty: the first decision); `change_track` records 转繁/转简 later.
* `assign` (分案) gives a confirmed case a team and an 承办人 and writes 分案记录.
Every action writes the audit log; the caller commits.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.auth.access import Principal
from db.auth.audit import record, register_action
from db.errors import ValidationError
from db.models import (
    Case,
    CaseAssignment,
    CaseParty,
    CaseTriage,
    Officer,
    Team,
    TrackChange,
)
from db.models.auth import utcnow
from db.triage.conditions import QUERY_RESULTS, TRACKS
from db.triage.facts import load_facts
from db.triage.rules import Rule, Suggestion, evaluate, load_rules

TRIAGE_CATEGORIES = ("first", "resumed")
for _key, _label in (("triage_confirm", "分流确认"), ("triage_override", "分流改判（未采纳建议）"),
                     ("triage_assign", "分流分案"), ("track_change", "繁简变更（转繁/转简）"),
                     ("triage_rule", "分流规则修改")):
    register_action(_key, _label)


def _store(row: CaseTriage, s: Suggestion, query: str | None) -> None:
    row.suggested_track, row.suggested_reason = s.track, s.reason[:256]
    row.fired = json.dumps(list(s.fired), ensure_ascii=False)
    row.query_result = query or ""
    row.stage = "query" if query else "filed"
    row.evaluated_at = utcnow()


def _decided_by_query(rules: Sequence[Rule], suggestion: Suggestion) -> bool:
    """The deciding rule tests the 查控 result (what is new since the 简案 was confirmed)."""
    if not suggestion.fired:
        return False
    first = suggestion.fired[0]["id"]
    return any(r.id == first and "query" in r.conditions for r in rules)


def refresh(session: Session, court_id: int | None = None) -> dict[str, int]:
    """Bring suggestions up to date (see the module docstring); return counts per step."""
    rules = load_rules(session)
    new_ids = list(session.scalars(
        select(Case.id).outerjoin(CaseTriage, CaseTriage.case_id == Case.id)
        .where(CaseTriage.id.is_(None), Case.closed_on.is_(None), Case.team_id.is_(None),
               Case.category.in_(TRIAGE_CATEGORIES),
               *([Case.court_id == court_id] if court_id is not None else []))))
    pending = list(session.scalars(
        select(CaseTriage).join(Case, Case.id == CaseTriage.case_id)
        .where(CaseTriage.status == "pending",
               *([Case.court_id == court_id] if court_id is not None else []))))
    confirmed = list(session.scalars(
        select(CaseTriage).join(Case, Case.id == CaseTriage.case_id)
        .where(CaseTriage.status == "confirmed", CaseTriage.track == "simple",
               CaseTriage.stage == "filed", Case.closed_on.is_(None),
               *([Case.court_id == court_id] if court_id is not None else []))))
    facts = load_facts(session, new_ids + [r.case_id for r in pending + confirmed])
    counts = {"new": 0, "updated": 0, "convert": 0}
    for case_id in new_ids:
        row = CaseTriage(case_id=case_id, status="pending")
        f = facts[case_id]
        _store(row, evaluate(rules, f), f.query)
        session.add(row)
        counts["new"] += 1
    for row in pending:
        f = facts[row.case_id]
        before = (row.suggested_track, row.suggested_reason, row.fired, row.query_result)
        _store(row, evaluate(rules, f), f.query)
        counts["updated"] += before != (row.suggested_track, row.suggested_reason, row.fired,
                                        row.query_result)
    for row in confirmed:
        f = facts[row.case_id]
        if f.query is None:
            continue
        suggestion = evaluate(rules, f)
        _store(row, suggestion, f.query)
        if suggestion.track == "complex" and _decided_by_query(rules, suggestion):
            row.convert_suggested = True
            counts["convert"] += 1
    session.flush()
    return counts


def _triage_row(session: Session, case_id: Any) -> tuple[CaseTriage, Case]:
    try:
        key = int(case_id)
    except (TypeError, ValueError):
        raise ValidationError(f"案件编号“{case_id}”无效", field="case") from None
    row = session.scalar(select(CaseTriage).where(CaseTriage.case_id == key))
    case = session.get(Case, key)
    if row is None or case is None:
        raise ValidationError("该案件不在分流队列中", field="case")
    return row, case


def _reason(text: Any, required: bool, what: str) -> str:
    clean = str(text or "").strip()
    if required and not clean:
        raise ValidationError(f"{what}必须填写理由", field="reason")
    if len(clean) > 200:
        raise ValidationError("理由最多 200 个字", field="reason")
    return clean


def confirm(session: Session, actor: Principal, case_id: Any, track: Any = None,
            reason: Any = "", today: dt.date | None = None) -> CaseTriage:
    """Confirm the suggestion (track None or equal) or override it (a reason is required)."""
    row, case = _triage_row(session, case_id)
    if row.status != "pending":
        raise ValidationError(f"{case.case_number} 已于 {row.confirmed_on} 分流确认", field="case")
    chosen = row.suggested_track if track in (None, "") else track
    if chosen not in TRACKS:
        raise ValidationError(f"繁简应为 simple 或 complex，实际为“{track}”", field="track")
    overridden = chosen != row.suggested_track
    why = _reason(reason, overridden, "改判（未采纳规则建议）")
    today = today or dt.date.today()
    row.status, row.track, row.confirmed_on = "confirmed", chosen, today
    row.confirmed_at, row.confirmed_by = utcnow(), actor.username
    row.overridden, row.override_reason = overridden, why if overridden else ""
    session.add(TrackChange(case_id=case.id, changed_on=today, old_track=None, new_track=chosen,
                            actor=actor.username, source="triage",
                            reason=(f"分流改判：{why}" if overridden
                                    else f"分流确认：{row.suggested_reason}")[:256]))
    case.track = chosen
    record(session, actor=actor, action="triage_override" if overridden else "triage_confirm",
           target=case.case_number,
           detail=f"建议{TRACKS[row.suggested_track]}，确认{TRACKS[chosen]}" + (f"；理由：{why}" if why else ""))
    session.flush()
    return row


def change_track(session: Session, actor: Principal, case_id: Any, track: Any, reason: Any,
                 today: dt.date | None = None, source: str = "desk") -> TrackChange:
    """转繁/转简 of a case already 分流 (a reason is required); clears 建议转繁."""
    row, case = _triage_row(session, case_id)
    if track not in TRACKS:
        raise ValidationError(f"繁简应为 simple 或 complex，实际为“{track}”", field="track")
    if row.status != "confirmed":
        raise ValidationError(f"{case.case_number} 尚未分流确认，请先确认", field="case")
    if case.track == track:
        raise ValidationError(f"{case.case_number} 已是{TRACKS[track]}", field="track")
    why = _reason(reason, True, "转繁/转简")
    today = today or dt.date.today()
    change = TrackChange(case_id=case.id, changed_on=today, old_track=case.track, new_track=track,
                         actor=actor.username, reason=why, source=source)
    session.add(change)
    case.track = track
    row.convert_suggested = False
    record(session, actor=actor, action="track_change", target=case.case_number,
           detail=f"{TRACKS.get(change.old_track or '', '')}→{TRACKS[track]}；理由：{why}")
    session.flush()
    return change


def dismiss_convert(session: Session, actor: Principal, case_id: Any, reason: Any) -> None:
    """Keep a confirmed 简案 simple although the rules now suggest 转繁 (a reason is required)."""
    row, case = _triage_row(session, case_id)
    if not row.convert_suggested:
        raise ValidationError(f"{case.case_number} 没有待处理的转繁建议", field="case")
    why = _reason(reason, True, "不采纳转繁建议")
    row.convert_suggested = False
    row.override_reason = why
    record(session, actor=actor, action="triage_override", target=case.case_number,
           detail=f"建议转繁，维持简案；理由：{why}")
    session.flush()


def assign(session: Session, actor: Principal, case_id: Any, team_id: Any, officer_id: Any,
           today: dt.date | None = None) -> CaseAssignment:
    """分案: a confirmed, not yet assigned case to a team and one of its 承办人."""
    row, case = _triage_row(session, case_id)
    if row.status != "confirmed":
        raise ValidationError(f"{case.case_number} 尚未分流确认，不能分案", field="case")
    if case.team_id is not None:
        raise ValidationError(f"{case.case_number} 已分案", field="case")
    try:
        team = session.get(Team, int(team_id))
        officer = session.get(Officer, int(officer_id))
    except (TypeError, ValueError):
        raise ValidationError("请选择团队和承办人", field="officer") from None
    if team is None or team.court_id != case.court_id or team.kind == "center" or not team.active:
        raise ValidationError("所选团队不存在或不能承办案件", field="team")
    if officer is None or officer.team_id != team.id or not officer.active:
        raise ValidationError(f"所选承办人不属于{team.name}", field="officer")
    today = today or dt.date.today()
    case.team_id, case.officer_id = team.id, officer.id
    entry = CaseAssignment(case_id=case.id, team_id=team.id, officer_id=officer.id,
                           assigned_on=today, reason=f"分流分案（{TRACKS[case.track]}）")
    session.add(entry)
    record(session, actor=actor, action="triage_assign", target=case.case_number,
           detail=f"{team.name} / {officer.name}")
    session.flush()
    return entry


def _debtors(session: Session, ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    out: dict[int, list[tuple[str, str]]] = {}
    for case_id, kind, name in session.execute(
            select(CaseParty.case_id, CaseParty.kind, CaseParty.name)
            .where(CaseParty.case_id.in_(list(ids)), CaseParty.role == "respondent")
            .order_by(CaseParty.id)):
        out.setdefault(case_id, []).append((kind, name))
    return out


def queue(session: Session, today: dt.date, court_id: int | None = None,
          court_ids: Collection[int] | None = None) -> list[dict[str, Any]]:
    """The 分流台's rows, oldest first: awaiting confirmation, confirmed but not 分案, and
    confirmed 简案 with a 建议转繁; of one court, or (`court_ids`, a 辖区 user's) of those courts."""
    cases = Case.__table__.c
    stmt = (select(CaseTriage, cases.case_number, cases.filed_on, cases.target_amount,
                   cases.cause, cases.category, cases.non_litigation, cases.team_id,
                   cases.track.label("case_track"))
            .join(Case, Case.id == CaseTriage.case_id)
            .where(cases.closed_on.is_(None),
                   (CaseTriage.status == "pending") | cases.team_id.is_(None)
                   | CaseTriage.convert_suggested.is_(True),
                   *([cases.court_id == court_id] if court_id is not None else []),
                   *([cases.court_id.in_(sorted(court_ids))] if court_ids is not None else []))
            .order_by(cases.filed_on, cases.id))
    found = session.execute(stmt).all()
    debtors = _debtors(session, [r[0].case_id for r in found])
    rows = []
    for t, number, filed, amount, cause, category, non_lit, _team, case_track in found:
        ds = debtors.get(t.case_id, [])
        if t.status == "pending":
            state, action = "待确认", "confirm"
        elif t.convert_suggested:
            state, action = "建议转繁", "convert"
        else:
            state, action = "待分案", "assign"
        fired = json.loads(t.fired or "[]")
        rows.append({
            "case_id": t.case_id, "case_number": number, "filed_on": filed.isoformat(),
            "age": (today - filed).days, "amount": f"{amount:,.2f}", "cause": cause,
            "category": "执恢" if category == "resumed" else "首执",
            "non_litigation": "是" if non_lit else "",
            "debtors": f"{len(ds)}（{'、'.join(sorted({'自然人' if k == 'natural' else '法人' for k, _ in ds}))}）"
                       if ds else "—",
            "query": QUERY_RESULTS.get(t.query_result, "未反馈"),
            "suggested": TRACKS[t.suggested_track], "suggested_track": t.suggested_track,
            "reason": t.suggested_reason, "fired": "；".join(f["name"] for f in fired) or "（无）",
            "state": state, "action": action,
            "track": TRACKS.get(case_track if t.status == "confirmed" else "", ""),
            "track_key": case_track if t.status == "confirmed" else "",
        })
    return rows


def workload(session: Session, court_id: int | None = None,
             court_ids: Collection[int] | None = None) -> list[dict[str, Any]]:
    """Teams that take cases, each with its 员额法官 and their open cases (分案 hint); of one
    court, or (`court_ids`) of those courts."""
    teams = session.execute(
        select(Team.id, Team.name, Team.kind)
        .where(Team.active.is_(True), Team.kind != "center",
               *([Team.court_id == court_id] if court_id is not None else []),
               *([Team.court_id.in_(sorted(court_ids))] if court_ids is not None else []))
        .order_by(Team.sort_order, Team.id)).all()
    open_by_officer = dict(session.execute(
        select(Case.officer_id, func.count()).where(Case.closed_on.is_(None),
                                                    Case.officer_id.is_not(None))
        .group_by(Case.officer_id)).all())
    officers = session.execute(
        select(Officer.id, Officer.name, Officer.team_id)
        .where(Officer.active.is_(True), Officer.role == "judge")
        .order_by(Officer.id)).all()
    out = []
    for team_id, name, kind in teams:
        people = [{"id": oid, "name": oname, "open": int(open_by_officer.get(oid, 0))}
                  for oid, oname, tid in officers if tid == team_id]
        out.append({"id": team_id, "name": name, "kind": kind,
                    "officers": sorted(people, key=lambda p: (p["open"], p["id"]))})
    return out


def history(session: Session, case_id: int) -> list[dict[str, Any]]:
    """A case's track history, oldest first."""
    return [{"date": c.changed_on.isoformat(), "old": TRACKS.get(c.old_track or "", ""),
             "new": TRACKS[c.new_track], "actor": c.actor, "reason": c.reason, "source": c.source}
            for c in session.scalars(select(TrackChange).where(TrackChange.case_id == case_id)
                                     .order_by(TrackChange.changed_on, TrackChange.id))]


__all__ = ["Rule", "assign", "change_track", "confirm", "dismiss_convert", "history", "queue",
           "refresh", "workload"]
