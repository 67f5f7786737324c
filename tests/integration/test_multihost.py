"""The multi-host topology on one machine, with separate processes (docs/install.md 多机部署).

Two gunicorn instances (web only, one worker each, no refresher) on two ports behind one address
(the round-robin proxy of tests/integration/balancer.py, standing in for the load balancer), one
`python -m dashboard scheduler`, a throw-away PostgreSQL database as the primary, Redis (its own
db number and key prefix) as the shared cache and lease. The scheduler's refresher reads through
DASHBOARD_READ_DATABASE_URL: the same database over a fault proxy, with
`default_transaction_read_only=on` (the stand-in for a streaming replica).

Asserts: both instances serve the same snapshot version through the one address; a case changed
on the primary reaches both within the refresh interval plus slack; the read URL refuses writes,
and with it unreachable the refresh fails while the primary and the pages are fine (so the
build reads there and only there), and recovers when it is back; killing one instance leaves
the address serving (the proxy skips the dead backend).
"""
from __future__ import annotations

import http.client
import os
import secrets
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError

from db.models import Case, DataState
from db.session import (
    DATA_KEY,
    bump_data_version,
    make_engine,
    make_session_factory,
    session_scope,
)
from db.snapshot.store import iso
from tests.backends import unavailable
from tests.faults.proxy import FaultProxy
from tests.integration.balancer import RoundRobinProxy
from tests.integration.test_deployment import (
    BIN,
    ROOT,
    Deployment,
    free_port,
    get,
    wait_until,
)
from tests.redis_backend import REDIS_URL

INTERVAL = 1  # DASHBOARD_REFRESH_INTERVAL_S
SLACK = 10.0  # a refresh of the small test court, plus polling, on a shared 2-core machine
REDIS_DB = int(os.environ.get("TEST_MULTIHOST_REDIS_DB", "13"))  # this test's own Redis db
READ_ONLY = "options=-c%20default_transaction_read_only%3Don&application_name=dashboard-replica"


def redis_url(db: int) -> str:
    parts = urlsplit(REDIS_URL)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


@pytest.fixture
def cache() -> Iterator[tuple[str, str]]:
    """(CACHE_URL on this test's Redis db, a key prefix of its own); keys removed afterwards."""
    import redis

    url, prefix = redis_url(REDIS_DB), f"multihost-{uuid.uuid4().hex[:10]}:"
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"Redis at {url}: {exc}")
    yield url, prefix
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


class Topology:
    """The processes and the two proxies of one multi-host deployment on this machine."""

    def __init__(self, dep: Deployment, ports: list[int], balancer: RoundRobinProxy,
                 replica: FaultProxy, read_url: str, primary: Engine) -> None:
        self.dep, self.ports, self.balancer, self.replica = dep, ports, balancer, replica
        self.read_url, self.primary = read_url, primary

    def web(self, index: int) -> None:
        self.dep.spawn(f"web-{index}", [str(BIN / "gunicorn"), "-c", "config/gunicorn.conf.py",
                                        "-b", f"127.0.0.1:{self.ports[index]}", "dashboard.wsgi:server"])

    def health(self) -> tuple[int, dict[str, Any], dict[str, str]]:
        """/healthz through the one address (a fresh connection: the next instance in turn)."""
        return get(f"{self.balancer.url}/healthz")

    def by_instance(self, want: int = 2, timeout: float = 60) -> dict[str, dict[str, Any]]:
        """/healthz bodies by answering worker pid, until `want` instances have answered."""
        seen: dict[str, dict[str, Any]] = {}
        deadline = time.monotonic() + timeout
        while len(seen) < want and time.monotonic() < deadline:
            status, body, headers = self.health()
            if status in (200, 503):
                seen[headers["X-Worker-Pid"]] = body
            else:
                time.sleep(0.2)
        return seen

    def change_a_case(self) -> str:
        """Change one case on the primary as a writer does; return the new data as_of (ISO)."""
        sessions = make_session_factory(self.primary)
        with session_scope(sessions) as session:
            session.execute(update(Case).where(Case.id == select(Case.id).order_by(Case.id)
                                               .limit(1).scalar_subquery())
                            .values(cause=f"借款合同纠纷 {uuid.uuid4().hex[:6]}"))
            bump_data_version(session)
        with session_scope(sessions) as session:
            changed = session.scalar(select(DataState.changed_at).where(DataState.key == DATA_KEY))
        return str(iso(changed))


