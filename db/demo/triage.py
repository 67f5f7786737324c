"""The demo court's 繁简分流: decisions since the center's reform (a few overrides, 转繁 with
their date and reason) and a handful of new cases waiting on the 分流台 today.

The history is demo data written directly (confirmed track = the case's track at filing; about
5% recorded as overrides of the opposite suggestion); the cases waiting today are evaluated by
the real rule table (db.triage.refresh). Nothing here touches the figures the article checks:
no case, team or closing date of the drafts changes; the waiting cases are filed this week,
never before the day after the article's window (P1_END).
"""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from db.base import table_of
from db.cases.numbers import format_case_number
from db.demo import names
from db.demo.days import REFORM
from db.demo.drafts import P1_END, CaseDraft
from db.demo.org import COURT_CODE, OrgPlan
from db.demo.writer import insert_rows, numbering_from_db
from db.models import Case, CaseEvent, CaseParty
from db.models.triage import CaseTriage, TrackChange
from db.triage import TRIAGE_CATEGORIES, refresh, seed_default_rules

DAY = dt.timedelta(days=1)
CONVERT_MARK = "转繁案团队"
RECENT = dt.timedelta(days=10)
CLERKS = ("center",)
HISTORY_REASON = "演示：分流台启用前的分流记录（按当时流程确认）"
TO_COMPLEX = ("申请人提供被执行人名下房产线索，需实地调查处置", "被执行人系失信被执行人且下落不明",
              "关联案件多，需与繁案团队统筹")
TO_SIMPLE = ("被执行人已主动联系表示愿一次性履行", "申请人同意分期和解，程序简单",
             "标的虽大但已有冻结存款足额")
# The cases waiting today: (days before today, category, 元, cause, debtors (kind, …),
# non-litigation, first 查控反馈 text or None).
WAITING: tuple[tuple[int, str, int, str, tuple[str, ...], bool, str | None], ...] = (
    (3, "first", 1_280_000, "建设工程施工合同纠纷", ("legal", "natural"), False,
     "总对总查控反馈：银行存款3200元，车辆1辆，不动产2处"),
    (2, "first", 36_500, "民间借贷纠纷", ("natural",), False,
     "总对总查控反馈：银行存款41000元，车辆0辆，不动产0处"),
    (2, "first", 8_600, "行政处罚决定执行", ("legal",), True, None),
    (1, "first", 62_000, "买卖合同纠纷", ("natural",), False,
     "总对总查控反馈：银行存款0元，车辆0辆，不动产0处"),
    (1, "resumed", 150_000, "金融借款合同纠纷", ("natural", "natural", "legal"), False, None),
    (0, "first", 24_000, "劳务合同纠纷", ("natural",), False, None),
    (0, "first", 780_000, "买卖合同纠纷", ("legal",), False, None),
    (0, "first", 4_300, "追索劳动报酬纠纷", ("natural",), False, None),
)


def _initial_track(d: CaseDraft) -> str:
    converted = d.history and CONVERT_MARK in d.history[-1][3]
    return "simple" if converted else d.track


def _confirmed_on(d: CaseDraft, rng: random.Random, today: dt.date) -> dt.date:
    day = d.filed + rng.choices((0, 1, 2, 3, 5), (40, 30, 15, 10, 5))[0] * DAY
    return min(day, today, d.closed or today)


def history_rows(drafts: list[CaseDraft], rng: random.Random,
                 today: dt.date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """case_triage and track_changes rows for the drafts filed since the reform."""
    triage, changes = [], []
    for d in drafts:
        if d.category not in TRIAGE_CATEGORIES or d.filed < REFORM:
            continue
        track = _initial_track(d)
        other = "complex" if track == "simple" else "simple"
        overridden = rng.random() < 0.05
        why = rng.choice(TO_SIMPLE if track == "simple" else TO_COMPLEX) if overridden else ""
        on = _confirmed_on(d, rng, today)
        actor = rng.choice(CLERKS)
        triage.append({
            "case_id": d.id, "suggested_track": other if overridden else track,
            # re-evaluated after the first 查控 already, except recent open 简案 (the desk
            # re-evaluates those now: some get 建议转繁)
            "suggested_reason": HISTORY_REASON, "fired": "[]",
            "stage": "filed" if track == "simple" and d.closed is None
                     and d.filed >= today - RECENT else "query",
            "query_result": "", "evaluated_at": dt.datetime.combine(d.filed, dt.time(1)),
            "status": "confirmed", "track": track, "confirmed_on": on,
            "confirmed_at": dt.datetime.combine(on, dt.time(2)), "confirmed_by": actor,
            "overridden": overridden, "override_reason": why, "convert_suggested": False,
        })
        changes.append({"case_id": d.id, "changed_on": on, "old_track": None, "new_track": track,
                        "actor": actor, "source": "triage",
                        "reason": f"分流改判：{why}" if overridden else "分流确认"})
        if track != d.track:
            moved = d.history[-1]
            changes.append({"case_id": d.id, "changed_on": max(moved[2], on),
                            "old_track": track, "new_track": d.track, "actor": "center",
                            "source": "desk", "reason": moved[3]})
    return triage, changes


def _waiting_cases(session: Session, org: OrgPlan, today: dt.date, rng: random.Random) -> int:
    state = numbering_from_db(session, COURT_CODE)
    for back, category, yuan, cause, debtors, non_lit, query in WAITING:
        # never inside the article's window (it ends P1_END): its figures stay as printed
        filed = max(today - back * DAY, P1_END + DAY)
        code = "执恢" if category == "resumed" else "执"
        serial = state.serials.get((filed.year, code), 0) + 1
        state.serials[(filed.year, code)] = serial
        case = Case(court_id=org.court_id, case_number=format_case_number(filed.year, COURT_CODE, code, serial),
                    year=filed.year, court_code=COURT_CODE, type_code=code, serial=serial,
                    category=category, received_on=filed - DAY, filed_on=filed, track="simple",
                    non_litigation=non_lit, target_amount=Decimal(yuan), cause=cause)
        session.add(case)
        session.flush()
        session.add(CaseParty(case_id=case.id, role="applicant", kind="natural",
                              name=names.person_name(rng), id_number=names.id_number(rng)))
        for kind in debtors:
            row = names.party(rng, "respondent", 1.0 if kind == "legal" else 0.0)
            session.add(CaseParty(case_id=case.id, **row))
        if query is not None and filed < today:
            session.add(CaseEvent(case_id=case.id, kind="online_query_result",
                                  occurred_at=dt.datetime.combine(today - DAY, dt.time(1, 30)),
                                  detail=query))
    session.flush()
    return len(WAITING)


def seed_triage(session: Session, drafts: list[CaseDraft], org: OrgPlan, today: dt.date,
                rng: random.Random) -> dict[str, int]:
    """Default rules, the decision history and today's waiting cases; return counts."""
    rules = seed_default_rules(session, actor="演示数据")
    triage, changes = history_rows(drafts, rng, today)
    insert_rows(session, table_of(CaseTriage), triage)
    insert_rows(session, table_of(TrackChange), changes)
    waiting = _waiting_cases(session, org, today, rng)
    refresh(session, org.court_id)
    return {"triage_rules": rules, "case_triage": len(triage) + waiting,
            "track_changes": len(changes), "triage_waiting": waiting,
            "triage_overrides": sum(1 for t in triage if t["overridden"]),
            "triage_converted": sum(1 for c in changes if c["old_track"] is not None)}

