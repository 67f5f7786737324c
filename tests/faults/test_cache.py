"""Redis stopped (through the fault proxy): pages keep the last snapshot, the banner says what is
wrong, the log says it once per change, and everything returns when Redis is back."""
from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

import pytest

from dashboard import scheduler as wiring
from dashboard.app import create_app
from dashboard.cache import CACHE_DOWN
from db.snapshot import store
from tests.auth_helpers import login, make_user
from tests.faults.conftest import FAST, Proxied, wait_for
from tests.faults.proxy import FaultProxy
from tests.faults.test_database import _banner, _no_error_page
from tests.redis_backend import REDIS_URL, redis_prefix  # noqa: F401 (fixture)


def test_redis_stopped(proxied_pg: Proxied, redis_prefix, caplog: pytest.LogCaptureFixture,  # noqa: F811
                       fault_timings: dict[str, float]) -> None:
    _client, prefix = redis_prefix
    target = urlsplit(REDIS_URL)
    proxy = FaultProxy(target.hostname or "127.0.0.1", target.port or 6379)
    app = create_app({"DATABASE_URL": proxied_pg.direct_url, "CACHE_URL": proxy.url_for(REDIS_URL),
                      "CACHE_PREFIX": prefix, "SCHEDULER_ENABLED": True, **FAST})
    service = wiring.start(app.server)
    cache = app.server.extensions["dashboard"].extras["cache"]
    try:
        wait_for(lambda: store.current_snapshot(cache), 20, "first snapshot")
        version = store.read_state(cache).version
        client = app.server.test_client()
        assert login(client, make_user(proxied_pg.direct_url, "admin").username).status_code == 302
        caplog.set_level(logging.WARNING, logger="dashboard.cache")
        proxy.set_mode("refuse")
        wait_for(lambda: _banner(client) == CACHE_DOWN, 10, "cache banner")
        for path in ("/", "/wall", "/healthz", "/officer/1"):
            _no_error_page(client.get(path))
        assert store.current_snapshot(cache)["version"] == version  # the last snapshot still shows
        time.sleep(3)  # several polls and refreshes while Redis is down
        _banner(client)
        down_lines = [r for r in caplog.records if CACHE_DOWN in r.getMessage()]
        assert len(down_lines) == 1 and not any(r.exc_info for r in caplog.records)
        proxy.set_mode("pass")
        took = wait_for(lambda: not _banner(client)
                        and client.get("/healthz").get_json()["status"] == "ok", 10, "recovery")
        fault_timings["Redis back: banner gone, /healthz ok"] = took
        assert sum("缓存服务已恢复" in r.getMessage() for r in caplog.records) == 1
        assert store.current_snapshot(cache)["court"]["code"] == "内0221"
    finally:
        service.stop()
        proxy.close()
        app.server.extensions["dashboard"].engine.dispose()
