"""Trigger-kept rollups (migration 0005) on SQLite, PostgreSQL and MariaDB.

payments.court_id/team_id/officer_id/category always equal the payment's case's columns;
cases.paused_days is the closed case's pause days up to 结案 (0 while open) and
cases.extension_days the sum of its extensions' days. Every write below goes through Core
or the ORM, and every value is read back from the database with a fresh SELECT.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from db.models import Case, CaseExtension, CasePause, Court, Officer, Payment, Team
from tests.db.nodes_factory import D, Org, make_case, make_org

CASES = Case.__table__
PAUSES = CasePause.__table__
EXTENSIONS = CaseExtension.__table__
PAYMENTS = Payment.__table__
CATEGORIES = ("first", "resumed", "preservation", "review")

Db = Session | Connection


@dataclass(frozen=True)
class Orgs:
    """Court 内0221 (two teams, an officer in each) and court 内0222 (one team, one officer)."""

    home: Org
    other: Org


@pytest.fixture
def orgs(engine: Engine) -> Orgs:
    with Session(engine, expire_on_commit=False) as s:
        home = make_org(s)
        court = Court(code="内0222", name="包头市固阳县人民法院", short_name="固阳县法院")
        s.add(court)
        s.flush()
        team = Team(court_id=court.id, name="执行团队", kind="simple", sort_order=1)
        s.add(team)
        s.flush()
        officer = Officer(court_id=court.id, team_id=team.id, name="王法官", role="judge")
        s.add(officer)
        s.commit()
    return Orgs(home, Org(court, [team], [officer]))


def holder(org: Org, team: int = 0, category: str = "first") -> tuple[Any, ...]:
    """The four columns a payment copies from a case held by `org`'s team number `team`."""
    return (org.court.id, org.teams[team].id, org.officers[team].id, category)


def copies(db: Db, payment_id: int) -> tuple[Any, ...]:
    row = db.execute(
        select(Payment.court_id, Payment.team_id, Payment.officer_id, Payment.category)
        .where(Payment.id == payment_id)
    ).one()
    return tuple(row)


def paused(db: Db, case_id: int) -> int:
    return db.execute(select(Case.paused_days).where(Case.id == case_id)).scalar_one()


def extended(db: Db, case_id: int) -> int:
    return db.execute(select(Case.extension_days).where(Case.id == case_id)).scalar_one()


def add_payment(db: Db, case_id: int, **values: Any) -> int:
    stmt = insert(PAYMENTS).values(
        case_id=case_id, received_on=D(2024, 2, 1), amount=Decimal("1000.00"), **values)
    return db.execute(stmt).inserted_primary_key[0]


def add_pause(db: Db, case_id: int, start: dt.date, end: dt.date | None) -> int:
    stmt = insert(PAUSES).values(
        case_id=case_id, kind="suspension", started_on=start, ended_on=end)
    return db.execute(stmt).inserted_primary_key[0]


def add_extension(db: Db, case_id: int, days: int) -> int:
    stmt = insert(EXTENSIONS).values(case_id=case_id, approved_on=D(2024, 3, 1), days=days)
    return db.execute(stmt).inserted_primary_key[0]


def set_case(db: Db, case_id: int, **values: Any) -> None:
    db.execute(update(CASES).where(CASES.c.id == case_id).values(**values))


# --- 1. a new payment copies its case's holder and category -----------------------------


