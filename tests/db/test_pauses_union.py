"""Overlapping 扣除期限 count once (issue #15 §4; migration 0009_trust): cases.paused_days is
the union of the case's pauses, kept by triggers and checked by db/models/rollups.py alike, on
SQLite, PostgreSQL and MariaDB."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.indicators import Period, compute
from db.models import Case, CasePause, rollups
from db.session import make_session_factory, session_scope
from tests.db.snapshot_data import seed

D = dt.date


def _pause(case_id: int, start: dt.date, end: dt.date | None) -> CasePause:
    return CasePause(case_id=case_id, kind="suspension", started_on=start, ended_on=end)


def test_overlapping_pauses_are_deducted_once(engine) -> None:
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        made = seed(session)
        late = made["cases"][0]  # 首执 filed 2026-02-10, closed 2026-05-01 → now reopen below
        late.filed_on, late.closed_on, late.closing_method = D(2025, 1, 10), D(2025, 9, 20), "completed"
        session.flush()
        # 6-month limit: 2025-07-10 (181 days); used 253 days; 72 days over the limit.
        # Two pauses over the same 50 days (05-01..06-20), a third from 06-10 to 07-10 and a
        # nested one inside the first: union 05-01..07-10 = 70 days, not 50+50+30+10 = 140.
        session.add_all([_pause(late.id, D(2025, 5, 1), D(2025, 6, 20)),
                         _pause(late.id, D(2025, 5, 1), D(2025, 6, 20)),
                         _pause(late.id, D(2025, 6, 10), D(2025, 7, 10)),
                         _pause(late.id, D(2025, 5, 5), D(2025, 5, 15))])
        case_id = late.id
    with Session(engine) as session:
        assert session.scalar(select(Case.paused_days).where(Case.id == case_id)) == 70
        assert rollups.check(session)["paused_days"] == 0
        (court,) = compute(session, "court", period=Period(D(2025, 9, 1), D(2025, 9, 30)),
                           compare=False, keys=["legal_limit_rate"])
    # 253 − 70 = 183 > 181: late; with the doubled 140 days it would have counted as in time
    assert court["indicators"]["legal_limit_rate"]["numerator"] == 0
    assert court["indicators"]["legal_limit_rate"]["denominator"] == 1
    # a pause that ends after closing is cut at the closing day; an open one runs to it
    with session_scope(sessions) as session:
        session.add(_pause(case_id, D(2025, 9, 1), None))
    with Session(engine) as session:
        assert session.scalar(select(Case.paused_days).where(Case.id == case_id)) == 70 + 19
    # deleting one of the twin pauses changes nothing (the other still covers those days)
    with session_scope(sessions) as session:
        twin = session.scalars(select(CasePause).where(CasePause.case_id == case_id)
                               .order_by(CasePause.id).limit(1)).one()
        session.delete(twin)
    with Session(engine) as session:
        assert session.scalar(select(Case.paused_days).where(Case.id == case_id)) == 89
        assert rollups.check(session)["paused_days"] == 0


def test_partly_overlapping_pauses(engine) -> None:
    """03-01..03-31 and 03-11..04-10: 40 days covered, not 30 + 30."""
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        made = seed(session)
        case = made["cases"][0]
        session.add_all([_pause(case.id, D(2026, 3, 1), D(2026, 3, 31)),
                         _pause(case.id, D(2026, 3, 11), D(2026, 4, 10))])
        case_id = case.id
    with Session(engine) as session:
        assert session.scalar(select(Case.paused_days).where(Case.id == case_id)) == 40
        assert rollups.check(session) == {"payment_holder": 0, "paused_days": 0, "extension_days": 0,
                                          "closed_holder": 0}
