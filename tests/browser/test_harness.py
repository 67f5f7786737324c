"""The browser harness itself: servers start on free ports, background work starts and stops."""
from __future__ import annotations

import json
from urllib.request import urlopen

from tests.browser.harness import wait_until


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except OSError as exc:  # HTTPError (e.g. 503 while not ready) carries the status
        return getattr(exc, "code", 0), b""


def test_two_servers_get_distinct_ports_and_databases(app_server_factory) -> None:
    first, second = app_server_factory(), app_server_factory()
    assert first.url != second.url and first.db_url != second.db_url
    for server in (first, second):
        status, body = _get(server.page("/ping"))
        assert status == 200 and json.loads(body)["status"] == "ok"


def test_background_refresher_publishes_then_stops(app_server_factory) -> None:
    """background=True runs the refresher like `run` does; stop() shuts it down."""
    server = app_server_factory(overrides={"REFRESH_INTERVAL_S": 1}, background=True)
    health = wait_until(lambda: (lambda s, b: s == 200 and json.loads(b))(*_get(server.page("/healthz"))),
                        30, "/healthz reports a snapshot")
    assert health["snapshot_version"] >= 1
    service = server.app.server.extensions["dashboard"].extras["scheduler"]
    server.stop()
    assert not service.scheduler.running
