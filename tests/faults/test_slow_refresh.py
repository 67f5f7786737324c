"""A refresh slower than its interval: no pile-up of runs or APScheduler warnings, /healthz says so."""
from __future__ import annotations

import logging
import time

import pytest

from dashboard import scheduler as wiring
from dashboard.app import create_app
from db.snapshot import store
from tests.faults.conftest import FAST, Proxied, wait_for


def test_refresh_slower_than_interval(proxied_pg: Proxied, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    app = create_app({"DATABASE_URL": proxied_pg.direct_url, "CACHE_URL": "simple://",
                      "SCHEDULER_ENABLED": True, **FAST})
    service = wiring.start(app.server)
    cache = app.server.extensions["dashboard"].extras["cache"]
    try:
        wait_for(lambda: store.current_snapshot(cache), 20, "first snapshot")
        runs: list[float] = []
        active = {"now": 0, "most": 0}
        build = service.refresher.build

        def slow(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            runs.append(time.monotonic())
            active["now"] += 1
            active["most"] = max(active["most"], active["now"])
            try:
                time.sleep(3.5 * FAST["REFRESH_INTERVAL_S"])
                return build(*args, **kwargs)
            finally:
                active["now"] -= 1

        before = len(caplog.records)
        service.refresher.build = slow
        cache.delete(store.STATE_KEY)  # force a recompute
        client = app.server.test_client()
        # on a slow machine a regular refresh may still be under way here: wait for the slow one
        wait_for(lambda: runs, 20, "the slow refresh starts")
        wait_for(lambda: client.get("/healthz").get_json()["slow_refresh"], 10, "slow refresh reported")
        note = client.get("/healthz").get_json()["slow_refresh_note"]
        assert "超过刷新间隔 1 秒" in note
        wait_for(lambda: active["now"] == 0 and store.read_state(cache).computing_since is None,
                 20, "the slow refresh ends")
        assert client.get("/healthz").get_json()["slow_refresh"]  # its duration exceeded the interval
        assert active["most"] == 1 and len(runs) == 1  # the ticks meanwhile started nothing
        text = "\n".join(r.getMessage() for r in caplog.records[before:])
        assert "maximum number of running instances" not in text
        # once per slow refresh (the one under way at the patch may be slow too), not per tick
        assert 1 <= text.count("超过刷新间隔") <= 2
    finally:
        service.stop()
        app.server.extensions["dashboard"].engine.dispose()
