"""Benchmark: what sign-in costs. `python bench/auth.py [--requests 5000]`

Prints the time of one password hash and one check (scrypt, the price of every sign-in and of
every guess), one whole sign-in through /login, and the per-request cost of loading the signed-in
principal from the session cookie (the gate on every request) with the database statements it
issued (0 expected between re-checks), against the same request on an open path.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from dashboard.app import create_app  # noqa: E402
from db import migrate  # noqa: E402
from db.auth.passwords import hash_password, verify_password  # noqa: E402
from tests.auth_helpers import login, make_user  # noqa: E402


def _ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:.2f} ms, max {max(samples) * 1000:.2f} ms"


def _timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    args = parser.parse_args()
    stored = hash_password("Bench#pass-2026")
    print(f"scrypt hash_password:   {_ms(_timed(lambda: hash_password('Bench#pass-2026'), 10))}")
    print(f"scrypt verify_password: {_ms(_timed(lambda: verify_password('Bench#pass-2026', stored), 10))}")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        migrate.upgrade(url)
        app = create_app({"DATABASE_URL": url, "SCHEDULER_ENABLED": False, "CACHE_URL": "simple://"})
        user = make_user(app.server.extensions["dashboard"].engine, "center")
        signins = []
        for _ in range(5):
            client = app.server.test_client()
            start = time.perf_counter()
            assert login(client, user.username).status_code == 302
            signins.append(time.perf_counter() - start)
        print(f"sign-in via /login (GET form + POST): {_ms(signins)}")
        engine = app.server.extensions["dashboard"].engine
        count = {"n": 0}
        event.listen(engine, "before_cursor_execute", lambda *_a: count.__setitem__("n", count["n"] + 1))
        anonymous = app.server.test_client()
        for name, http, path in (("open path /ping (no session)", anonymous, "/ping"),
                                 ("signed-in /_dash-dependencies", client, "/_dash-dependencies"),
                                 ("anonymous /_dash-dependencies (401)", anonymous, "/_dash-dependencies")):
            http.get(path)
            before = count["n"]
            samples = _timed(lambda h=http, p=path: h.get(p), args.requests)
            per = statistics.mean(samples) * 1e6
            print(f"{name:<44} mean {per:8.1f} µs/request, {count['n'] - before} statements "
                  f"in {args.requests} requests")
        ctx_samples = []
        from dashboard.auth import gate

        cookie = client.get_cookie("dashboard_session").value
        with app.server.test_request_context("/analysis", headers={"Cookie": f"dashboard_session={cookie}"}):
            before = count["n"]
            for _ in range(args.requests):
                start = time.perf_counter()
                gate.before_request()
                ctx_samples.append(time.perf_counter() - start)
            print(f"{'gate.before_request (cookie already decoded)':<44} mean "
                  f"{statistics.mean(ctx_samples) * 1e6:8.1f} µs/call, {count['n'] - before} statements")
        engine.dispose()


if __name__ == "__main__":
    main()
