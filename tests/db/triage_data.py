"""A small court for the 繁简分流 tests: rules, cases waiting, confirmed, overridden, 转繁, closed."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.auth.access import Principal
from db.cases.numbers import format_case_number
from db.models import Case, CaseEvent, CaseParty, Court, Officer, Team
from db.triage import assign, change_track, confirm, refresh, save_rule

D = dt.date.fromisoformat
CODE = "内0221"
CLERK = Principal(user_id=None, username="clerk", display_name="分流员", role="center")


def org(session: Session) -> dict[str, int]:
    court = Court(code=CODE, name="测试法院", short_name="测试")
    session.add(court)
    session.flush()
    teams = [Team(court_id=court.id, name="简案组", kind="simple", sort_order=1),
             Team(court_id=court.id, name="繁案组", kind="complex", sort_order=2),
             Team(court_id=court.id, name="指挥中心", kind="center", sort_order=0)]
    session.add_all(teams)
    session.flush()
    people = [Officer(court_id=court.id, team_id=teams[0].id, name="甲法官", role="judge"),
              Officer(court_id=court.id, team_id=teams[1].id, name="乙法官", role="judge"),
              Officer(court_id=court.id, team_id=teams[1].id, name="丙法官", role="judge")]
    session.add_all(people)
    session.flush()
    return {"court": court.id, "simple": teams[0].id, "complex": teams[1].id,
            "center": teams[2].id, "jia": people[0].id, "yi": people[1].id, "bing": people[2].id}


_serial = [0]


def add_case(session: Session, ids: dict[str, int], filed: str, amount: int, *,
             category: str = "first", debtors: tuple[str, ...] = ("natural",),
             team: str | None = None, officer: str | None = None, track: str = "simple",
             cause: str = "民间借贷纠纷", non_litigation: bool = False,
             origin: int | None = None, debtor_ids: tuple[str, ...] = ()) -> Case:
    _serial[0] += 1
    code = {"first": "执", "resumed": "执恢", "preservation": "执保"}[category]
    day = D(filed)
    case = Case(court_id=ids["court"], case_number=format_case_number(day.year, CODE, code, _serial[0]),
                year=day.year, court_code=CODE, type_code=code, serial=_serial[0], category=category,
                filed_on=day, track=track, target_amount=Decimal(amount), cause=cause,
                non_litigation=non_litigation, origin_case_id=origin,
                team_id=ids[team] if team else None, officer_id=ids[officer] if officer else None)
    session.add(case)
    session.flush()
    for i, kind in enumerate(debtors):
        number = debtor_ids[i] if i < len(debtor_ids) else f"D{case.id}-{i}"
        session.add(CaseParty(case_id=case.id, role="respondent", kind=kind,
                              name=f"被执行人{case.id}-{i}", id_number=number))
    session.flush()
    return case


def query_result(session: Session, case: Case, day: str, detail: str) -> None:
    session.add(CaseEvent(case_id=case.id, kind="online_query_result",
                          occurred_at=dt.datetime.combine(D(day), dt.time(3)), detail=detail))
    session.flush()


def simple_rules(session: Session) -> None:
    save_rule(session, actor="admin", rule_id=None, name="小额", track="simple",
              reason="标的 10 万以下", conditions={"amount_max": 100000}, position=10)


def seed_indicators(engine: Engine) -> dict[str, Any]:
    """The cases of tests/db/test_triage_indicators.py (period 2026-03)."""
    with Session(engine) as session:
        ids = org(session)
        simple_rules(session)
        c1 = add_case(session, ids, "2026-03-01", 5000)
        c2 = add_case(session, ids, "2026-03-02", 8000)
        c3 = add_case(session, ids, "2026-03-05", 20000)
        c4 = add_case(session, ids, "2026-03-28", 900000)
        c5 = add_case(session, ids, "2026-02-20", 1000)
        add_case(session, ids, "2026-03-10", 1000, category="preservation")
        c7 = add_case(session, ids, "2026-01-10", 700000, team="complex", officer="bing",
                      track="complex")
        refresh(session)
        confirm(session, CLERK, c1.id, today=D("2026-03-03"))
        assign(session, CLERK, c1.id, ids["simple"], ids["jia"], today=D("2026-03-03"))
        confirm(session, CLERK, c2.id, "complex", "申请人提供不动产线索", today=D("2026-03-02"))
        assign(session, CLERK, c2.id, ids["complex"], ids["yi"], today=D("2026-03-02"))
        confirm(session, CLERK, c3.id, today=D("2026-03-09"))
        assign(session, CLERK, c3.id, ids["simple"], ids["jia"], today=D("2026-03-09"))
        change_track(session, CLERK, c1.id, "complex", "查控发现不动产", today=D("2026-03-20"))
        confirm(session, CLERK, c5.id, today=D("2026-04-02"))
        c3.closed_on, c3.closing_method = D("2026-03-25"), "completed"
        c7.closed_on, c7.closing_method = D("2026-03-15"), "completed"
        session.commit()
        ids.update(c1=c1.id, c2=c2.id, c3=c3.id, c4=c4.id, c5=c5.id, c7=c7.id)
        return ids


def team_of(engine: Engine, name: str) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(Team.id).where(Team.name == name)))
