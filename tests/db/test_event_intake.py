"""db/events on SQLite, PostgreSQL and MariaDB: the rate-limit ledger, idempotent intake, the
unique (source, external id) that stops two workers storing one event twice, and source tokens."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from db.events import intake, throttle
from db.events.sources import (
    issue_source_token,
    list_sources,
    revoke_source,
    source_for_token,
    source_principal,
)
from db.models import Case, CaseEvent, EventReceipt, EventSource
from db.models.events import EventApiCall
from db.session import data_version, make_session_factory, session_scope
from tests.db.snapshot_data import seed

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 12, 3, 2, 0)  # naive UTC
MINUTE = dt.timedelta(minutes=1)


def test_throttle_counts_per_key_within_the_window(engine) -> None:
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        takes = [throttle.take(session, "source:1", NOW + dt.timedelta(seconds=s), limit=2, window=MINUTE)
                 for s in (0, 10, 20)]
        assert takes[:2] == [None, None]
        assert takes[2] == NOW + MINUTE  # the oldest counted call leaves the window then
        assert throttle.take(session, "source:2", NOW, limit=2, window=MINUTE) is None
        assert throttle.take(session, "source:1", NOW + dt.timedelta(seconds=61), limit=2, window=MINUTE) is None
        assert throttle.take(session, "source:1", NOW, limit=0, window=MINUTE) is None  # 0: no limit



def test_throttle_rows_of_every_key_are_pruned_once_out_of_the_window(engine) -> None:
    with make_session_factory(engine)() as session:
        for i in range(30):  # thirty addresses that call once and never again
            assert throttle.take(session, f"ip:10.0.0.{i}", NOW, limit=5, window=MINUTE) is None
        assert session.scalar(select(func.count()).select_from(EventApiCall)) == 30
        later = NOW + dt.timedelta(seconds=90)
        assert throttle.take(session, "source:7", later, limit=5, window=MINUTE) is None
        assert session.scalars(select(EventApiCall.key)).all() == ["source:7"]

def _item(number: str, external_id: str, **kw) -> dict:
    return {"external_id": external_id, "case_number": number, "kind": "到场",
            "occurred_at": "2026-12-03T09:30:00+08:00", **kw}


def test_accept_is_idempotent_and_all_or_nothing(engine) -> None:
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        seed(session)
        number = session.scalars(select(Case.case_number).order_by(Case.id)).first()
        source_id, plaintext = issue_source_token(session, "执行110", None)
    with session_scope(sessions) as session:
        source = source_for_token(session, plaintext)
        assert source is not None and source.id == source_id and source.last_used_at is not None
        version = data_version(session)[0]
        answer = intake.accept(session, source, [_item(number, "e-1"), _item(number, "e-2", kind="出警")],
                               tz=TZ, now=NOW, actor=source_principal(source, "10.0.0.9"))
        assert answer["created"] == 2 and data_version(session)[0] == version + 1
    with session_scope(sessions) as session:
        source = session.get(EventSource, source_id)
        again = intake.accept(session, source, [_item(number, "e-1"), _item(number, "e-3")], tz=TZ, now=NOW,
                              actor=source_principal(source, ""))
        assert [r["status"] for r in again["results"]] == ["duplicate", "created"]
        with pytest.raises(intake.IntakeError) as refused:
            intake.accept(session, source, [_item(number, "e-4"), _item(number + "x", "e-5")], tz=TZ, now=NOW,
                          actor=source_principal(source, ""))
        assert refused.value.status == 400 and refused.value.errors[0]["index"] == 1
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(EventReceipt)) == 3
        stored = session.scalars(select(CaseEvent).where(CaseEvent.detail == "", CaseEvent.kind == "arrival_110")
                                 .order_by(CaseEvent.id)).first()
        assert stored.occurred_at == dt.datetime(2026, 12, 3, 1, 30)  # 09:30 in Beijing is 01:30 UTC


def test_two_workers_cannot_store_one_external_id_twice(engine) -> None:
    """Two workers that both found no receipt before either committed: the unique (source,
    external id) refuses the second receipt, so its whole transaction (event too) rolls back."""
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        seed(session)
        number = session.scalars(select(Case.case_number).order_by(Case.id)).first()
        source_id, _ = issue_source_token(session, "执行110", None)
        source = session.get(EventSource, source_id)
        intake.accept(session, source, [_item(number, "race-1")], tz=TZ, now=NOW,
                      actor=source_principal(source, ""))
    events = _events(sessions)
    with pytest.raises(IntegrityError), session_scope(sessions) as session:
        case_id = session.scalars(select(Case.id).order_by(Case.id)).first()
        event = CaseEvent(case_id=case_id, kind="arrival_110", occurred_at=NOW)
        session.add(event)
        session.flush()
        session.add(EventReceipt(source_id=source_id, external_id="race-1", event_id=event.id, fingerprint="x"))
        session.flush()
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(EventReceipt)) == 1
    assert _events(sessions) == events


def _events(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(CaseEvent))


def test_source_tokens_issue_list_revoke(engine) -> None:
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        _sid, plaintext = issue_source_token(session, "  执法APP ", None)
        with pytest.raises(ValueError, match="来源名称：不能为空"):
            issue_source_token(session, " ", None)
    with session_scope(sessions) as session:
        rows = list_sources(session)
        assert [(r["name"], r["active"], r["created_by"]) for r in rows] == [("执法APP", True, "命令行")]
        assert session.scalar(select(EventSource.token_hash)) != plaintext
        revoke_source(session, rows[0]["id"], None)
        with pytest.raises(ValueError, match="已于"):
            revoke_source(session, rows[0]["id"], None)
        with pytest.raises(ValueError, match="不存在编号为 999"):
            revoke_source(session, 999, None)
    with session_scope(sessions) as session:
        assert source_for_token(session, plaintext) is None
        assert source_for_token(session, "") is None and source_for_token(session, "x" * 500) is None


def test_concurrent_calls_of_one_source_never_exceed_the_limit(engine) -> None:
    """Eight workers at once, a limit of three: exactly three calls pass (the source row lock)."""
    import threading

    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        _sid, plaintext = issue_source_token(session, "执行110", None)
    passed: list[bool] = []
    start = threading.Barrier(8)

    def call() -> None:
        start.wait()
        with session_scope(sessions) as session:
            source = source_for_token(session, plaintext)
            assert source is not None
            passed.append(throttle.take(session, f"source:{source.id}", dt.datetime.now(dt.UTC).replace(tzinfo=None),
                                        limit=3, window=MINUTE) is None)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(passed) == 8 and passed.count(True) == 3
