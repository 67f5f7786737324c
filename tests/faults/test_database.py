"""Database stopped and database hung, on PostgreSQL and MariaDB behind the fault proxy.

Each test: no 500 and no traceback on any page, the stale notice 「数据库暂不可用，显示 HH:MM 的数据」
where the database was needed, sign-in saying it cannot check passwords, /healthz answering from
the cache at once, nothing lost, and recovery without a restart within two refresh intervals.
"""
from __future__ import annotations

import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from dashboard import scheduler as wiring
from dashboard.app import create_app
from db.snapshot import store
from tests.auth_helpers import login, make_user
from tests.faults.conftest import FAST, LOAD_SLACK, Proxied, wait_for

NOTICE = re.compile(r"数据库暂不可用，显示 \d\d:\d\d 的数据")
SIGN_IN_DOWN = "现在无法核对密码"
# pages of every kind; the officer and case pages read the database when they are opened
PAGES = ("/", "/analysis", "/team/1", "/officer/1", "/cases", "/case/1", "/admin/users",
         "/admin/audit", "/wall", "/healthz", "/login")
POLL = {"output": "..shell-snapshot-version.data...shell-stale-banner.children..."
                  "shell-stale-banner.hidden...shell-root.className..",
        "outputs": [{"id": "shell-snapshot-version", "property": "data"},
                    {"id": "shell-stale-banner", "property": "children"},
                    {"id": "shell-stale-banner", "property": "hidden"},
                    {"id": "shell-root", "property": "className"}],
        "inputs": [{"id": "shell-poll", "property": "n_intervals", "value": 1}],
        "changedPropIds": ["shell-poll.n_intervals"],
        "state": [{"id": "shell-snapshot-version", "property": "data", "value": None},
                  {"id": "shell-stale-banner", "property": "children", "value": ""},
                  {"id": "shell-root", "property": "className", "value": "shell"}]}


@pytest.fixture
def live(proxied: Proxied) -> Iterator[dict[str, Any]]:
    """The app on the proxied database with its refresher running and a first snapshot."""
    app = create_app({"DATABASE_URL": proxied.url, "CACHE_URL": "simple://",
                      "SCHEDULER_ENABLED": True, **FAST})
    service = wiring.start(app.server)
    cache = app.server.extensions["dashboard"].extras["cache"]
    wait_for(lambda: store.current_snapshot(cache), 20, "first snapshot")
    user = make_user(proxied.direct_url, "admin")
    yield {"app": app, "service": service, "cache": cache, "user": user, "proxy": proxied.proxy}
    service.stop()
    app.server.extensions["dashboard"].engine.dispose()


def _no_error_page(reply: Any) -> str:
    body = reply.get_data(as_text=True)
    assert reply.status_code < 500 or reply.status_code == 503, (reply.request.path, reply.status_code)
    assert "Traceback" not in body and "Internal Server Error" not in body
    return body


def _banner(client: Any) -> str:
    reply = client.post("/_dash-update-component", json=POLL)
    if reply.status_code == 204:
        return ""
    _no_error_page(reply)
    return str(reply.get_json()["response"].get("shell-stale-banner", {}).get("children") or "")


def _healthz_ok(client: Any, after: float) -> bool:
    """/healthz is ok with a snapshot confirmed after `after` (checked_at has whole seconds)."""
    body = client.get("/healthz").get_json()
    return body["status"] == "ok" and body["age_s"] is not None and body["age_s"] <= time.time() - after + 1


