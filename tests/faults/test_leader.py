"""Leader killed, leader hung, leader busy: exactly one refresher, takeover within two intervals.

The lease lives in the real Redis (as in a production deployment); the hung leader reaches
PostgreSQL through the fault proxy while its standby reaches it directly.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from dashboard import scheduler as wiring
from dashboard.app import create_app
from db.snapshot import store
from tests.faults.conftest import FAST, LOAD_SLACK, Proxied, wait_for
from tests.redis_backend import REDIS_URL, redis_prefix  # noqa: F401 (fixture)

INTERVAL = FAST["REFRESH_INTERVAL_S"]
TTL = FAST["LEASE_TTL_S"]


@pytest.fixture
def start(redis_prefix) -> Iterator[Any]:  # noqa: F811
    _client, prefix = redis_prefix
    started: list = []

    def _start(url: str, **overrides: Any) -> wiring.RefreshService:
        app = create_app({"DATABASE_URL": url, "CACHE_URL": REDIS_URL, "CACHE_PREFIX": prefix,
                          "SCHEDULER_ENABLED": True, **FAST, **overrides})
        service = wiring.start(app.server)
        started.append((service, app))
        return service

    yield _start
    for service, app in started:
        service.stop()
        app.server.extensions["dashboard"].engine.dispose()


def _state(service: wiring.RefreshService) -> store.RefreshState:
    return store.read_state(service.refresher.cache) or store.RefreshState()


def test_leader_killed(proxied_pg: Proxied, start: Any, fault_timings: dict[str, float]) -> None:
    first = start(proxied_pg.direct_url)
    wait_for(lambda: first.leading and _state(first).version, 20, "first leader's snapshot")
    second = start(proxied_pg.direct_url)
    time.sleep(2 * TTL)
    assert first.leading and not second.leading
    first.halt()  # killed: the lease is not released
    took = wait_for(lambda: second.leading, 10, "takeover")
    fault_timings["leader killed: standby takes over"] = took
    assert took <= TTL + TTL / 4 + 0.5 + LOAD_SLACK
    before = _state(second).version
    back = time.time()
    wait_for(lambda: (store.parse_iso(_state(second).checked_at).timestamp() >= back - 1),
             2 * INTERVAL + 1 + LOAD_SLACK, "refresh by the new leader")
    assert _state(second).version >= before  # nothing lost


def test_leader_hung(proxied_pg: Proxied, start: Any, fault_timings: dict[str, float]) -> None:
    """The leader's database stops answering: its refresh passes the deadline and is abandoned,
    the failure shows in /healthz, its lease lapses and the standby takes over."""
    deadline = 3
    hung = start(proxied_pg.url, REFRESH_DEADLINE_S=deadline, DB_STATEMENT_TIMEOUT_S=30)
    wait_for(lambda: hung.leading and _state(hung).version, 20, "first snapshot")
    standby = start(proxied_pg.direct_url, REFRESH_DEADLINE_S=deadline)
    time.sleep(TTL)
    assert hung.leading and not standby.leading
    recorded: list[str] = []
    record = hung._record

    def spy(change: Any) -> None:  # what the hung leader writes into /healthz's state
        recorded.append(change(store.RefreshState()).last_error or "")
        record(change)

    hung._record = spy  # type: ignore[method-assign]
    proxied_pg.proxy.set_mode("hang")
    began = time.monotonic()
    wait_for(lambda: standby.leading, deadline + INTERVAL + 2 * TTL + 2 + LOAD_SLACK,
             "takeover from a hung leader")
    took = time.monotonic() - began
    fault_timings["leader hung: standby takes over (deadline 3 s)"] = took
    assert took <= deadline + 2 * INTERVAL + TTL / 4 + 1 + LOAD_SLACK
    assert not hung.leading
    assert any(e.startswith("RefreshDeadline: 刷新超过 3 秒未完成") for e in recorded), recorded
    app = create_app({"DATABASE_URL": proxied_pg.direct_url, "CACHE_URL": REDIS_URL,
                      "CACHE_PREFIX": standby.refresher.cache.config["CACHE_KEY_PREFIX"], **FAST})
    back = time.time()
    wait_for(lambda: app.server.test_client().get("/healthz").get_json()["status"] == "ok"
             and store.parse_iso(_state(standby).checked_at).timestamp() >= back - 1,
             2 * INTERVAL + 2 + LOAD_SLACK, "the standby refreshes")
    proxied_pg.proxy.set_mode("pass")


def test_busy_leader_keeps_its_lease(proxied_pg: Proxied, start: Any) -> None:
    """A CPU-heavy refresh (3 TTLs of pure Python) does not starve the heartbeat."""
    first = start(proxied_pg.direct_url)
    wait_for(lambda: first.leading and _state(first).version, 20, "first snapshot")
    second = start(proxied_pg.direct_url)
    original = first.refresher.run

    def busy() -> str:
        end = time.monotonic() + 3 * TTL
        while time.monotonic() < end:
            sum(i * i for i in range(2000))
        return original()

    first.refresher.run = busy  # type: ignore[method-assign]
    end = time.monotonic() + 3 * TTL + 1
    while time.monotonic() < end:
        assert first.leading and not second.leading
        time.sleep(0.05)
