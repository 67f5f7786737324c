"""Browser fixtures: live app servers (empty or demo database) and headless Chromium.

Usage in a test module under tests/browser/:

    def test_something(demo_server, driver):
        driver.get(demo_server.page("/wall"))
        wait_for_dash(driver)
        screenshot(driver, SHOTS_DIR / "wall.png", 1920, 1080)  # SHOTS_DIR: see harness.py

`app_server_factory(db_url=None, overrides=None, background=False)` starts more servers
(custom settings; `background=True` runs the refresher as `python -m dashboard run` does).
Every test here is marked `browser`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.backends import unavailable
from tests.browser.harness import (
    LiveServer,
    browser_missing,
    make_driver,
    migrate_database,
    seed_demo,
    start_server,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def app_server_factory(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start app servers on free ports; each gets an empty temp SQLite DB unless given one."""
    started: list[LiveServer] = []

    def _start(
        db_url: str | None = None, overrides: dict[str, Any] | None = None, background: bool = False
    ) -> LiveServer:
        url = db_url or f"sqlite:///{tmp_path}/app{len(started)}.db"
        server = start_server(url, overrides, background)
        started.append(server)
        return server

    yield _start
    for server in reversed(started):
        server.stop()


@pytest.fixture
def empty_server(app_server_factory: Callable[..., LiveServer]) -> LiveServer:
    """The app on an empty, migrated SQLite database."""
    return app_server_factory()


@pytest.fixture(scope="session")
def demo_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file seeded once per session with the demo court (`seed-demo`)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo')}/demo.db"
    migrate_database(url)
    seed_demo(url)
    return url


@pytest.fixture(scope="session")
def demo_server(demo_db_url: str) -> Iterator[LiveServer]:
    """The demo database served with its refresher running (snapshots), simulator off.

    Shared by the whole session: do not write to its database; start your own server with
    `app_server_factory(...)` for tests that change data or settings.
    """
    server = start_server(demo_db_url, {"REFRESH_INTERVAL_S": 5}, background=True)
    yield server
    server.stop()


@pytest.fixture
def driver_factory() -> Iterator[Callable[..., Any]]:
    """Start extra Chromium instances, e.g. with `--host-resolver-rules=...`."""
    reason = browser_missing()
    if reason:
        unavailable(reason)
    drivers: list[Any] = []

    def _make(*extra_args: str, width: int = 1920, height: int = 1080) -> Any:
        drv = make_driver(tuple(extra_args), width, height)
        drivers.append(drv)
        return drv

    yield _make
    for drv in drivers:
        drv.quit()


@pytest.fixture
def driver(driver_factory: Callable[..., Any]) -> Any:
    """A fresh headless Chromium with a 1920×1080 viewport."""
    return driver_factory()