@pytest.fixture
def topology(pg_url: str, cache: tuple[str, str], tmp_path: Path) -> Iterator[Topology]:
    primary = pg_url
    cache_url, prefix = cache
    parsed = make_url(primary)
    replica = FaultProxy(parsed.host or "127.0.0.1", parsed.port or 5432)
    read_url = f"{replica.url_for(primary)}?{READ_ONLY}"
    ports = [free_port(), free_port()]
    balancer = RoundRobinProxy([("127.0.0.1", port) for port in ports])
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("DASHBOARD_")},
           # every process gets the same settings, as from one environment file
           "DASHBOARD_DATABASE_URL": primary, "DASHBOARD_READ_DATABASE_URL": read_url,
           "DASHBOARD_CACHE_URL": cache_url, "DASHBOARD_CACHE_PREFIX": prefix,
           "DASHBOARD_REFRESH_INTERVAL_S": str(INTERVAL), "DASHBOARD_POLL_INTERVAL_S": str(INTERVAL),
           "DASHBOARD_DB_CONNECT_TIMEOUT_S": "2", "DASHBOARD_DB_STATEMENT_TIMEOUT_S": "10",
           "DASHBOARD_SIMULATE": "0", "DASHBOARD_ENV": "production", "DASHBOARD_COOKIE_SECURE": "0",
           "DASHBOARD_SECRET_KEY": secrets.token_urlsafe(48), "PYTHONPATH": str(ROOT),
           "WEB_CONCURRENCY": "1"}  # one worker per instance: the two instances are the point
    dep = Deployment(env, balancer.port, tmp_path)
    engine = make_engine(primary)
    topo = Topology(dep, ports, balancer, replica, read_url, engine)
    try:
        topo.web(0)
        topo.web(1)
        dep.scheduler("scheduler")
        wait_until(lambda: topo.health()[0] == 200, 120, "first fresh snapshot through the one address")
        yield topo
    finally:
        dep.stop_all()
        balancer.close()
        replica.close()
        engine.dispose()
        for log in sorted(tmp_path.glob("*.log")):
            print(f"== {log.name}\n{log.read_text(errors='replace')[-3000:]}")


def raw(base_port: int, path: str, cookie: str = "") -> tuple[int, dict[str, str]]:
    """GET without following redirects, on a fresh connection; (status, headers)."""
    conn = http.client.HTTPConnection("127.0.0.1", base_port, timeout=10)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        reply = conn.getresponse()
        reply.read()
        return reply.status, dict(reply.getheaders())
    finally:
        conn.close()


def wall_cookie(topo: Topology) -> str:
    """Sign a wall screen in through the one address with a new wall token; its session cookie."""
    from db.auth.wall_tokens import issue_wall_token

    with session_scope(make_session_factory(topo.primary)) as session:
        token = issue_wall_token(session, "多机测试大屏", None)[1]
    status, headers = raw(topo.balancer.port, f"/wall/token/{token}")
    assert status in (302, 303) and "Set-Cookie" in headers, (status, headers)
    return headers["Set-Cookie"].split(";", 1)[0]


