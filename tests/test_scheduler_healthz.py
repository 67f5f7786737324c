"""/healthz and the shell's banner read freshness from the cache alone."""
from __future__ import annotations

import datetime as dt

import pytest
from dash import no_update
from dash.exceptions import PreventUpdate

from callbacks.shell import poll_version
from dashboard.app import create_app
from db.snapshot import store
from db.snapshot.store import RefreshState, iso

KEYS = {"status", "snapshot_version", "as_of", "computed_at", "age_s", "last_error",
        "computing_since", "refreshing", "last_duration_ms", "sync", "refresh_interval_s",
        "slow_refresh"}


@pytest.fixture
def app():
    return create_app({"DATABASE_URL": "sqlite://", "CACHE_URL": "simple://",
                       "REFRESH_INTERVAL_S": 2, "TIMEZONE": "Asia/Shanghai"})


def _state(app, age_s: float, **kw) -> RefreshState:
    now = dt.datetime.now(dt.UTC)
    state = RefreshState(version=3, checked_at=iso(now - dt.timedelta(seconds=age_s)),
                         computed_at=iso(now), as_of="2026-11-20T01:00:00+00:00", **kw)
    store.write_state(app.server.extensions["dashboard"].extras["cache"], state)
    return state


def test_healthz_fresh_stale_and_failed(app) -> None:
    client = app.server.test_client()
    reply = client.get("/healthz")
    assert reply.status_code == 503 and set(reply.json) == KEYS
    assert reply.json["snapshot_version"] is None
    _state(app, 1)
    reply = client.get("/healthz")
    assert reply.status_code == 200 and reply.json["status"] == "ok"
    assert reply.json["snapshot_version"] == 3 and reply.json["as_of"].startswith("2026-11-20")
    _state(app, 7)  # older than three intervals of 2 s
    assert client.get("/healthz").status_code == 503
    _state(app, 1, status="error", last_error="OperationalError: 连接被拒绝")
    reply = client.get("/healthz")
    assert reply.status_code == 503 and reply.json["last_error"] == "OperationalError: 连接被拒绝"


def test_banner_appears_and_clears_by_itself(app) -> None:
    with app.server.test_request_context():
        _state(app, 1)
        version, banner, hidden, css = poll_version(1, None, None, "shell")
        assert (version, banner, hidden, css) == (3, no_update, no_update, no_update)
        with pytest.raises(PreventUpdate):  # nothing changed: nothing is sent
            poll_version(2, 3, None, "shell")
        state = _state(app, 1, status="error", last_error="boom")
        version, banner, hidden, css = poll_version(3, 3, None, "shell")
        last_good = dt.datetime.fromisoformat(state.checked_at).astimezone(
            dt.timezone(dt.timedelta(hours=8)))
        assert version is no_update and hidden is False and css == "shell stale"
        assert banner == f"数据已过期：最后成功更新于 {last_good:%H:%M:%S}"
        _state(app, 0)
        assert poll_version(4, 3, banner, "shell stale")[1:] == ("", True, "shell")


def test_a_long_refresh_in_progress_is_not_stale(app) -> None:
    """Computing within twice the last duration keeps the data fresh; beyond it, stale."""
    client = app.server.test_client()
    now = dt.datetime.now(dt.UTC)
    started = iso(now - dt.timedelta(seconds=10))
    _state(app, 12, duration_ms=30_000, computing_since=started)  # allowance 60 s
    reply = client.get("/healthz")
    assert reply.status_code == 200 and reply.json["refreshing"] is True
    assert reply.json["computing_since"] == started and reply.json["last_duration_ms"] == 30_000
    with app.server.test_request_context():
        with pytest.raises(PreventUpdate):  # no banner while it computes on time
            poll_version(1, 3, None, "shell")
    _state(app, 70, duration_ms=30_000, computing_since=iso(now - dt.timedelta(seconds=61)))
    reply = client.get("/healthz")  # running longer than expected: stale
    assert reply.status_code == 503 and reply.json["refreshing"] is False
    _state(app, 12, duration_ms=None, computing_since=iso(now - dt.timedelta(seconds=7)))
    assert client.get("/healthz").status_code == 503  # unknown duration: three intervals
    _state(app, 67, duration_ms=30_000, computing_since=iso(now - dt.timedelta(seconds=5)))
    assert client.get("/healthz").status_code == 503  # data too old even for a new attempt
    _state(app, 1, duration_ms=30_000, computing_since=started, status="error", last_error="x")
    assert client.get("/healthz").status_code == 503  # a failure is never hidden
