"""The simulator's activities: each writes one realistic change and describes it in Chinese."""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from db.base import table_of
from db.cases.event_kinds import EVENT_KINDS
from db.cases.numbers import format_case_number
from db.cases.vocab import CLOSING_METHODS
from db.demo import names
from db.demo.drafts import TYPE_OF, route, target_cents
from db.demo.events import add_years, money
from db.demo.org import OrgPlan
from db.demo.rows import party_rows
from db.models import Case, CaseAssignment, CaseEvent, CaseParty, Payment, Team

DAY = dt.timedelta(days=1)


@dataclass
class SimContext:
    session: Session
    org: OrgPlan
    now: dt.datetime  # naive UTC
    today: dt.date  # court-zone date
    rng: random.Random

    def event(self, case_id: int, kind: str, officer: int | None, detail: str = "",
              **extra: Any) -> None:
        row = {"case_id": case_id, "kind": kind, "occurred_at": self.now, "officer_id": officer,
               "detail": detail, "media_ref": "", "expires_on": None, "amount": None, **extra}
        self.session.execute(insert(table_of(CaseEvent)), [row])

    def center(self, role: str) -> int:
        return self.rng.choice(self.org.officers("center", role))


def open_case(sim: SimContext, *, min_age: int = 0) -> Case | None:
    """A random recent open 首执/执恢 case (newest 200 by id: cheap on any table size)."""
    ids = sim.session.scalars(
        select(Case.id).where(Case.court_id == sim.org.court_id, Case.closed_on.is_(None),
                              Case.category.in_(("first", "resumed")),
                              Case.filed_on <= sim.today - min_age * DAY)
        .order_by(Case.id.desc()).limit(200)
    ).all()
    return sim.session.get(Case, sim.rng.choice(ids)) if ids else None


def file_case(sim: SimContext) -> str | None:
    """新收: a new case filed today, routed to a team, with notices issued."""
    rng = sim.rng
    category = rng.choices(("first", "resumed", "preservation"), (80, 10, 10))[0]
    team_key, officer = route(rng, sim.org, category, sim.today)
    type_code = TYPE_OF[category]
    serial = (sim.session.scalar(
        select(func.max(Case.serial)).where(Case.court_code == sim.org.code, Case.year == sim.today.year,
                                            Case.type_code == type_code)) or 0) + 1
    target = target_cents(rng, category, sim.org.mix.target)
    code = sim.org.code
    case = Case(
        court_id=sim.org.court_id, case_number=format_case_number(sim.today.year, code, type_code, serial),
        year=sim.today.year, court_code=code, type_code=type_code, serial=serial,
        category=category, received_on=sim.today, filed_on=sim.today,
        track="complex" if team_key.startswith("complex") else "simple",
        team_id=sim.org.team_ids[team_key], officer_id=officer, target_amount=money(target),
        recovered_amount=Decimal("0.00"), cause=names.cause(rng),
    )
    sim.session.add(case)
    sim.session.flush()
    parties = party_rows(_Stub(case.id), rng)
    sim.session.execute(insert(table_of(CaseParty)), parties)
    sim.session.execute(insert(table_of(CaseAssignment)), [{
        "case_id": case.id, "team_id": case.team_id, "officer_id": officer,
        "assigned_on": sim.today, "reason": "立案分案"}])
    if category != "preservation":
        for kind in ("notice_issued", "property_order"):
            sim.event(case.id, kind, sim.center("clerk"))
        sim.event(case.id, "online_query_started", sim.center("assistant"), "总对总网络查控")
    team = sim.session.get(Team, case.team_id)
    return f"新收案件 {case.case_number}（{case.cause}），分至{team.name if team else ''}"


@dataclass
class _Stub:
    """Just enough of a draft for party_rows."""

    id: int
    parties: None = None
    non_litigation: bool = False


def query_feedback(sim: SimContext) -> str | None:
    case = open_case(sim)
    if case is None:
        return None
    deposit = sim.rng.choice((0, sim.rng.randint(100, 80000)))
    detail = f"总对总查控反馈：银行存款{deposit}元，车辆{sim.rng.choice((0, 1))}辆"
    sim.event(case.id, "online_query_result", sim.center("assistant"), detail)
    return f"{case.case_number} 网络查控反馈：银行存款 {deposit} 元"


def control(sim: SimContext) -> str | None:
    case = open_case(sim)
    if case is None:
        return None
    kind, years, what = sim.rng.choice((("freeze", 1, "银行存款"), ("seizure", 3, "不动产"),
                                        ("distraint", 2, "机动车")))
    amount = case.target_amount if kind == "freeze" else None
    sim.event(case.id, kind, case.officer_id, f"{what}，期限{years}年",
              expires_on=add_years(sim.today, years), amount=amount)
    label = {"freeze": "冻结", "seizure": "查封", "distraint": "扣押"}[kind]
    return f"{case.case_number} {label}{what}"


def close_case(sim: SimContext) -> str | None:
    """结案: 执行完毕 with the money received today, or 终本 after three months."""
    case = open_case(sim, min_age=3)
    if case is None:
        return None
    old_enough = case.filed_on <= sim.today - 91 * DAY
    method = "terminated_this_round" if old_enough and sim.rng.random() < 0.4 else "completed"
    values: dict[str, Any] = {"closed_on": sim.today, "closing_method": method}
    if method == "completed":
        due = case.target_amount - case.recovered_amount
        if due > 0:
            _receive(sim, case.id, due)
        values["recovered_amount"] = case.target_amount
    else:
        sim.event(case.id, "interview", case.officer_id, "约谈申请执行人，同意终本")
        sim.event(case.id, "termination_ruling", case.officer_id, "裁定终结本次执行程序")
    sim.session.execute(update(Case).where(Case.id == case.id).values(**values))
    return f"{case.case_number} 结案（{CLOSING_METHODS[method].label}）"


