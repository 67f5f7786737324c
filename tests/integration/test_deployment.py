"""The real production deployment on this machine.

Two gunicorn workers with config/gunicorn.conf.py (scheduler disabled), one
`python -m dashboard scheduler`, a throw-away PostgreSQL database and Redis (own key prefix),
refresh interval 1 s. Checks: both workers serve the same snapshot version; killing the
scheduler turns /healthz stale within three intervals; a second scheduler recovers it; with the
database unreachable the page shows the stale banner (not an error page) and recovers by itself
when the database returns.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.backends import PG_ADMIN
from tests.redis_backend import REDIS_URL, redis_prefix  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
INTERVAL = 1
BANNER = "数据库暂不可用，显示"  # the outage notice (docs/operations.md 故障与恢复)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, dict[str, Any], dict[str, str]]:
    """GET on a fresh connection; return (status, JSON body, headers)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status, json.loads(reply.read()), dict(reply.headers)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read()), dict(err.headers)


def wait_until(check: Callable[[], Any], timeout: float, what: str) -> float:
    """Poll `check` until truthy; return the seconds it took."""
    start = time.monotonic()
    while True:
        try:
            if check():
                return time.monotonic() - start
        except (OSError, ValueError):
            pass  # server still starting
        if time.monotonic() - start > timeout:
            pytest.fail(f"timed out after {timeout} s waiting for: {what}")
        time.sleep(0.1)


@dataclass
class Deployment:
    env: dict[str, str]
    port: int
    logs: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def health(self) -> tuple[int, dict[str, Any], dict[str, str]]:
        return get(f"{self.base}/healthz")

    def spawn(self, name: str, args: list[str], **env: str) -> None:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(
            args, cwd=ROOT, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def web(self) -> None:
        # the production settings (gthread workers, no control socket), two workers on a free port
        self.spawn("web", [str(BIN / "gunicorn"), "-c", "config/gunicorn.conf.py", "-w", "2",
                           "-b", f"127.0.0.1:{self.port}", "dashboard.wsgi:server"],
                   DASHBOARD_SCHEDULER_ENABLED="0")

    def scheduler(self, name: str) -> None:
        self.spawn(name, [sys.executable, "-m", "dashboard", "scheduler"])

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.processes.pop(name)
        os.killpg(proc.pid, sig)
        proc.wait(timeout=30)

    def stop_all(self) -> list[str]:
        """SIGTERM every process group; one still running after 45 s (gunicorn's graceful stop
        takes up to 30 s) is killed. Returns the names that had to be killed."""
        stubborn = []
        for proc in self.processes.values():
            os.killpg(proc.pid, signal.SIGTERM)
        for name, proc in list(self.processes.items()):
            try:
                proc.wait(timeout=45)
            except subprocess.TimeoutExpired:
                stubborn.append(name)
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
        self.processes.clear()
        return stubborn


@pytest.fixture
def deployment(pg_url: str, redis_prefix, tmp_path: Path) -> Iterator[Deployment]:  # noqa: F811
    _client, prefix = redis_prefix
    env = {**os.environ, "DASHBOARD_DATABASE_URL": pg_url, "DASHBOARD_CACHE_URL": REDIS_URL,
           "DASHBOARD_CACHE_PREFIX": prefix, "DASHBOARD_REFRESH_INTERVAL_S": str(INTERVAL),
           "DASHBOARD_POLL_INTERVAL_S": str(INTERVAL), "DASHBOARD_SIMULATE": "0",
           "DASHBOARD_ENV": "production", "PYTHONPATH": str(ROOT),
           # production refuses to start without a key; plain HTTP on loopback: no Secure cookie
           "DASHBOARD_SECRET_KEY": secrets.token_urlsafe(48), "DASHBOARD_COOKIE_SECURE": "0"}
    dep = Deployment(env, free_port(), tmp_path)
    dep.web()
    dep.scheduler("scheduler-1")
    try:
        wait_until(lambda: dep.health()[0] == 200, 90, "first fresh snapshot")
        yield dep
    finally:
        stubborn = dep.stop_all()
        for log in sorted(tmp_path.glob("*.log")):
            print(f"== {log.name}\n{log.read_text(errors='replace')[-6000:]}")
    assert not stubborn, f"did not stop within 45 s of SIGTERM: {stubborn}"


def versions_by_worker(dep: Deployment) -> dict[str, int]:
    """Ask /healthz on fresh connections until both workers have answered (for up to a minute:
    on a loaded machine the second worker may still be booting when the first already serves)."""
    seen: dict[str, int] = {}
    deadline = time.monotonic() + 60
    while len(seen) < 2 and time.monotonic() < deadline:
        for _ in range(50):
            _status, body, headers = dep.health()
            seen[headers["X-Worker-Pid"]] = body["snapshot_version"]
            if len(seen) == 2:
                break
        else:
            time.sleep(0.5)
    return seen


def test_workers_agree_and_a_standby_scheduler_recovers(deployment: Deployment) -> None:
    seen = versions_by_worker(deployment)
    assert len(seen) == 2, f"only one worker answered: {seen}"
    assert len(set(seen.values())) == 1 and None not in seen.values()
    deployment.kill("scheduler-1")
    took = wait_until(lambda: deployment.health()[0] == 503, 30, "/healthz stale")
    assert took <= 3 * INTERVAL + 1.0  # three intervals, plus the polling step
    deployment.scheduler("scheduler-2")
    wait_until(lambda: deployment.health()[0] == 200, 60, "second scheduler recovers")
    assert set(versions_by_worker(deployment).values()) == set(seen.values())


def _pg_admin(sql: str) -> None:
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(sql))
    admin.dispose()


def _set_reachable(db_name: str, reachable: bool) -> None:
    """Refuse new connections to the database and drop the open ones (or allow again)."""
    _pg_admin(f"ALTER DATABASE {db_name} ALLOW_CONNECTIONS {str(reachable).lower()}")
    if not reachable:
        _pg_admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  f"WHERE datname = '{db_name}' AND pid <> pg_backend_pid()")


def _banner(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    element = driver.find_element(By.ID, "shell-stale-banner")
    return element.text if element.is_displayed() else ""


def test_database_outage_shows_the_banner_and_recovers(deployment: Deployment,
                                                       pg_url: str) -> None:
    from tests.backends import unavailable
    from tests.browser.harness import (
        ACCOUNTS,
        browser_missing,
        ensure_user,
        make_driver,
    )

    reason = browser_missing()
    if reason:
        unavailable(reason)
    db_name = pg_url.rsplit("/", 1)[1]
    driver = make_driver()
    ACCOUNTS[deployment.base] = ensure_user(pg_url, "center")  # the driver signs in by itself
    try:
        driver.get(f"{deployment.base}/")
        wait_until(lambda: driver.execute_script("return !!window.dash_clientside"), 30,
                   "Dash loaded")
        time.sleep(2 * INTERVAL)
        assert _banner(driver) == ""
        _set_reachable(db_name, False)
        try:
            wait_until(lambda: BANNER in _banner(driver), 30, "stale banner")
            status, body, _headers = deployment.health()
            assert status == 503 and body["last_error"]
            page = driver.find_element("tag name", "body").text
            assert "执行指挥中心质效看板" in page and "Internal Server Error" not in page
        finally:
            _set_reachable(db_name, True)
        wait_until(lambda: _banner(driver) == "", 60, "banner cleared after recovery")
        assert deployment.health()[0] == 200
    finally:
        driver.quit()
