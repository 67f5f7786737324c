"""The client-side watchdog (assets/watchdog.js): a page knows when it is stale, even when the
server is gone, and recovers by itself (issue #15 §5)."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from werkzeug.serving import make_server

from dashboard import scheduler
from db.snapshot import current_snapshot
from tests.browser.harness import (
    LiveServer,
    _QuietHandler,
    console_errors,
    wait_for_dash,
    wait_until,
)

LOST_S = 3
SETTINGS = {"REFRESH_INTERVAL_S": 1, "POLL_INTERVAL_S": 1, "WATCHDOG_LOST_S": LOST_S}
_STATE = """
const mark = document.getElementById('watchdog-mark');
return {classes: document.documentElement.className,
        text: mark && !mark.hidden ? mark.textContent : ''};
"""


def _state(driver: Any) -> dict[str, str]:
    return driver.execute_script(_STATE)


def _take_down(server: LiveServer) -> int:
    """Stop answering on the server's port (the app, its cache and its refresher live on)."""
    port = server._server.server_port
    server._server.shutdown()
    server._thread.join(timeout=10)
    server._server.server_close()
    return port


def _bring_up(server: LiveServer, port: int) -> None:
    """Serve the same app on the same port again (the fixture stops it at the end)."""
    again = make_server("127.0.0.1", port, server.app.server, threaded=True,
                        request_handler=_QuietHandler)
    thread = threading.Thread(target=again.serve_forever, name="live-app-again", daemon=True)
    thread.start()
    server._server, server._thread = again, thread


def test_wall_greys_and_says_connection_lost_then_recovers(
        app_server_factory: Callable[..., LiveServer], driver: Any) -> None:
    server = app_server_factory(None, SETTINGS)
    cache = server.app.server.extensions["dashboard"].extras["cache"]
    service = scheduler.start(server.app.server, force=True)
    try:
        wait_until(lambda: current_snapshot(cache), 60, "first snapshot")
        driver.get(server.page("/wall?kiosk=1"))
        wait_for_dash(driver)
        wait_until(lambda: _state(driver)["classes"] == "" and not _state(driver)["text"], 30,
                   "fresh: no marker")
        port = _take_down(server)
        down_at = time.monotonic()
        seen = wait_until(lambda: _state(driver)["text"], LOST_S + 10, "connection-lost marker")
        assert seen.startswith("连接中断 · 数据截至 ") and "wd-lost" in _state(driver)["classes"]
        assert time.monotonic() - down_at <= LOST_S + 10
        wait_until(lambda: "grayscale" in driver.execute_script(
            "const b = document.querySelector('.wall-body'); return b ? getComputedStyle(b).filter : ''"),
            10, "wall greyed")
        _bring_up(server, port)
        wait_until(lambda: not _state(driver)["text"] and "wd-" not in _state(driver)["classes"],
                   30, "marker cleared without a reload")
    finally:
        service.stop()


def test_desk_page_says_data_not_updated_when_the_refresher_stops(
        app_server_factory: Callable[..., LiveServer], driver: Any) -> None:
    server = app_server_factory(None, SETTINGS)
    cache = server.app.server.extensions["dashboard"].extras["cache"]
    service = scheduler.start(server.app.server, force=True)
    try:
        wait_until(lambda: current_snapshot(cache), 60, "first snapshot")
        driver.get(server.page("/"))
        wait_for_dash(driver)
        wait_until(lambda: not _state(driver)["text"], 30, "fresh: no marker")
        service.stop()
        seen = wait_until(lambda: _state(driver)["text"], 20, "stale marker")
        assert seen.startswith("数据未更新 · 截至 ") and "wd-stale" in _state(driver)["classes"]
        # a stale snapshot is an answer, not an HTTP error (the watchdog's own requests log none)
        assert [e for e in console_errors(driver) if "/ping" in e or "/healthz" in e] == []
        # the greying applies through the page's class and may be a frame behind the marker
        wait_until(lambda: "grayscale" in driver.execute_script(
            "const p = document.querySelector('.page'); return p ? getComputedStyle(p).filter : ''"),
            10, "page greyed (also when the server's own stale banner shows)")
        service = scheduler.start(server.app.server, force=True)
        wait_until(lambda: not _state(driver)["text"], 30, "marker cleared when data is current")
    finally:
        service.stop()