def _outage_checks(live: dict[str, Any], timings: dict[str, float], what: str) -> None:
    app, user = live["app"], live["user"]
    client = app.server.test_client()
    # signed in before any fault: on a fresh-clone run (7 December) MariaDB once kept the first
    # sign-in waiting past the 2 s statement limit with the proxy still passing everything; the
    # product answered it as an outage (503, tested below) — here it is only the precondition
    wait_for(lambda: login(client, user.username).status_code == 302, 20, "signed in")
    before = store.read_state(live["cache"]).version
    live["proxy"].set_mode(what)
    # a hung database costs each request up to its timeouts: a few pages are enough there
    for path in PAGES if what == "refuse" else ("/", "/wall", "/healthz", "/login"):
        _no_error_page(client.get(path))
    officer = client.get("/officer/1")  # needs the database: the notice with the snapshot's time
    assert officer.status_code == 503 and NOTICE.search(_no_error_page(officer))
    assert wait_for(lambda: NOTICE.search(_banner(client)), 10, "banner on every open page") >= 0
    started = time.monotonic()  # known down: a request needing the database fails fast
    assert client.get("/officer/1").status_code == 503
    timings[f"{what}: a desk request once the outage is known"] = fast = time.monotonic() - started
    assert fast < 1.0, fast
    stranger = app.server.test_client()
    reply = login(stranger, user.username)
    assert reply.status_code == 503 and SIGN_IN_DOWN in _no_error_page(reply)
    token = app.server.test_client().get("/wall/token/not-a-real-token")
    assert token.status_code == 503 and NOTICE.search(_no_error_page(token))
    # /healthz reads the cache only: milliseconds, even with desk requests stuck on the database
    with ThreadPoolExecutor(6) as pool:
        stuck = [pool.submit(app.server.test_client().get, "/officer/1") for _ in range(6)]
        started = time.monotonic()
        health = client.get("/healthz")
        timings[f"{what}: /healthz while desk requests wait"] = time.monotonic() - started
        assert health.status_code in (200, 503) and time.monotonic() - started < 2
        for future in stuck:
            _no_error_page(future.result(timeout=30))
    wait_for(lambda: client.get("/healthz").get_json()["last_error"], 15, "failure in /healthz")
    assert store.read_state(live["cache"]).version == before  # the last good snapshot stays

    # back: everything recovers without a restart
    live["proxy"].set_mode("pass")
    back = time.time()
    took = wait_for(lambda: _healthz_ok(client, back) and client.get("/officer/1").status_code == 200
                    and not _banner(client), 10 + LOAD_SLACK, "recovery")
    timings[f"{what}: recovery after the database is back"] = took
    interval = FAST["REFRESH_INTERVAL_S"]
    # two intervals, plus what a request caught mid-way may still wait: a reconnect (stopped) or
    # its statement timeout (hung)
    slack = 1 if what == "refuse" else FAST["DB_STATEMENT_TIMEOUT_S"]
    assert took <= 2 * interval + slack + LOAD_SLACK, took
    assert login(app.server.test_client(), user.username).status_code == 302
    assert store.current_snapshot(live["cache"])["court"]["code"] == "内0221"  # nothing lost
    assert store.read_state(live["cache"]).version >= before


def test_database_stopped(live: dict[str, Any], fault_timings: dict[str, float]) -> None:
    _outage_checks(live, fault_timings, "refuse")


def test_database_hung(live: dict[str, Any], fault_timings: dict[str, float]) -> None:
    _outage_checks(live, fault_timings, "hang")


def test_dropped_connections_are_replaced(live: dict[str, Any]) -> None:
    """Connections cut under the pool (a restarted server): the next request opens new ones."""
    client = live["app"].server.test_client()
    assert login(client, live["user"].username).status_code == 302
    assert client.get("/officer/1").status_code == 200
    live["proxy"].set_mode("drop")
    _no_error_page(client.get("/officer/1"))
    live["proxy"].set_mode("pass")
    wait_for(lambda: client.get("/officer/1").status_code == 200, 5, "new connections")


def test_hung_statement_is_cut_client_side(proxied: Proxied) -> None:
    """A statement on a connection that stops answering ends after DB_STATEMENT_TIMEOUT_S."""
    from sqlalchemy import text

    from db.session import make_engine
    from db.timeouts import DatabaseTimeout, Timeouts

    engine = make_engine(proxied.url, Timeouts(connect_s=2, statement_s=1, pool_s=1))
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            proxied.proxy.set_mode("hang")
            started = time.monotonic()
            with pytest.raises(DatabaseTimeout, match="1 秒内没有响应"):
                conn.execute(text("SELECT 2"))
            assert time.monotonic() - started < 3
        proxied.proxy.set_mode("pass")
        with engine.connect() as conn:  # the cut connection was discarded, a new one works
            assert conn.execute(text("SELECT 3")).scalar() == 3
    finally:
        engine.dispose()


def test_sqlite_statement_is_interrupted(tmp_path) -> None:  # noqa: ANN001
    """SQLite (no socket to hang): a statement past DB_STATEMENT_TIMEOUT_S is interrupted."""
    from sqlalchemy import text

    from db.session import make_engine
    from db.timeouts import DatabaseTimeout, Timeouts

    engine = make_engine(f"sqlite:///{tmp_path}/slow.db", Timeouts(connect_s=2, statement_s=1, pool_s=1))
    endless = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
               "SELECT count(*) FROM n")
    try:
        with engine.connect() as conn:
            started = time.monotonic()
            with pytest.raises(DatabaseTimeout):
                conn.execute(text(endless))
            assert time.monotonic() - started < 3
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


def test_a_process_that_only_serves_polls_notices_the_recovery(proxied: Proxied) -> None:
    """No refresher, no desk request: the banner still clears once the database is back."""
    app = create_app({"DATABASE_URL": proxied.url, "CACHE_URL": "simple://", "SCHEDULER_ENABLED": False,
                      **FAST})
    user = make_user(proxied.direct_url, "admin")
    client = app.server.test_client()
    try:
        assert login(client, user.username).status_code == 302
        proxied.proxy.set_mode("refuse")
        assert client.get("/officer/1").status_code == 503
        assert "数据库暂不可用" in _banner(client)
        proxied.proxy.set_mode("pass")
        # (no refresher here, so the banner then says the data is not ready yet)
        wait_for(lambda: "数据库暂不可用" not in _banner(client),
                 2 * FAST["REFRESH_INTERVAL_S"] + 1 + LOAD_SLACK, "outage notice cleared by the probe")
    finally:
        app.server.extensions["dashboard"].engine.dispose()