def test_core_insert_copies_case_columns(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        a = make_case(s, orgs.home, D(2024, 1, 5), category="resumed", team=1).id
        p = add_payment(s, a)
        s.commit()
        assert copies(s, p) == holder(orgs.home, 1, "resumed")


def test_core_executemany_insert_copies_each_case(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        a = make_case(s, orgs.home, D(2024, 1, 5), team=0).id
        b = make_case(s, orgs.other, D(2024, 1, 6), category="preservation").id
        s.execute(insert(PAYMENTS), [
            {"case_id": a, "received_on": D(2024, 2, 1), "amount": Decimal("10.00")},
            {"case_id": b, "received_on": D(2024, 2, 2), "amount": Decimal("20.00")},
            {"case_id": a, "received_on": D(2024, 2, 3), "amount": Decimal("30.00")},
        ])
        s.commit()
        rows = s.execute(
            select(Payment.amount, Payment.court_id, Payment.team_id, Payment.officer_id,
                   Payment.category).order_by(Payment.amount)
        ).all()
    assert [tuple(r)[1:] for r in rows] == [
        holder(orgs.home, 0), holder(orgs.other, 0, "preservation"), holder(orgs.home, 0)]


def test_core_insert_with_wrong_values_gets_case_values(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        a = make_case(s, orgs.home, D(2024, 1, 5), team=0).id
        other = orgs.other
        p = add_payment(s, a, court_id=other.court.id, team_id=other.teams[0].id,
                        officer_id=other.officers[0].id, category="review")
        s.commit()
        assert copies(s, p) == holder(orgs.home, 0)


def test_orm_insert_copies_case_columns(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        a = make_case(s, orgs.other, D(2024, 1, 5), category="review")
        payment = Payment(case_id=a.id, received_on=D(2024, 2, 1), amount=Decimal("5.00"))
        s.add(payment)
        s.flush()
        assert copies(s, payment.id) == holder(orgs.other, 0, "review")
        s.commit()
        assert copies(s, payment.id) == holder(orgs.other, 0, "review")


def test_orm_payment_object_reads_copied_columns_after_flush(
    engine: Engine, orgs: Orgs
) -> None:
    """The model marks the copies as server-generated (FetchedValue), so a flushed Payment
    must show its case's values, not NULL, without an explicit refresh."""
    with Session(engine) as s:
        a = make_case(s, orgs.other, D(2024, 1, 5), category="review")
        payment = Payment(case_id=a.id, received_on=D(2024, 2, 1), amount=Decimal("5.00"))
        s.add(payment)
        s.flush()
        got = (payment.court_id, payment.team_id, payment.officer_id, payment.category)
        assert got == holder(orgs.other, 0, "review")


# --- 2. changing a case's holder or category moves its payments --------------------------


def test_core_reassign_moves_all_payments_of_the_case(engine: Engine, orgs: Orgs) -> None:
    home = orgs.home
    with Session(engine) as s:
        a = make_case(s, home, D(2024, 1, 5), team=0).id
        b = make_case(s, home, D(2024, 1, 6), team=0).id
        pa1, pa2, pb = add_payment(s, a), add_payment(s, a), add_payment(s, b)
        s.commit()
        set_case(s, a, team_id=home.teams[1].id, officer_id=home.officers[1].id)
        s.commit()
        assert copies(s, pa1) == copies(s, pa2) == holder(home, 1)
        assert copies(s, pb) == holder(home, 0)


def test_core_reassign_of_several_cases_in_one_statement(engine: Engine, orgs: Orgs) -> None:
    home = orgs.home
    with Session(engine) as s:
        a = make_case(s, home, D(2024, 1, 5), team=0).id
        b = make_case(s, home, D(2024, 1, 6), team=0, category="resumed").id
        c = make_case(s, home, D(2024, 1, 7), team=0).id
        pa, pb, pc = add_payment(s, a), add_payment(s, b), add_payment(s, c)
        s.commit()
        s.execute(update(CASES).where(CASES.c.id.in_([a, b]))
                  .values(team_id=home.teams[1].id, officer_id=home.officers[1].id))
        s.commit()
        assert copies(s, pa) == holder(home, 1)
        assert copies(s, pb) == holder(home, 1, "resumed")
        assert copies(s, pc) == holder(home, 0)


def test_orm_reassign_moves_payments_on_flush_and_commit(engine: Engine, orgs: Orgs) -> None:
    home = orgs.home
    with Session(engine) as s:
        case = make_case(s, home, D(2024, 1, 5), team=0)
        p1, p2 = add_payment(s, case.id), add_payment(s, case.id)
        s.commit()
        case.team_id, case.officer_id = home.teams[1].id, home.officers[1].id
        s.flush()
        assert copies(s, p1) == copies(s, p2) == holder(home, 1)
        s.commit()
        assert copies(s, p1) == copies(s, p2) == holder(home, 1)
        case.court_id = orgs.other.court.id
        case.team_id, case.officer_id = orgs.other.teams[0].id, orgs.other.officers[0].id
        s.commit()
        assert copies(s, p1) == copies(s, p2) == holder(orgs.other, 0)


def test_category_change_moves_payments(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        case = make_case(s, orgs.home, D(2024, 1, 5), team=1)
        p = add_payment(s, case.id)
        s.commit()
        set_case(s, case.id, category="resumed")
        s.commit()
        assert copies(s, p) == holder(orgs.home, 1, "resumed")
        case.category = "review"
        s.commit()
        assert copies(s, p) == holder(orgs.home, 1, "review")


def test_officer_set_to_null_moves_payments(engine: Engine, orgs: Orgs) -> None:
    home = orgs.home
    with Session(engine) as s:
        case = make_case(s, home, D(2024, 1, 5), team=1)
        p = add_payment(s, case.id)
        s.commit()
        set_case(s, case.id, officer_id=None)
        s.commit()
        assert copies(s, p) == (home.court.id, home.teams[1].id, None, "first")
        set_case(s, case.id, officer_id=home.officers[0].id, team_id=None)
        s.commit()
        assert copies(s, p) == (home.court.id, None, home.officers[0].id, "first")


# --- 3. updating a payment --------------------------------------------------------------


def test_payment_moved_to_another_case_copies_that_case(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        a = make_case(s, orgs.home, D(2024, 1, 5), team=0).id
        b = make_case(s, orgs.other, D(2024, 1, 6), category="preservation").id
        p = add_payment(s, a)
        s.commit()
        s.execute(update(PAYMENTS).where(PAYMENTS.c.id == p).values(case_id=b))
        s.commit()
        assert copies(s, p) == holder(orgs.other, 0, "preservation")
        payment = s.get(Payment, p)
        payment.case_id = a
        s.commit()
        assert copies(s, p) == holder(orgs.home, 0)


@pytest.mark.parametrize("column", ["court_id", "team_id", "officer_id", "category"])
def test_direct_write_of_a_copied_column_is_overwritten(
    engine: Engine, orgs: Orgs, column: str
) -> None:
    other = orgs.other
    wrong = {"court_id": other.court.id, "team_id": other.teams[0].id,
             "officer_id": other.officers[0].id, "category": "review"}
    with Session(engine) as s:
        a = make_case(s, orgs.home, D(2024, 1, 5), team=1).id
        p = add_payment(s, a)
        s.commit()
        s.execute(update(PAYMENTS).where(PAYMENTS.c.id == p).values({column: wrong[column]}))
        s.commit()
        assert copies(s, p) == holder(orgs.home, 1)
        s.execute(update(PAYMENTS).where(PAYMENTS.c.id == p).values({column: None}))
        s.commit()
        assert copies(s, p) == holder(orgs.home, 1)


def test_orm_write_of_team_id_is_overwritten(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        a = make_case(s, orgs.home, D(2024, 1, 5), team=0).id
        payment = Payment(case_id=a, received_on=D(2024, 2, 1), amount=Decimal("5.00"))
        s.add(payment)
        s.commit()
        payment.team_id = orgs.home.teams[1].id
        s.commit()
        assert copies(s, payment.id) == holder(orgs.home, 0)


# --- 4. paused_days ---------------------------------------------------------------------


CLOSED = D(2024, 3, 31)


def closed_case(s: Session, orgs: Orgs, closed_on: dt.date | None = CLOSED) -> int:
    return make_case(s, orgs.home, D(2024, 1, 1), closed_on=closed_on,
                     closing_method="completed" if closed_on else None).id


def test_closed_case_sums_its_ended_pauses(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        a = closed_case(s, orgs)
        assert paused(s, a) == 0
        add_pause(s, a, D(2024, 1, 10), D(2024, 1, 20))  # 10 days
        s.commit()
        assert paused(s, a) == 10
        add_pause(s, a, D(2024, 2, 1), D(2024, 2, 15))  # 14 days
        s.commit()
        assert paused(s, a) == 24


def test_pause_ending_after_closing_is_cut_at_closing(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        a = closed_case(s, orgs)
        add_pause(s, a, D(2024, 3, 21), D(2024, 4, 10))  # 3-21 .. 3-31
        s.commit()
        assert paused(s, a) == 10


def test_open_pause_on_closed_case_counts_to_closing(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        a = closed_case(s, orgs)
        add_pause(s, a, D(2024, 3, 25), None)  # 3-25 .. 3-31
        s.commit()
        assert paused(s, a) == 6


def test_pause_starting_after_closing_counts_nothing(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        a = closed_case(s, orgs)
        add_pause(s, a, D(2024, 4, 5), D(2024, 4, 20))
        add_pause(s, a, D(2024, 4, 1), None)
        s.commit()
        assert paused(s, a) == 0
        add_pause(s, a, D(2024, 3, 1), D(2024, 3, 4))
        s.commit()
        assert paused(s, a) == 3


def test_open_case_then_close_reopen_and_move_closing(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        a = closed_case(s, orgs, closed_on=None)
        add_pause(s, a, D(2024, 1, 10), D(2024, 1, 20))  # 10 days
        add_pause(s, a, D(2024, 2, 1), None)  # open
        s.commit()
        assert paused(s, a) == 0
        set_case(s, a, closed_on=D(2024, 2, 11), closing_method="completed")
        s.commit()
        assert paused(s, a) == 10 + 10
        set_case(s, a, closed_on=None, closing_method=None)
        s.commit()
        assert paused(s, a) == 0
        set_case(s, a, closed_on=D(2024, 3, 1), closing_method="completed")
        s.commit()
        assert paused(s, a) == 10 + 29  # 2024 is a leap year
        set_case(s, a, closed_on=D(2024, 1, 15))  # earlier: 1-10..1-15, the open one is later
        s.commit()
        assert paused(s, a) == 5


def test_orm_close_and_reopen_recompute(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        case = make_case(s, orgs.home, D(2024, 1, 1))
        add_pause(s, case.id, D(2024, 1, 10), D(2024, 1, 20))
        s.commit()
        assert paused(s, case.id) == 0
        case.closed_on, case.closing_method = D(2024, 1, 18), "completed"
        s.flush()
        assert paused(s, case.id) == 8
        s.commit()
        assert paused(s, case.id) == 8
        case.closed_on = None
        s.commit()
        assert paused(s, case.id) == 0


def test_updating_pause_dates_recomputes(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        a = closed_case(s, orgs)
        p1 = add_pause(s, a, D(2024, 1, 10), D(2024, 1, 20))  # 10
        p2 = add_pause(s, a, D(2024, 2, 1), D(2024, 2, 15))  # 14
        s.commit()
        s.execute(update(PAUSES).where(PAUSES.c.id == p1).values(ended_on=D(2024, 1, 30)))
        s.commit()
        assert paused(s, a) == 20 + 14
        s.execute(update(PAUSES).where(PAUSES.c.id == p2)
                  .values(started_on=D(2024, 3, 20), ended_on=None))
        s.commit()
        assert paused(s, a) == 20 + 11
        s.execute(update(PAUSES).where(PAUSES.c.id == p2).values(started_on=D(2024, 4, 2)))
        s.commit()
        assert paused(s, a) == 20
        pause = s.get(CasePause, p1)
        pause.started_on = D(2024, 1, 25)
        s.commit()
        assert paused(s, a) == 5


def test_updating_pauses_of_two_cases_in_one_statement(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        a = closed_case(s, orgs)
        b = closed_case(s, orgs, closed_on=D(2024, 2, 10))
        add_pause(s, a, D(2024, 1, 10), D(2024, 1, 20))
        add_pause(s, b, D(2024, 1, 10), D(2024, 1, 20))
        add_pause(s, b, D(2024, 1, 25), None)
        s.commit()
        assert (paused(s, a), paused(s, b)) == (10, 10 + 16)
        s.execute(update(PAUSES).where(PAUSES.c.started_on == D(2024, 1, 10))
                  .values(ended_on=D(2024, 2, 20)))
        s.commit()
        # b's open pause from 01-25 now lies inside its first (01-10..closing 02-10): the
        # days are counted once (the union, migration 0009_trust), not 31 + 16
        assert (paused(s, a), paused(s, b)) == (41, 31)


def test_deleting_a_pause_recomputes(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        a = closed_case(s, orgs)
        p1 = add_pause(s, a, D(2024, 1, 10), D(2024, 1, 20))  # 10
        add_pause(s, a, D(2024, 2, 1), D(2024, 2, 15))  # 14
        p3 = add_pause(s, a, D(2024, 3, 25), None)  # 6
        s.commit()
        assert paused(s, a) == 30
        s.execute(delete(PAUSES).where(PAUSES.c.id == p1))
        s.commit()
        assert paused(s, a) == 20
        s.delete(s.get(CasePause, p3))
        s.commit()
        assert paused(s, a) == 14
        s.execute(delete(PAUSES).where(PAUSES.c.case_id == a))
        s.commit()
        assert paused(s, a) == 0


def test_moving_a_pause_recomputes_both_cases(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        a = closed_case(s, orgs)
        b = closed_case(s, orgs, closed_on=D(2024, 2, 5))
        open_case = closed_case(s, orgs, closed_on=None)
        p1 = add_pause(s, a, D(2024, 1, 10), D(2024, 1, 20))  # a: 10, on b also 10
        add_pause(s, a, D(2024, 2, 1), D(2024, 2, 15))  # a: 14
        add_pause(s, b, D(2024, 1, 1), D(2024, 1, 3))  # b: 2
        s.commit()
        assert (paused(s, a), paused(s, b)) == (24, 2)
        s.execute(update(PAUSES).where(PAUSES.c.id == p1).values(case_id=b))
        s.commit()
        assert (paused(s, a), paused(s, b)) == (14, 12)
        pause = s.get(CasePause, p1)
        pause.case_id, pause.ended_on = open_case, None
        s.commit()
        assert (paused(s, a), paused(s, b), paused(s, open_case)) == (14, 2, 0)
        s.execute(update(PAUSES).where(PAUSES.c.id == p1)
                  .values(case_id=b, started_on=D(2024, 1, 20)))
        s.commit()
        assert (paused(s, a), paused(s, b), paused(s, open_case)) == (14, 2 + 16, 0)


def test_many_pauses_in_one_executemany(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        a = closed_case(s, orgs)
        b = closed_case(s, orgs, closed_on=D(2024, 1, 31))
        c = closed_case(s, orgs, closed_on=None)
        rows = []
        for i in range(10):  # a: 10 pauses of 2 days; b: 2 days up to 1-31, then nothing
            rows.append({"case_id": a, "kind": "appraisal",
                         "started_on": D(2024, 1, 1) + dt.timedelta(days=7 * i),
                         "ended_on": D(2024, 1, 3) + dt.timedelta(days=7 * i)})
            rows.append({"case_id": b, "kind": "auction",
                         "started_on": D(2024, 1, 29) + dt.timedelta(days=7 * i),
                         "ended_on": None})
            rows.append({"case_id": c, "kind": "deferral",
                         "started_on": D(2024, 1, 1), "ended_on": D(2024, 1, 9)})
        s.execute(insert(PAUSES), rows)
        s.commit()
        assert (paused(s, a), paused(s, b), paused(s, c)) == (20, 2, 0)
        set_case(s, c, closed_on=D(2024, 1, 5), closing_method="completed")
        s.commit()
        assert paused(s, c) == 4  # ten identical pauses cover the same 4 days: counted once


def test_direct_write_of_paused_days_is_corrected(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        a = closed_case(s, orgs)
        o = closed_case(s, orgs, closed_on=None)
        add_pause(s, a, D(2024, 1, 10), D(2024, 1, 20))
        add_pause(s, o, D(2024, 1, 10), D(2024, 1, 20))
        s.commit()
        set_case(s, a, paused_days=999)
        set_case(s, o, paused_days=7)
        s.commit()
        assert (paused(s, a), paused(s, o)) == (10, 0)


# --- 5. extension_days ------------------------------------------------------------------


def test_extensions_insert_update_delete(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        a = closed_case(s, orgs, closed_on=None)
        assert extended(s, a) == 0
        e1 = add_extension(s, a, 30)
        e2 = add_extension(s, a, 15)
        s.commit()
        assert extended(s, a) == 45
        s.execute(update(EXTENSIONS).where(EXTENSIONS.c.id == e2).values(days=20))
        s.commit()
        assert extended(s, a) == 50
        s.execute(delete(EXTENSIONS).where(EXTENSIONS.c.id == e1))
        s.commit()
        assert extended(s, a) == 20
        ext = CaseExtension(case_id=a, approved_on=D(2024, 4, 1), days=60)
        s.add(ext)
        s.flush()
        assert extended(s, a) == 80
        ext.days = 90
        s.commit()
        assert extended(s, a) == 110
        s.delete(ext)
        s.commit()
        assert extended(s, a) == 20
        s.execute(delete(EXTENSIONS).where(EXTENSIONS.c.case_id == a))
        s.commit()
        assert extended(s, a) == 0


def test_extensions_executemany(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        a = closed_case(s, orgs)
        b = closed_case(s, orgs, closed_on=None)
        s.execute(insert(EXTENSIONS), [
            {"case_id": a if i % 3 else b, "approved_on": D(2024, 3, 1), "days": i}
            for i in range(1, 13)
        ])
        s.commit()
        assert (extended(s, a), extended(s, b)) == (78 - 30, 30)


def test_moving_an_extension_recomputes_both_cases(engine: Engine, orgs: Orgs) -> None:
    with Session(engine) as s:
        a = closed_case(s, orgs)
        b = closed_case(s, orgs, closed_on=None)
        e1 = add_extension(s, a, 30)
        add_extension(s, a, 15)
        add_extension(s, b, 7)
        s.commit()
        s.execute(update(EXTENSIONS).where(EXTENSIONS.c.id == e1).values(case_id=b))
        s.commit()
        assert (extended(s, a), extended(s, b)) == (15, 37)
        ext = s.get(CaseExtension, e1)
        ext.case_id, ext.days = a, 40
        s.commit()
        assert (extended(s, a), extended(s, b)) == (55, 7)


# --- 6. rollback ------------------------------------------------------------------------


def test_rolled_back_writes_leave_columns_unchanged(engine: Engine, orgs: Orgs) -> None:
    home = orgs.home
    with Session(engine) as s:
        a = closed_case(s, orgs)
        add_pause(s, a, D(2024, 1, 10), D(2024, 1, 20))
        add_extension(s, a, 30)
        p = add_payment(s, a)
        s.commit()
    with engine.connect() as conn:
        with conn.begin() as tx:
            add_pause(conn, a, D(2024, 2, 1), None)
            add_extension(conn, a, 12)
            set_case(conn, a, team_id=home.teams[1].id, officer_id=home.officers[1].id)
            q = add_payment(conn, a)
            assert (paused(conn, a), extended(conn, a)) == (10 + 59, 42)
            assert copies(conn, p) == copies(conn, q) == holder(home, 1)
            tx.rollback()
        assert (paused(conn, a), extended(conn, a)) == (10, 30)
        assert copies(conn, p) == holder(home, 0)
        assert conn.execute(select(Payment.id)).scalars().all() == [p]


def test_rolled_back_savepoint_leaves_columns_unchanged(engine: Engine, orgs: Orgs) -> None:
    home = orgs.home
    with Session(engine) as s:
        a = closed_case(s, orgs)
        p = add_payment(s, a)
        s.commit()
        add_pause(s, a, D(2024, 1, 10), D(2024, 1, 20))
        nested = s.begin_nested()
        add_pause(s, a, D(2024, 2, 1), D(2024, 2, 15))
        add_extension(s, a, 12)
        set_case(s, a, officer_id=None, category="resumed")
        assert (paused(s, a), extended(s, a)) == (24, 12)
        assert copies(s, p) == (home.court.id, home.teams[0].id, None, "resumed")
        nested.rollback()
        assert (paused(s, a), extended(s, a)) == (10, 0)
        s.commit()
        assert (paused(s, a), extended(s, a)) == (10, 0)
        assert copies(s, p) == holder(home, 0)


# --- 7. randomized consistency ----------------------------------------------------------

BASE = D(2024, 1, 1)


def day(rng: random.Random, low: int, high: int) -> dt.date:
    return BASE + dt.timedelta(days=rng.randint(low, high))


@dataclass
class World:
    conn: Connection
    rng: random.Random
    cases: list[int]
    holders: list[tuple[int, int, int]]  # (court, team, officer) ids

    def pick(self, table: Any) -> int | None:
        ids = self.conn.execute(select(table.c.id).order_by(table.c.id)).scalars().all()
        return self.rng.choice(ids) if ids else None

    def case(self) -> int:
        return self.rng.choice(self.cases)


def op_add_pause(w: World) -> str:
    start = day(w.rng, 0, 150)
    end = None if w.rng.random() < 0.3 else start + dt.timedelta(days=w.rng.randint(0, 40))
    case = w.case()
    add_pause(w.conn, case, start, end)
    return f"add pause {start}..{end} to case {case}"


def op_add_pauses_many(w: World) -> str:
    rows = []
    for _ in range(w.rng.randint(2, 4)):
        start = day(w.rng, 0, 150)
        end = None if w.rng.random() < 0.3 else start + dt.timedelta(days=w.rng.randint(0, 40))
        rows.append({"case_id": w.case(), "kind": "auction", "started_on": start,
                     "ended_on": end})
    w.conn.execute(insert(PAUSES), rows)
    return f"executemany pauses {rows}"


def op_edit_pause(w: World) -> str:
    pause = w.pick(PAUSES)
    if pause is None:
        return op_add_pause(w)
    values: dict[str, Any] = {}
    if w.rng.random() < 0.4:
        values["case_id"] = w.case()
    if w.rng.random() < 0.7:
        start = day(w.rng, 0, 150)
        values["started_on"] = start
        values["ended_on"] = (None if w.rng.random() < 0.3
                              else start + dt.timedelta(days=w.rng.randint(0, 40)))
    w.conn.execute(update(PAUSES).where(PAUSES.c.id == pause).values(
        values or {"reason": "改"}))
    return f"edit pause {pause}: {values}"


def op_delete_pause(w: World) -> str:
    pause = w.pick(PAUSES)
    w.conn.execute(delete(PAUSES).where(PAUSES.c.id == pause))
    return f"delete pause {pause}"


def op_add_extension(w: World) -> str:
    case, days = w.case(), w.rng.randint(1, 90)
    add_extension(w.conn, case, days)
    return f"add extension {days} to case {case}"


def op_edit_extension(w: World) -> str:
    ext = w.pick(EXTENSIONS)
    if ext is None:
        return op_add_extension(w)
    values: dict[str, Any] = {"days": w.rng.randint(1, 90)}
    if w.rng.random() < 0.5:
        values["case_id"] = w.case()
    w.conn.execute(update(EXTENSIONS).where(EXTENSIONS.c.id == ext).values(values))
    return f"edit extension {ext}: {values}"


def op_delete_extension(w: World) -> str:
    ext = w.pick(EXTENSIONS)
    w.conn.execute(delete(EXTENSIONS).where(EXTENSIONS.c.id == ext))
    return f"delete extension {ext}"


def op_add_payment(w: World) -> str:
    case = w.case()
    wrong: dict[str, Any] = {}
    if w.rng.random() < 0.3:
        court, team, officer = w.rng.choice(w.holders)
        wrong = {"court_id": court, "team_id": team, "officer_id": officer,
                 "category": w.rng.choice(CATEGORIES)}
    add_payment(w.conn, case, **wrong)
    return f"add payment to case {case} {wrong}"


def op_edit_payment(w: World) -> str:
    payment = w.pick(PAYMENTS)
    if payment is None:
        return op_add_payment(w)
    court, team, officer = w.rng.choice(w.holders)
    choices = [{"case_id": w.case()}, {"court_id": court}, {"team_id": team},
               {"officer_id": officer}, {"category": w.rng.choice(CATEGORIES)},
               {"team_id": None}, {"amount": Decimal("1.00")}]
    values = w.rng.choice(choices)
    w.conn.execute(update(PAYMENTS).where(PAYMENTS.c.id == payment).values(values))
    return f"edit payment {payment}: {values}"


def op_delete_payment(w: World) -> str:
    payment = w.pick(PAYMENTS)
    w.conn.execute(delete(PAYMENTS).where(PAYMENTS.c.id == payment))
    return f"delete payment {payment}"


def op_reassign(w: World) -> str:
    case = w.case()
    court, team, officer = w.rng.choice(w.holders)
    values: dict[str, Any] = {"court_id": court, "team_id": team,
                              "officer_id": None if w.rng.random() < 0.2 else officer}
    if w.rng.random() < 0.5:
        values["category"] = w.rng.choice(CATEGORIES)
    set_case(w.conn, case, **values)
    return f"reassign case {case}: {values}"


def op_close_or_reopen(w: World) -> str:
    case = w.case()
    closed = None if w.rng.random() < 0.3 else day(w.rng, 20, 180)
    set_case(w.conn, case, closed_on=closed, closing_method="completed" if closed else None)
    return f"case {case} closed_on={closed}"


def op_corrupt_paused_days(w: World) -> str:
    case = w.case()
    set_case(w.conn, case, paused_days=w.rng.randint(1, 999))
    return f"direct write of paused_days on case {case}"


OPS: list[tuple[Callable[[World], str], int]] = [
    (op_add_pause, 5), (op_add_pauses_many, 1), (op_edit_pause, 3), (op_delete_pause, 3),
    (op_add_extension, 3), (op_edit_extension, 3), (op_delete_extension, 2),
    (op_add_payment, 3), (op_edit_payment, 3), (op_delete_payment, 1),
    (op_reassign, 3), (op_close_or_reopen, 3), (op_corrupt_paused_days, 1),
]


def expected_paused_days(closed_on: dt.date | None, pauses: list[Any]) -> int:
    if closed_on is None:
        return 0
    covered: set[dt.date] = set()  # the union: a day under two pauses counts once (0009_trust)
    for p in pauses:
        if p.started_on <= closed_on:
            end = closed_on if p.ended_on is None else min(p.ended_on, closed_on)
            covered.update(p.started_on + dt.timedelta(days=i) for i in range((end - p.started_on).days))
    return len(covered)


def check_consistent(conn: Connection, where: str) -> None:
    c = CASES.c
    cases = {r.id: r for r in conn.execute(select(
        c.id, c.court_id, c.team_id, c.officer_id, c.category, c.closed_on,
        c.paused_days, c.extension_days))}
    pauses = conn.execute(select(PAUSES.c.case_id, PAUSES.c.started_on,
                                 PAUSES.c.ended_on)).all()
    extensions = conn.execute(select(EXTENSIONS.c.case_id, EXTENSIONS.c.days)).all()
    want = {
        cid: (expected_paused_days(row.closed_on, [p for p in pauses if p.case_id == cid]),
              sum(e.days for e in extensions if e.case_id == cid))
        for cid, row in cases.items()
    }
    got = {cid: (row.paused_days, row.extension_days) for cid, row in cases.items()}
    assert got == want, f"after {where}: (paused_days, extension_days) per case"
    p = PAYMENTS.c
    payments = conn.execute(select(p.id, p.case_id, p.court_id, p.team_id, p.officer_id,
                                   p.category)).all()
    got_copies = {r.id: tuple(r)[2:] for r in payments}
    want_copies = {r.id: tuple(cases[r.case_id])[1:5] for r in payments}
    assert got_copies == want_copies, f"after {where}: payment copies"


def test_random_operations_keep_rollups_consistent(engine: Engine, orgs: Orgs) -> None:
    rng = random.Random(20240531)
    org_teams = [(orgs.home, 0), (orgs.home, 1), (orgs.other, 0)]
    holders = [(org.court.id, org.teams[i].id, org.officers[i].id) for org, i in org_teams]
    with Session(engine) as s:
        cases = []
        for _ in range(5):
            org, team = rng.choice(org_teams)
            closed = day(rng, 30, 150) if rng.random() < 0.5 else None
            cases.append(make_case(s, org, BASE, category=rng.choice(CATEGORIES), team=team,
                                   closed_on=closed,
                                   closing_method="completed" if closed else None).id)
        s.commit()
    ops, weights = zip(*OPS, strict=True)
    with engine.connect() as conn:
        world = World(conn, rng, cases, holders)
        done = 0
        while done < 80:
            steps = []
            for _ in range(rng.randint(1, 3)):
                steps.append(rng.choices(ops, weights)[0](world))
                done += 1
            conn.commit()
            check_consistent(conn, f"operation {done}: " + "; ".join(steps))
