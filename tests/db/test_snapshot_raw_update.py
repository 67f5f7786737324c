"""A raw UPDATE by another program (no data_state bump, no updated_at) reaches the wall: on cases
and payments at the next refresh (the change log their triggers fill, migration 0015); on any other
table through the forced full rebuild every FULL_REBUILD_INTERVAL_S (Refresher.full_rebuild_s)."""
from __future__ import annotations

import json

from sqlalchemy import text

from db.session import make_session_factory, session_scope
from db.snapshot import store
from db.snapshot.refresh import PUBLISHED, UNCHANGED
from tests.db.snapshot_data import seed
from tests.db.test_snapshot_refresh import _refresher

VOLATILE = ("version", "computed_at", "duration_ms", "timing", "as_of", "status")


def _body(cache) -> str:
    snap = store.current_snapshot(cache)
    return json.dumps({k: v for k, v in snap.items() if k not in VOLATILE}, sort_keys=True, default=str)


def test_raw_case_update_reaches_the_wall_at_the_next_refresh(engine) -> None:
    with session_scope(make_session_factory(engine)) as s:
        seed(s)
    refresher, build, clock = _refresher(engine, full_rebuild_s=600)
    assert refresher.run() == PUBLISHED
    before = _body(refresher.cache)
    with engine.begin() as conn:  # another program: no ORM, no version bump, updated_at untouched
        conn.execute(text("UPDATE cases SET closed_on = NULL, closing_method = NULL"))
    clock.advance(seconds=5)
    assert refresher.run() == PUBLISHED and build.calls == 2  # the triggers logged the change
    assert _body(refresher.cache) != before
    clock.advance(seconds=5)
    assert refresher.run() == UNCHANGED  # the log was emptied by the build that read it


def test_raw_update_reaches_the_wall_within_the_full_rebuild_interval(engine) -> None:
    with session_scope(make_session_factory(engine)) as s:
        seed(s)
    refresher, build, clock = _refresher(engine, full_rebuild_s=600)
    assert refresher.run() == PUBLISHED
    before = _body(refresher.cache)
    with engine.begin() as conn:  # a table without change triggers: only the full rebuild sees it
        conn.execute(text("UPDATE courts SET name = '改名后的法院'"))
    clock.advance(seconds=300)
    assert refresher.run() == UNCHANGED and build.calls == 1  # the fingerprint cannot see it
    clock.advance(seconds=300)
    assert refresher.run() == PUBLISHED and build.calls == 2
    assert _body(refresher.cache) != before
    clock.advance(seconds=30)
    assert refresher.run() == UNCHANGED


def test_zero_turns_the_forced_rebuild_off(sqlite_engine) -> None:
    with session_scope(make_session_factory(sqlite_engine)) as s:
        seed(s)
    refresher, build, clock = _refresher(sqlite_engine, full_rebuild_s=0)
    refresher.run()
    clock.advance(hours=5)
    assert refresher.run() == UNCHANGED and build.calls == 1