def _receive(sim: SimContext, case_id: int, amount: Decimal) -> None:
    sim.session.execute(insert(table_of(Payment)), [{
        "case_id": case_id, "received_on": sim.today, "amount": amount,
        "paid_out_on": None, "paid_amount": None, "clerk_id": sim.org.funds_clerk}])


def payment_in(sim: SimContext) -> str | None:
    case = open_case(sim)
    if case is None or case.target_amount <= case.recovered_amount:
        return None
    due = case.target_amount - case.recovered_amount
    amount = (due * Decimal(sim.rng.randint(10, 60)) / 100).quantize(Decimal("0.01"))
    if amount <= 0:
        return None
    _receive(sim, case.id, amount)
    sim.session.execute(update(Case).where(Case.id == case.id)
                        .values(recovered_amount=case.recovered_amount + amount))
    return f"{case.case_number} 案款到账 {amount} 元"


def payment_out(sim: SimContext) -> str | None:
    row = sim.session.execute(
        select(Payment.id, Payment.amount, Case.case_number).join(Case, Case.id == Payment.case_id)
        .where(Payment.paid_out_on.is_(None), Case.court_id == sim.org.court_id)
        .order_by(Payment.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    sim.session.execute(update(Payment).where(Payment.id == row.id)
                        .values(paid_out_on=sim.today, paid_amount=row.amount))
    return f"{row.case_number} 案款发放 {row.amount} 元"


SANCTIONS = (("blacklist", "纳入失信被执行人名单"), ("consumption_ban", "限制高消费"),
             ("detention", "拒不履行，司法拘留十五日"), ("search", "依法搜查被执行人住所"),
             ("fine", "妨害执行，罚款"))


def sanction(sim: SimContext) -> str | None:
    """A 惩戒 measure on an open case (the running 专项行动 counts these)."""
    case = open_case(sim, min_age=30)
    if case is None:
        return None
    kind, detail = sim.rng.choice(SANCTIONS)
    amount = Decimal(sim.rng.choice((5000, 10000, 20000))) if kind == "fine" else None
    sim.event(case.id, kind, case.officer_id, detail, amount=amount)
    return f"{case.case_number} {EVENT_KINDS[kind].label}"


def dispatch_110(sim: SimContext) -> str | None:
    case = open_case(sim)
    if case is None:
        return None
    bailiff = sim.center("bailiff")
    sim.event(case.id, "alarm_110", bailiff, "接报：被执行人出现，请求出警",
              occurred_at=sim.now - dt.timedelta(minutes=sim.rng.randint(3, 15)))
    sim.event(case.id, "dispatch_110", bailiff, "指挥中心派警")
    return f"{case.case_number} 执行110接警并派警出发"


def serve(sim: SimContext) -> str | None:
    """送达: the center's 送达员 serves the notices of a recent case."""
    case = open_case(sim)
    if case is None:
        return None
    sim.event(case.id, "service", sim.center("clerk"), "直接送达执行通知书、报告财产令")
    return f"{case.case_number} 送达执行通知书"


def consult_110(sim: SimContext) -> str | None:
    """执行110: a call that needs no dispatch (a party asks how the case stands)."""
    case = open_case(sim)
    if case is None:
        return None
    sim.event(case.id, "alarm_110", sim.center("bailiff"), "当事人来电询问执行进展，已答复，无需出警")
    return f"{case.case_number} 执行110接听咨询电话"


def field_report(sim: SimContext) -> str | None:
    """Field evidence: the latest 执行110 dispatch arrives (once), and a photo comes back."""
    last = sim.session.execute(
        select(CaseEvent.case_id, CaseEvent.officer_id, CaseEvent.occurred_at)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.kind == "dispatch_110", CaseEvent.occurred_at >= sim.now - DAY,
               Case.court_id == sim.org.court_id)
        .order_by(CaseEvent.id.desc()).limit(1)
    ).first()
    case = sim.session.get(Case, last.case_id) if last else open_case(sim)
    if case is None:
        return None
    officer = last.officer_id if last else case.officer_id
    text = "现场照片回传"
    if last and not sim.session.scalar(
        select(func.count()).select_from(CaseEvent).where(
            CaseEvent.case_id == case.id, CaseEvent.kind == "arrival_110",
            CaseEvent.occurred_at >= last.occurred_at)
    ):
        sim.event(case.id, "arrival_110", officer, "到达现场")
        text = "执行110到达现场，现场照片回传"
    media = f"field/{case.id}/{sim.now:%Y%m%d%H%M%S}.jpg"
    sim.event(case.id, "field_photo", officer, "现场照片回传", media_ref=media)
    return f"{case.case_number} {text}"


ACTIVITIES: dict[str, tuple[Callable[[SimContext], str | None], int]] = {
    "file_case": (file_case, 20),
    "query_feedback": (query_feedback, 20),
    "control": (control, 12),
    "close_case": (close_case, 15),
    "payment_in": (payment_in, 10),
    "payment_out": (payment_out, 8),
    "dispatch_110": (dispatch_110, 6),
    "field_report": (field_report, 9),
    "sanction": (sanction, 6),
    "serve": (serve, 8),
    "consult_110": (consult_110, 4),
}
