"""Scheduler wiring: job options, leader election and takeover, surviving failing refreshes."""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.engine import Engine

from dashboard import scheduler as wiring
from dashboard.app import create_app
from db.session import make_session_factory, session_scope
from db.snapshot import store
from tests.db.snapshot_data import seed
from tests.redis_backend import REDIS_URL, redis_prefix  # noqa: F401 (fixture)

INTERVAL = 2.0
# The lease outlives a heartbeat late by up to TTL - TTL/4 on a loaded machine; takeover still
# fits in two intervals (TTL + one heartbeat of TTL/4).
LEASE_TTL = 2.0


def _wait(condition: Callable[[], bool], timeout: float) -> float:
    """Poll until `condition` holds; return the seconds it took (fail on timeout)."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            pytest.fail(f"condition not met within {timeout} s")
        time.sleep(0.02)
    return time.monotonic() - start


@pytest.fixture
def seeded(sqlite_engine: Engine) -> str:
    with session_scope(make_session_factory(sqlite_engine)) as session:
        seed(session)
    return sqlite_engine.url.render_as_string(hide_password=False)


@pytest.fixture
def services() -> Iterator[list]:
    started: list = []
    yield started
    for service in started:
        service.stop()


def _start(url: str, cache_url: str, prefix: str, started: list) -> wiring.RefreshService:
    app = create_app({"DATABASE_URL": url, "CACHE_URL": cache_url, "CACHE_PREFIX": prefix,
                      "REFRESH_INTERVAL_S": INTERVAL, "LEASE_TTL_S": LEASE_TTL,
                      "SCHEDULER_ENABLED": True})
    service = wiring.start(app.server)
    started.append(service)
    return service


def test_disabled_scheduler_does_not_start(seeded: str) -> None:
    app = create_app({"DATABASE_URL": seeded, "SCHEDULER_ENABLED": False})
    assert wiring.start(app.server) is None


def test_job_options_and_first_refresh(seeded: str, services: list) -> None:
    service = _start(seeded, "simple://", "t:", services)
    job = service.scheduler.get_job(wiring.JOB_ID)
    assert job.max_instances == 1 and job.coalesce is True
    assert job.misfire_grace_time >= 1
    assert job.trigger.interval.total_seconds() == INTERVAL
    # 0.8 s here alone; stop 33's CI box needed more than 10 s once
    _wait(lambda: store.current_snapshot(service.refresher.cache) is not None, 30)
    assert service.leading  # database lease: simple:// has no Redis


def test_standby_takes_over_within_two_intervals(seeded: str, redis_prefix,  # noqa: F811
                                                 services: list) -> None:
    # `services` after `redis_prefix`: the schedulers stop before the keys are removed
    _client, prefix = redis_prefix
    first = _start(seeded, REDIS_URL, prefix, services)
    _wait(lambda: first.leading, 5)
    second = _start(seeded, REDIS_URL, prefix, services)
    time.sleep(3 * INTERVAL)
    assert first.leading and not second.leading  # exactly one refresher
    first.halt()  # the leader dies without releasing its lease
    services.remove(first)
    # the standby takes the lease once it runs out: within TTL + one heartbeat (TTL/4), which
    # these settings fit into two intervals; how long it took on this machine is not asserted
    # (no timing assertions: under the suite's load a heartbeat may be late)
    assert LEASE_TTL + LEASE_TTL / 4 <= 2 * INTERVAL
    _wait(lambda: second.leading, 10)
    handover = time.time() - 1  # checked_at has whole seconds

    def refreshed_by_second() -> bool:
        state = store.read_state(second.refresher.cache)
        checked = state.checked_at if state else None
        return bool(checked) and dt.datetime.fromisoformat(checked).timestamp() >= handover

    _wait(refreshed_by_second, 20)
    assert store.current_snapshot(second.refresher.cache)["court"]["code"] == "内0221"


def test_failing_refreshes_never_stop_the_scheduler(seeded: str, services: list) -> None:
    service = _start(seeded, "simple://", "t:", services)
    _wait(lambda: store.current_snapshot(service.refresher.cache) is not None, 10)
    calls = {"n": 0}

    def broken(*_a, **_k) -> dict:
        calls["n"] += 1
        raise RuntimeError("统计查询超时")

    service.refresher.build = broken
    service.refresher.cache.clear()  # force a recompute on every tick
    _wait(lambda: calls["n"] >= 3, 10)
    assert service.scheduler.running
    state = store.read_state(service.refresher.cache)
    assert state.status == "error" and state.last_error == "RuntimeError: 统计查询超时"
