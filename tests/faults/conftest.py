"""Fault-injection fixtures: a seeded database on PostgreSQL or MariaDB behind a FaultProxy.

The product is pointed at the proxy (never at the shared server), the test switches the proxy
between pass / refuse / drop / hang. Intervals and timeouts are short so the whole suite stays
within about two minutes; every wait in these tests is bounded.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from db import migrate
from db.session import make_engine, make_session_factory, session_scope
from tests.backends import server_database
from tests.db.snapshot_data import seed
from tests.faults.proxy import FaultProxy

# short, so outages are noticed and recovered from within seconds
FAST: dict[str, Any] = {
    "REFRESH_INTERVAL_S": 1, "LEASE_TTL_S": 2, "DB_CONNECT_TIMEOUT_S": 2,
    "DB_STATEMENT_TIMEOUT_S": 2, "DB_POOL_TIMEOUT_S": 1, "CACHE_TIMEOUT_S": 1,
    "REFRESH_DEADLINE_S": 20, "AUTH_RECHECK_S": 1, "TIMEZONE": "Asia/Shanghai",
}
# What a bound in these tests allows on top of the product's own intervals: the suite runs on a
# two-core CI machine beside browsers and three databases, where a refresh or a thread switch can
# lag by seconds. The bounds still tell a recovery from a hang (a hung request waits for its
# statement timeout or forever); the measured times are printed in the 故障注入计时 table.
LOAD_SLACK = 5.0


@dataclass
class Proxied:
    backend: str
    direct_url: str  # the real server (the test's own checks)
    url: str  # through the proxy (the product)
    proxy: FaultProxy


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> float:
    """Poll `condition` until truthy; return the seconds it took; fail after `timeout`."""
    start = time.monotonic()
    while True:
        try:
            if condition():
                return time.monotonic() - start
        except Exception:  # noqa: BLE001 - not yet
            pass
        if time.monotonic() - start > timeout:
            pytest.fail(f"{what}: not within {timeout} s")
        time.sleep(0.05)


TIMINGS: dict[str, float] = {}


@pytest.fixture
def fault_timings(request: pytest.FixtureRequest) -> Iterator[dict[str, float]]:
    """Measured takeover and recovery times; printed at the end of the run (docs/faults.md)."""
    found: dict[str, float] = {}
    yield found
    for what, seconds in found.items():
        TIMINGS[f"{request.node.callspec.id if hasattr(request.node, 'callspec') else ''} {what}".strip()] = seconds


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if TIMINGS:
        terminalreporter.section("故障注入计时 (tests/faults)")
        for what, seconds in sorted(TIMINGS.items()):
            terminalreporter.write_line(f"{seconds:7.2f} s  {what}")


@pytest.fixture(scope="session")
def seeded_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One migrated, seeded database per server backend for the run (made on first use)."""
    tmp = str(tmp_path_factory.mktemp("faults"))
    stack: list = []

    class _Lazy(dict):
        def __missing__(self, backend: str) -> str:
            ctx = server_database(backend, tmp)
            url = ctx.__enter__()
            stack.append(ctx)
            migrate.upgrade(url)
            engine = make_engine(url)
            with session_scope(make_session_factory(engine)) as session:
                seed(session)
            engine.dispose()
            self[backend] = url
            return url

    yield _Lazy()
    for ctx in reversed(stack):
        ctx.__exit__(None, None, None)


def _proxied(backend: str, databases: dict[str, str]) -> Iterator[Proxied]:
    url = databases[backend]
    parsed = make_url(url)
    proxy = FaultProxy(parsed.host or "127.0.0.1", parsed.port or (5432 if backend == "postgresql" else 3306))
    port_part = f"{parsed.host}:{parsed.port}" if parsed.port else f"{parsed.host}"
    through = url.replace(f"@{port_part}/", f"@127.0.0.1:{proxy.port}/", 1)
    try:
        yield Proxied(backend, url, through, proxy)
    finally:
        proxy.close()


@pytest.fixture(params=["postgresql", "mariadb"])
def proxied(request: pytest.FixtureRequest, seeded_databases: dict[str, str]) -> Iterator[Proxied]:
    yield from _proxied(request.param, seeded_databases)


@pytest.fixture
def proxied_pg(seeded_databases: dict[str, str]) -> Iterator[Proxied]:
    yield from _proxied("postgresql", seeded_databases)
