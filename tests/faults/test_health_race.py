"""The outage flag is not cleared by an answer that predates the outage.

A ping that passes a moment before the connection drops, checked out by one thread while another
thread's statement fails and marks the database down, used to mark it up again at once
(「数据库已恢复（中断 0 秒）」 with the database still stopped, CI stop 24): the banner flashed
and went. Only an answer whose ping or connect began after the outage was seen clears it.
"""
from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import create_engine, text

from dashboard.outage import DatabaseHealth


def _engine(tmp_path: Path):  # noqa: ANN202
    return create_engine(f"sqlite:///{tmp_path / 'h.db'}", pool_pre_ping=True, pool_size=1)


def test_an_answer_older_than_the_outage_does_not_clear_it() -> None:
    health = DatabaseHealth()
    before = time.time()
    time.sleep(0.01)
    health.mark_down("OperationalError: server closed the connection")
    health.mark_up(before)
    assert health.down
    health.mark_up(time.time())
    assert not health.down


def test_a_ping_that_passed_before_the_drop_keeps_the_banner(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    health = DatabaseHealth()
    health.PROBE_S = 60.0  # no background probe during the test
    passed = engine.dialect.do_ping

    def ping_then_drop(dbapi_connection):  # noqa: ANN001, ANN202
        ok = passed(dbapi_connection)  # the server answered ...
        time.sleep(0.01)
        health.mark_down("OperationalError: consuming input failed")  # ... then another thread failed
        return ok

    engine.dialect.do_ping = ping_then_drop  # type: ignore[method-assign]
    health.watch(engine)
    with engine.connect() as conn:  # a fresh connection: not pinged
        conn.execute(text("SELECT 1"))
    with engine.connect() as conn:  # pooled: pinged, and the outage is seen during the ping
        conn.execute(text("SELECT 1"))
    assert health.down, "a ping that began before the outage cleared the flag"
    engine.dispose()


def test_a_connect_after_the_outage_clears_it(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    health = DatabaseHealth()
    health.PROBE_S = 0.0
    health.watch(engine)
    health.mark_down("OperationalError: connection refused")
    time.sleep(0.01)
    engine.dispose()  # nothing pooled: the next checkout connects (the probe) and succeeds
    deadline = time.monotonic() + 5
    while health.down and time.monotonic() < deadline:
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - the breaker's "not your turn" refusal
            time.sleep(0.05)
    assert not health.down
    engine.dispose()
