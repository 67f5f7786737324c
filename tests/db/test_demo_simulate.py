"""simulate_step writes realistic activity at `now` and bumps the data version once."""
from __future__ import annotations

import datetime as dt
import random
import time

import pytest
from sqlalchemy import Engine, func, select

from db.cases.vocab import CLOSING_METHODS
from db.context import AppContext
from db.demo import seed_bulk, simulate_step, start_simulator
from db.demo.activities import SimContext, close_case, file_case
from db.demo.org import load_org
from db.models import Case, CaseAssignment, CaseEvent, CaseParty
from db.session import data_version, make_session_factory, session_scope


@pytest.fixture
def court(engine: Engine) -> Engine:
    seed_bulk(engine, 300, seed=9)
    return engine


def _total(engine: Engine) -> int:
    with engine.connect() as conn:
        return sum(conn.execute(select(func.count()).select_from(m)).scalar_one()
                   for m in (Case, CaseEvent))


def test_steps_write_rows_and_bump_version(court: Engine) -> None:
    factory = make_session_factory(court)
    rng = random.Random(12)
    with session_scope(factory) as session:
        before = data_version(session)[0]
    rows_before = _total(court)
    now = dt.datetime(2026, 3, 2, 3, 15, 0)  # naive = UTC
    for step in range(1, 9):
        with session_scope(factory) as session:
            lines = simulate_step(session, now, rng)
        assert lines and all(isinstance(x, str) and x for x in lines)
        with session_scope(factory) as session:
            assert data_version(session)[0] == before + step
    assert _total(court) > rows_before
    with court.connect() as conn:
        stamped = conn.execute(select(func.count()).select_from(CaseEvent)
                               .where(CaseEvent.occurred_at == now)).scalar_one()
    assert stamped > 0


def test_filing_and_closing(court: Engine) -> None:
    factory = make_session_factory(court)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with session_scope(factory) as session:
        sim = SimContext(session=session, org=load_org(session), now=now,
                         today=(now + dt.timedelta(hours=8)).date(), rng=random.Random(3))
        text = file_case(sim)
        case = session.scalars(select(Case).order_by(Case.id.desc()).limit(1)).one()
        assert case.case_number in text and "新收案件" in text
        assert case.filed_on == sim.today and case.closed_on is None
        assert session.scalar(select(func.count()).select_from(CaseAssignment)
                              .where(CaseAssignment.case_id == case.id)) == 1
        assert session.scalar(select(func.count()).select_from(CaseParty)
                              .where(CaseParty.case_id == case.id)) >= 2
        closed = close_case(sim)
        assert "结案" in closed
        number = closed.split(" ")[0]
        done = session.scalars(select(Case).where(Case.case_number == number)).one()
        assert done.closed_on == sim.today and done.category in CLOSING_METHODS[done.closing_method].categories


def test_empty_database_is_refused(engine: Engine) -> None:
    with session_scope(make_session_factory(engine)) as session, \
            pytest.raises(ValueError, match="没有演示法院"):
        simulate_step(session, dt.datetime.now(dt.UTC), random.Random(1))


def test_background_thread_simulates(court: Engine) -> None:
    ctx = AppContext(settings={"TIMEZONE": "Asia/Shanghai"}, engine=court,
                     sessions=make_session_factory(court))
    with session_scope(ctx.sessions) as session:
        before = data_version(session)[0]
    thread = start_simulator(ctx, 0.2, seed=1)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with session_scope(ctx.sessions) as session:
                if data_version(session)[0] >= before + 2:
                    break
            time.sleep(0.2)
    finally:
        ctx.extras["simulator_stop"].set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    with session_scope(ctx.sessions) as session:
        assert data_version(session)[0] >= before + 2


def test_the_simulator_does_the_centers_work_by_named_center_staff(court: Engine) -> None:
    """查控, 送达, 执行110 接警→出警 by center people with a duty; 案款 handled by the 专管员."""
    from db.indicators import Period, compute
    from db.indicators.registry import CENTER_KEYS
    from db.models import Officer, Payment, Team

    factory = make_session_factory(court)
    rng = random.Random(5)
    now = dt.datetime(2026, 3, 2, 3, 15, 0)
    for step in range(60):
        with session_scope(factory) as session:
            simulate_step(session, now + dt.timedelta(minutes=step), rng)
    with court.connect() as conn:
        done = conn.execute(
            select(CaseEvent.kind, Officer.duty, Team.kind)
            .join(Officer, Officer.id == CaseEvent.officer_id).join(Team, Team.id == Officer.team_id)
            .where(CaseEvent.occurred_at >= now - dt.timedelta(hours=1),
                   CaseEvent.kind.in_(("online_query_started", "service", "alarm_110")))).all()
        clerks = conn.execute(select(func.count()).select_from(Payment)
                              .where(Payment.received_on == dt.date(2026, 3, 2),
                                     Payment.clerk_id.is_not(None))).scalar_one()
    assert {kind for kind, _, _ in done} == {"online_query_started", "service", "alarm_110"}
    assert all(team == "center" and duty for _, duty, team in done)
    assert clerks > 0
    with session_scope(factory) as session:
        (today,) = compute(session, "court", period=Period(dt.date(2026, 3, 2), dt.date(2026, 3, 2)),
                           compare=False, keys=list(CENTER_KEYS))
    assert today["indicators"]["query_count"]["numerator"] > 0
    assert today["indicators"]["alarms_110"]["numerator"] > 0
