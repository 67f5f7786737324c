"""The wall's 实时动态 never lists an event recorded for later than now (the demo court's “today”
has events all day long; a skewed clock can write future rows too)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.models import Case, CaseEvent
from db.session import make_session_factory, session_scope
from db.snapshot.activity import latest_feed
from tests.db.snapshot_data import seed


def test_feed_leaves_out_events_later_than_now(engine) -> None:
    sessions = make_session_factory(engine)
    now = dt.datetime(2026, 11, 19, 12)
    with session_scope(sessions) as session:
        court_id = seed(session)["court"].id
        case_id = session.scalars(select(Case.id).order_by(Case.id)).first()
        session.add(CaseEvent(case_id=case_id, kind="detention", occurred_at=now + dt.timedelta(hours=3),
                              detail="下午才发生"))
    with session_scope(sessions) as session:
        before = latest_feed(session, court_id, tz=ZoneInfo("Asia/Shanghai"), size=5, now=now)
        after = latest_feed(session, court_id, tz=ZoneInfo("Asia/Shanghai"), size=5,
                            now=now + dt.timedelta(hours=4))
    assert "下午才发生" not in [f["detail"] for f in before]
    assert after[0]["detail"] == "下午才发生"
