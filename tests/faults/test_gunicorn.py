"""gunicorn: a worker recycled during a database outage boots and serves the notice; a production
refusal stops the service in the master with its message once (no crash-looping workers)."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.conftest import Proxied, wait_for

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
SECRET = "Fault-suite-secret-0123456789-abcdefghijklmnopqrstuvwxyz"  # long, varied (security check)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:  # noqa: S310 - a local test server
            return reply.status, reply.read().decode(), dict(reply.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


def _env(url: str, port: int, tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASHBOARD_")}
    env.update({"DASHBOARD_DATABASE_URL": url, "DASHBOARD_PORT": str(port), "DASHBOARD_ENV": "production",
                "DASHBOARD_SECRET_KEY": SECRET, "DASHBOARD_CACHE_URL": f"filesystem://{tmp}/cache",
                "DASHBOARD_DB_CONNECT_TIMEOUT_S": "2", "DASHBOARD_DB_STATEMENT_TIMEOUT_S": "3",
                "WEB_CONCURRENCY": "1", **extra})
    return env


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator:
    started: list[subprocess.Popen] = []

    def _start(env: dict[str, str]) -> subprocess.Popen:
        log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen([str(GUNICORN), "-c", "config/gunicorn.conf.py", "dashboard.wsgi:server"],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        started.append(process)
        return process

    yield _start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def test_worker_recycled_during_outage(proxied_pg: Proxied, gunicorn, tmp_path: Path,
                                       fault_timings: dict[str, float]) -> None:
    port = _free_port()
    master = gunicorn(_env(proxied_pg.url, port, tmp_path))
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: _get(base + "/ping")[0] == 200, 60, "gunicorn up")
    proxied_pg.proxy.set_mode("refuse")
    _status, _body, headers = _get(base + "/healthz")
    old = int(headers["X-Worker-Pid"])
    os.kill(old, signal.SIGKILL)  # recycled while the database is down
    started = time.monotonic()
    wait_for(lambda: int(_get(base + "/healthz")[2]["X-Worker-Pid"]) != old, 60, "a new worker")
    fault_timings["gunicorn worker recycled during outage: serving again"] = time.monotonic() - started
    assert master.poll() is None  # the service is still up
    status, body, _ = _get(base + "/login")
    assert status == 200 and "Traceback" not in body
    proxied_pg.proxy.set_mode("pass")
    status, body, _ = _get(base + "/healthz")
    assert status in (200, 503) and json.loads(body)["status"] in ("ok", "stale")
    log = (tmp_path / "gunicorn.log").read_text()
    assert "Worker failed to boot" not in log and "Traceback" not in log


def test_production_refusal_stops_the_master_once(proxied_pg: Proxied, gunicorn, tmp_path: Path) -> None:
    port = _free_port()
    master = gunicorn(_env(proxied_pg.url, port, tmp_path, DASHBOARD_SECRET_KEY="short"))
    assert master.wait(timeout=60) == 1
    log = (tmp_path / "gunicorn.log").read_text()
    assert log.count("DASHBOARD_SECRET_KEY 过短") == 1, log
    assert "Booting worker" not in log and "Traceback" not in log
