"""seed_bulk: N cases in chunks, with progress, continuing numbers on a loaded database."""
from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import Engine, func, select

from db.cases.numbers import parse_case_number
from db.demo import seed_bulk, simulate_step
from db.models import Case, CaseEvent, CaseParty, Court, Payment
from db.session import make_session_factory, session_scope

TODAY = dt.date(2025, 6, 30)


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_bulk_cases_with_progress(engine: Engine) -> None:
    calls: list[tuple[int, int]] = []
    summary = seed_bulk(engine, 2000, seed=5, today=TODAY, chunk=700,
                        progress=lambda done, total: calls.append((done, total)))
    assert calls == [(700, 2000), (1400, 2000), (2000, 2000)]
    assert summary["cases"] == _count(engine, Case) == 2000
    assert _count(engine, Court) == 1
    assert _count(engine, CaseEvent) == summary["case_events"] > 2000 * 3
    assert _count(engine, CaseParty) >= 4000 and _count(engine, Payment) > 0
    with engine.connect() as conn:
        rows = conn.execute(select(Case.case_number, Case.filed_on, Case.closed_on,
                                   Case.target_amount, Case.recovered_amount)).all()
        years = conn.execute(select(func.min(Case.filed_on), func.max(Case.filed_on))).one()
    assert len({r[0] for r in rows}) == 2000
    for number, filed, closed, target, recovered in rows:
        assert parse_case_number(number).year == filed.year
        assert closed is None or filed <= closed <= TODAY
        assert 0 <= recovered <= target
    assert years[0] < dt.date(2020, 2, 1) and years[1] > dt.date(2025, 5, 1)


def test_bulk_continues_numbers_and_sequences(engine: Engine) -> None:
    seed_bulk(engine, 400, seed=1, today=TODAY)
    seed_bulk(engine, 400, seed=2, today=TODAY)
    with engine.connect() as conn:
        numbers = conn.execute(select(Case.case_number)).scalars().all()
    assert len(set(numbers)) == 800
    # ORM inserts after explicit-id bulk inserts still get fresh ids (PostgreSQL sequences).
    with session_scope(make_session_factory(engine)) as session:
        for _ in range(5):
            simulate_step(session, dt.datetime.now(dt.UTC), random.Random(4))
    assert _count(engine, Case) >= 800


def test_bulk_rejects_a_non_positive_count(engine: Engine) -> None:
    with pytest.raises(ValueError, match="案件数必须大于 0"):
        seed_bulk(engine, 0)


def test_scale_activity_gives_every_node_rule_work(engine: Engine) -> None:
    """bench/scale.py --activity: events and payments for the province generator's cases, set-based
    on every backend, never dated after `today` or the case's closing, the payments' holder columns
    filled by the triggers, and the 节点管控 section finding work in every event, payment and expiry
    rule (done on time, done late, overdue …)."""
    from dashboard.config import DEFAULTS
    from db.demo.bulk import (
        SCALE_EVENTS,
        scale_activity,
        scale_org,
        scale_rows,
        stream_cases,
    )
    from db.snapshot.builder import build_snapshot, default_port
    from db.sqldates import local_date

    today = dt.date(2026, 11, 20)
    holders = scale_org(engine, 2, teams_per_court=2, officers_per_team=2)
    stream_cases(engine, scale_rows(900, holders, today))
    written = scale_activity(engine, today)
    assert written["events"] == _count(engine, CaseEvent) > 900 and written["payments"] == _count(engine, Payment) > 200
    with engine.connect() as conn:
        kinds = set(conn.scalars(select(CaseEvent.kind).distinct()))
        day = local_date(CaseEvent.occurred_at, 480)
        late = conn.execute(select(func.count()).select_from(CaseEvent).join(Case, Case.id == CaseEvent.case_id)
                            .where((day > today) | (day < Case.filed_on) | (day > Case.closed_on))).scalar_one()
        bad_expiry = conn.execute(select(func.count()).where(
            CaseEvent.kind.in_(("seizure", "freeze")), (CaseEvent.expires_on.is_(None)) | (CaseEvent.expires_on <= day))
            .select_from(CaseEvent)).scalar_one()
        payments = conn.execute(select(Payment.team_id, Case.team_id, Payment.received_on, Payment.paid_out_on,
                                       Payment.amount, Payment.paid_amount, Case.closed_on)
                                .join(Case, Case.id == Payment.case_id)).all()
    assert kinds == {kind for kind, *_ in SCALE_EVENTS}
    assert late == 0 and bad_expiry == 0
    for team, case_team, received, paid_on, amount, paid, closed in payments:
        assert team == case_team and received <= today and (closed is None or received <= closed)
        assert (paid_on is None) == (paid is None) and (paid_on is None or received <= paid_on <= today)
        assert paid is None or paid == amount
    assert any(p[3] is None for p in payments) and any(p[3] is not None for p in payments)
    with session_scope(make_session_factory(engine)) as session:
        code = session.scalar(select(Court.code).order_by(Court.id))
        nodes = build_snapshot(session, default_port(None, dict(DEFAULTS)), today=today, court_code=code)["nodes"]
    by_node = {n["key"]: n for n in nodes["by_node"] if n["kind"] in ("event", "payment", "expiry")}
    assert set(by_node) >= {"notice", "investigation", "reference_price", "sale", "disbursement", "renewal"}
    idle = [key for key, n in by_node.items()
            if not sum(n[s] for s in ("overdue", "due_soon", "not_due", "done_late", "done_on_time"))]
    assert idle == []
    assert by_node["notice"]["done_on_time"] and by_node["notice"]["done_late"] and by_node["notice"]["overdue"]
