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