def refuses(port: int) -> bool:
    """Nothing accepts on `port` any more (a killed worker's queued connections are gone too)."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def _both_show(topo: Topology, as_of: str) -> bool:
    seen = topo.by_instance(timeout=10)
    return len(seen) == 2 and all(body["status"] == "ok" and body["as_of"] == as_of
                                  for body in seen.values())


@pytest.mark.slow
def test_two_instances_one_address_one_refresher_on_the_read_url(topology: Topology) -> None:
    topo = topology
    # both instances answer the one address, with the same snapshot (the shared Redis)
    seen = topo.by_instance()
    assert len(seen) == 2, f"only one instance answered: {seen}"
    versions = {body["snapshot_version"] for body in seen.values()}
    assert len(versions) == 1 and None not in versions, seen
    assert set(topo.balancer.chosen) == {0, 1}
    pings = [get(f"{topo.balancer.url}/ping")[1]["snapshot"]["snapshot_version"] for _ in range(4)]
    assert set(pings) == versions
    # web only: neither instance started a refresher; the scheduler did
    for name in ("web-0", "web-1"):
        assert "定时刷新已启动" not in (topo.dep.logs / f"{name}.log").read_text(errors="replace")
    assert "定时刷新已启动" in (topo.dep.logs / "scheduler.log").read_text(errors="replace")

    # a session begun on one instance is honoured by the other (no sticky sessions needed)
    assert raw(topo.balancer.port, "/wall")[0] in (302, 303)  # signed out: to /login
    cookie = wall_cookie(topo)
    before_chosen = dict(topo.balancer.chosen)
    assert [raw(topo.balancer.port, "/wall", cookie)[0] for _ in range(2)] == [200, 200]
    assert all(topo.balancer.chosen[i] == before_chosen.get(i, 0) + 1 for i in (0, 1))

    # a case changed on the primary reaches both instances within the interval plus slack
    before = versions.pop()
    as_of = topo.change_a_case()
    took = wait_until(lambda: _both_show(topo, as_of), INTERVAL + SLACK, "the change on both instances")
    print(f"change on the primary → both instances: {took:.2f} s (interval {INTERVAL} s)")
    after = {body["snapshot_version"] for body in topo.by_instance().values()}
    assert len(after) == 1 and after.pop() > before

    # the refresher keeps a pooled connection on the read URL (nothing else connects there) …
    assert topo.replica.open_connections >= 1
    # … which is read-only: a write on it fails, and the refresher never tried one
    read = make_engine(topo.read_url)
    try:
        with pytest.raises(DBAPIError, match="read-only transaction"), read.begin() as conn:
            conn.execute(text("UPDATE data_state SET version = version + 1"))
    finally:
        read.dispose()
    log = (topo.dep.logs / "scheduler.log").read_text(errors="replace")
    assert "read-only transaction" not in log and "ReadOnlySqlTransaction" not in log

    # … and the build reads only there: with the read URL down and the primary up, the
    # refresh fails (recorded for /healthz) and the change waits; pages and sign-in still work
    version = topo.health()[1]["snapshot_version"]
    topo.replica.set_mode("refuse")
    try:
        as_of = topo.change_a_case()
        wait_until(lambda: topo.health()[1]["last_error"], INTERVAL + SLACK, "the refresh failing")
        status, body, _ = topo.health()
        assert status == 503 and body["snapshot_version"] == version and body["as_of"] != as_of
        assert get(f"{topo.balancer.url}/ping")[0] == 200
        with topo.primary.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        topo.replica.set_mode("pass")
    took = wait_until(lambda: _both_show(topo, as_of), INTERVAL + SLACK, "recovery on both instances")
    print(f"read URL back → the waiting change on both instances: {took:.2f} s")

    # one instance dies: the address keeps serving from the other
    topo.dep.kill("web-1")
    wait_until(lambda: refuses(topo.ports[1]), 10, "the killed instance's port closed")
    answers = [topo.health() for _ in range(10)]
    assert all(status == 200 for status, _body, _headers in answers), answers
    assert len({headers["X-Worker-Pid"] for _s, _b, headers in answers}) == 1
    assert topo.balancer.skipped[1] >= 1  # the dead backend was tried and skipped
    as_of = topo.change_a_case()
    wait_until(lambda: topo.health()[1]["as_of"] == as_of, INTERVAL + SLACK,
               "a change after the kill on the surviving instance")


def test_the_balancer_skips_a_refusing_backend() -> None:
    """The helper itself: round robin over live backends; a dead one is skipped, not fatal."""
    live = socket.socket()
    live.bind(("127.0.0.1", 0))
    live.listen(8)
    live.settimeout(5)
    dead = free_port()  # nothing listens there
    balancer = RoundRobinProxy([("127.0.0.1", dead), ("127.0.0.1", live.getsockname()[1])])
    try:
        for _ in range(4):
            with socket.create_connection(("127.0.0.1", balancer.port), timeout=2):
                live.accept()[0].close()
        wait_until(lambda: balancer.chosen == {1: 4}, 5, "four connections to the live backend")
        assert balancer.skipped[0] == 2  # every other turn was the dead one's
    finally:
        balancer.close()
        live.close()
