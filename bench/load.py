"""Load benchmark: the production setup under N concurrent wall clients (loopback only).

`python bench/load.py [--cases 1000000] [--clients 10,50,200] [--duration 30]`

Starts the documented production deployment on this machine: gunicorn (gthread workers,
DASHBOARD_SCHEDULER_ENABLED=0), one `python -m dashboard scheduler`, a throw-away
PostgreSQL database seeded with --cases generated cases (db.demo.seed_bulk; or an existing
database with --database-url) and Redis (own key prefix). Every client signs in once with a
wall token (`/wall/token/<token>`, as a wall screen does) and keeps its session cookie.

Two client models, each run for every N:

- ``wall`` (what a wall display does): open the wall (the full load: index, layout, page,
  version poll, frame and screens callbacks, sequential, timed together), then poll the
  version every --poll seconds (DASHBOARD_POLL_INTERVAL_S); when the poll brings a new
  version, fetch the frame and the screens (an "update", timed together). With
  --change-every S the bench bumps the data version every S seconds, so the refresher
  publishes new snapshots during the phase (each takes as long as the snapshot build).
- ``closed`` (worst case): every client repeats full wall loads back to back, no pause.

Prints per model and N: requests/s, p50/p95/p99 of the poll, of the full load and of the
update, errors, database transactions and table scans per minute (pg_stat_database /
pg_stat_user_tables of the bench database) and the server's memory (RSS of gunicorn
master+workers+scheduler) at start and end of the phase.

`--build-ratio R` runs no client phases: instead, R rounds of full snapshot builds with no
clients and while max(--clients) wall clients and --desk desk users run, the build times and
their ratio, and where each build's time went (bench/build_ratio.py). `--keep` keeps the
seeded database for the next run's --database-url.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.scratch import scratch_database  # noqa: E402
from db import migrate  # noqa: E402
from db.session import make_engine  # noqa: E402

COOKIE = "dashboard_session"  # dashboard.auth.session.COOKIE (the bench stays import-light)

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
BIN = Path(sys.executable).parent
POLL = "shell-poll"
OWN_XACTS = 3  # the bench's own autocommit reads of the counters
WORKERS, THREADS = 3, 8  # the production command of docs/install.md (2-core machine)
SCREENS = ("wall-tiles",)  # one callback fills all four screens


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=1_000_000, help="generated cases to seed")
    p.add_argument("--database-url", help="use this (already seeded) database instead")
    p.add_argument("--clients", default="10,50,200", help="comma-separated client counts")
    p.add_argument("--duration", type=float, default=30, help="seconds per client count")
    p.add_argument("--models", default="wall,closed", help="client models to run (wall, closed)")
    p.add_argument("--poll", type=float, default=5.0, help="seconds between version polls")
    p.add_argument("--change-every", type=float, default=0,
                   help="bump the data version every S seconds (0: data unchanged)")
    p.add_argument("--tokens", type=int, default=1, help="distinct wall tokens the clients use")
    p.add_argument("--workers", type=int, default=WORKERS)
    p.add_argument("--threads", type=int, default=THREADS)
    p.add_argument("--interval", type=int, default=5, help="DASHBOARD_REFRESH_INTERVAL_S")
    p.add_argument("--keep", action="store_true", help="keep the seeded database (its URL is "
                   "printed; pass it as --database-url next time)")
    p.add_argument("--build-ratio", type=int, default=0, metavar="R",
                   help="instead of the client phases: R rounds of full snapshot builds quiet "
                   "and under load (bench/build_ratio.py)")
    p.add_argument("--builds", type=int, default=2, help="full builds per phase (--build-ratio)")
    p.add_argument("--desk", type=int, default=20, help="desk users in the loaded phases")
    p.add_argument("--think", type=float, default=5.0,
                   help="a desk user's mean think time between pages, s")
    return p.parse_args()


@contextmanager
def bench_database(args: argparse.Namespace) -> Iterator[str]:
    """Yield a seeded PostgreSQL URL (a scratch database unless --database-url)."""
    if args.database_url:
        yield args.database_url
        return
    from db.demo.bulk import seed_bulk

    with scratch_database("postgresql", "", "bench_load", keep=args.keep) as url:
        migrate.upgrade(url)
        started = time.perf_counter()
        engine = make_engine(url)
        seed_bulk(engine, args.cases)
        engine.dispose()
        with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text("ANALYZE"))  # planner statistics, as autovacuum would have
        print(f"seeded {args.cases:,} cases in {time.perf_counter() - started:.0f} s"
              + (f"; kept: {url}" if args.keep else ""), flush=True)
        yield url


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _named(url: str, name: str) -> str:
    """`url` with application_name=`name` (PostgreSQL)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return url
    return parsed.update_query_dict({"application_name": name}).render_as_string(
        hide_password=False)


@contextmanager
def deployment(url: str, args: argparse.Namespace, logs: Path) -> Iterator[dict[str, Any]]:
    """Start gunicorn and one scheduler; stop both (and drop the Redis keys) afterwards."""
    prefix, port = f"bench-{uuid.uuid4().hex[:8]}:", _free_port()
    env = {**os.environ, "DASHBOARD_DATABASE_URL": url,
           "DASHBOARD_SECRET_KEY": os.environ.get("DASHBOARD_SECRET_KEY") or uuid.uuid4().hex * 2, "DASHBOARD_CACHE_URL": REDIS_URL,
           "DASHBOARD_CACHE_PREFIX": prefix, "DASHBOARD_REFRESH_INTERVAL_S": str(args.interval),
           "DASHBOARD_ENV": "production", "DASHBOARD_SIMULATE": "0", "PYTHONPATH": str(ROOT)}
    procs = {
        "web": [str(BIN / "gunicorn"), "-c", "config/gunicorn.conf.py", "-w", str(args.workers),
                "--threads", str(args.threads), "-b", f"127.0.0.1:{port}",
                "dashboard.wsgi:server"],
        "scheduler": [sys.executable, "-m", "dashboard", "scheduler"],
    }
    running = {}
    for name, cmd in procs.items():
        # each process's connections carry its name (pg_stat_activity; bench/build_ratio.py)
        extra = {"DASHBOARD_DATABASE_URL": _named(url, f"bench-{name}")}
        if name == "web":
            extra["DASHBOARD_SCHEDULER_ENABLED"] = "0"
        running[name] = subprocess.Popen(cmd, cwd=ROOT, env={**env, **extra},
                                         stdout=open(logs / f"{name}.log", "wb"),  # noqa: SIM115
                                         stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield {"port": port, "prefix": prefix, "pids": [p.pid for p in running.values()]}
    finally:
        for proc in running.values():
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(f"{prefix}*"))
        if keys:
            client.delete(*keys)


class DashClient:
    """One browser page's requests over one keep-alive connection, with its session cookie."""

    def __init__(self, port: int, deps: list[dict[str, Any]], cookie: str = "") -> None:
        self.port, self.deps, self.shown, self.cookie = port, deps, None, cookie
        self.requests = 0
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        payload = None if body is None else json.dumps(body)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:  # a same-site POST, as the browser sends it
            headers.update({"Content-Type": "application/json",
                            "Origin": f"http://127.0.0.1:{self.port}"})
        self.requests += 1
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                reply = self.conn.getresponse()
                data = reply.read()
                self._keep_cookie(reply.getheader("Set-Cookie"))
                return reply.status, data
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                # the server closed an idle keep-alive connection: reconnect, as browsers do
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _keep_cookie(self, header: str | None) -> None:
        if header and header.startswith(COOKIE + "="):
            self.cookie = header.split(";", 1)[0]

    def sign_in(self, token: str) -> None:
        """What a wall screen does once: open its token URL and keep the session cookie."""
        status, _ = self.request("GET", f"/wall/token/{token}")
        if status not in (302, 303) or not self.cookie:
            raise RuntimeError(f"wall token sign-in: HTTP {status}, no session cookie")

    def callback(self, output_start: str, inputs: dict[str, Any],
                 state: dict[str, Any] | None = None, parse: bool = True) -> dict[str, Any]:
        """POST one callback by the start of its output string; return its response dict."""
        dep = next(d for d in self.deps if d["output"].lstrip(".").startswith(output_start))
        outs = [dict(zip(("id", "property"), o.rsplit(".", 1), strict=True))
                for o in dep["output"].strip(".").split("...")]
        body = {"output": dep["output"], "outputs": outs if dep["output"].startswith("..")
                else outs[0],
                "inputs": [dict(i, value=inputs.get(f"{i['id']}.{i['property']}"))
                           for i in dep["inputs"]],
                "state": [dict(s, value=(state or {}).get(f"{s['id']}.{s['property']}"))
                          for s in dep["state"]],
                "changedPropIds": [f"{i['id']}.{i['property']}" for i in dep["inputs"]][:1]}
        status, data = self.request("POST", "/_dash-update-component", body)
        if status == 204:
            return {}
        if status != 200:
            raise RuntimeError(f"callback {output_start}: HTTP {status} {data[:120]!r}")
        return json.loads(data)["response"] if parse else {}

    def poll(self, n: int) -> bool:
        """The shell's version poll; True when it brought a new version."""
        reply = self.callback("shell-snapshot-version", {f"{POLL}.n_intervals": n},
                              {"shell-snapshot-version.data": self.shown,
                               "shell-root.className": "shell"})
        version = reply.get("shell-snapshot-version", {}).get("data")
        changed = version is not None and version != self.shown
        self.shown = version if version is not None else self.shown
        return changed

    def update(self, shown_before: Any) -> None:
        """What the page asks for when the poll brings a new version: frame, then the screens
        (one callback fills all four screens)."""
        self.callback("wall-shown-version", {"shell-snapshot-version.data": self.shown},
                      {"wall-shown-version.data": shown_before}, parse=False)
        for screen in SCREENS:
            self.callback(screen, {"wall-shown-version.data": self.shown}, parse=False)

    def render_wall(self) -> None:
        """Everything one wall load asks the server for, in order."""
        for path in ("/wall?kiosk=1", "/_dash-layout"):
            status, _ = self.request("GET", path)
            if status != 200:
                raise RuntimeError(f"GET {path}: HTTP {status}")
        self.callback("_pages_content", {"_pages_location.pathname": "/wall",
                                         "_pages_location.search": "?kiosk=1"}, parse=False)
        self.shown = None
        self.poll(0)
        self.update(None)


def _timed(out: dict[str, list], kind: str, action: Callable[[], Any]) -> Any:
    """Run one timed action; an error is counted (not timed) and the connection renewed."""
    started = time.perf_counter()
    try:
        result = action()
    except Exception as exc:  # noqa: BLE001 - counted and reported
        out["errors"].append(f"{kind}: {exc!r}")
        return None
    out[kind].append((time.perf_counter() - started) * 1000)
    return result


def _wall_client(client: DashClient, args: argparse.Namespace, stop: float,
                 out: dict[str, list]) -> None:
    """An open wall: load once, then poll every --poll s and update on each new version."""
    time.sleep(random.uniform(0, args.poll))  # screens open at different moments
    _timed(out, "render", client.render_wall)
    n = 1
    while True:
        wake = time.monotonic() + args.poll
        if wake >= stop:
            return
        time.sleep(max(0.0, wake - time.monotonic()))
        before = client.shown
        if _timed(out, "poll", lambda n=n: client.poll(n)):
            _timed(out, "update", lambda before=before: client.update(before))
        n += 1


def _closed_client(client: DashClient, _args: argparse.Namespace, stop: float,
                   out: dict[str, list]) -> None:
    """The worst case: full wall loads back to back."""
    while time.monotonic() < stop:
        _timed(out, "render", client.render_wall)


MODELS: dict[str, Callable[[DashClient, argparse.Namespace, float, dict[str, list]], None]] = {
    "wall": _wall_client,
    "closed": _closed_client,
}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _rss_mb(pids: list[int]) -> float:
    """RSS of the given processes and all their descendants, in MB."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    family, grew = set(pids), True
    while grew:
        more = {p for p, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    total = 0
    for pid in family:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _db_counters(url: str) -> tuple[int, int]:
    """(transactions, table scans) so far in the bench database, from pg_stat views."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_stat_clear_snapshot()"))
        xacts = conn.scalar(text("SELECT xact_commit + xact_rollback FROM pg_stat_database "
                                 "WHERE datname = current_database()"))
        scans = conn.scalar(text("SELECT coalesce(sum(seq_scan + coalesce(idx_scan, 0)), 0) "
                                 "FROM pg_stat_user_tables"))
    engine.dispose()
    return int(xacts), int(scans)


class DataChanges:
    """With --change-every S: bump the data version every S s (the refresher then recomputes)."""

    def __init__(self, url: str, every: float) -> None:
        self.url, self.every, self.stop, self.bumps = url, every, threading.Event(), 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from db.session import bump_data_version, make_session_factory, session_scope

        engine = make_engine(self.url)
        sessions = make_session_factory(engine)
        while not self.stop.wait(self.every):
            with session_scope(sessions) as session:
                bump_data_version(session)
            self.bumps += 1
        engine.dispose()

    def __enter__(self) -> DataChanges:
        if self.every > 0:
            self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join()


def _stats(values: list[float]) -> str:
    return (f"{_pct(values, .5):>6.1f} {_pct(values, .95):>6.1f} {_pct(values, .99):>6.1f} "
            f"{len(values):>5}")


HEADER = ("model    N  req/s |  poll p50    p95    p99     n |  load p50    p95    p99     n "
          "| update p50    p95    p99     n | errors dbxact/m  scans/m vers memMB0 memMB1")


def run_phase(dep: dict[str, Any], url: str, model: str, n: int, args: argparse.Namespace,
              deps: list, cookies: list[str]) -> str:
    out: dict[str, list] = {"poll": [], "render": [], "update": [], "errors": []}
    clients = [DashClient(dep["port"], deps, cookies[i % len(cookies)]) for i in range(n)]
    mem_start, (x0, s0) = _rss_mb(dep["pids"]), _db_counters(url)
    version0 = _version(dep["port"], cookies[0])
    started = time.monotonic()
    stop = started + args.duration
    threads = [threading.Thread(target=MODELS[model], args=(client, args, stop, out))
               for client in clients]
    with DataChanges(url, args.change_every) as changes:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    elapsed = time.monotonic() - started
    time.sleep(1.0)  # let PostgreSQL flush its statistics
    x1, s1 = _db_counters(url)
    minutes = elapsed / 60
    versions = (_version(dep["port"], cookies[0]) or 0) - (version0 or 0)
    own = OWN_XACTS + changes.bumps
    return (f"{model:<6} {n:>4} {sum(c.requests for c in clients) / elapsed:>6.1f} | "
            f"{_stats(out['poll'])} | {_stats(out['render'])} | {_stats(out['update'])} | "
            f"{len(out['errors']):>6} {(x1 - x0 - own) / minutes:>8.0f} "
            f"{(s1 - s0) / minutes:>8.0f} {versions:>4} {mem_start:>6.0f} "
            f"{_rss_mb(dep['pids']):>6.0f}"
            + (f"\n       first error: {out['errors'][0]}" if out["errors"] else ""))


def _version(port: int, cookie: str) -> int | None:
    status, body = DashClient(port, [], cookie).request("GET", "/healthz")
    return json.loads(body).get("snapshot_version") if status in (200, 503) else None


def _wait_fresh(port: int, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, body = DashClient(port, []).request("GET", "/healthz")
            if status == 200:
                return json.loads(body)
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"no fresh snapshot within {timeout:.0f} s (see the logs)")


def _snapshot_ms(prefix: str, version: int) -> Any:
    """The refresher's own timing of a snapshot (duration_ms), read from Redis."""
    import redis
    from cachelib import RedisCache

    from db.snapshot.store import read_snapshot

    cache = RedisCache(host=redis.Redis.from_url(REDIS_URL), key_prefix=prefix)
    return (read_snapshot(cache, version) or {}).get("duration_ms")


def _wall_cookies(url: str, port: int, count: int) -> list[str]:
    """Issue `count` wall tokens and sign one client in with each; return the session cookies."""
    from db.auth.wall_tokens import issue_wall_token
    from db.session import make_session_factory, session_scope

    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        tokens = [issue_wall_token(session, f"基准大屏{i + 1}", None)[1] for i in range(count)]
    engine.dispose()
    cookies = []
    for token in tokens:
        client = DashClient(port, [])
        client.sign_in(token)
        cookies.append(client.cookie)
    return cookies


def main() -> None:
    args = _args()
    counts = [int(c) for c in args.clients.split(",")]
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise SystemExit(f"--models: unknown {unknown}; choose from {sorted(MODELS)}")
    with tempfile.TemporaryDirectory() as tmp, bench_database(args) as url, \
            deployment(url, args, Path(tmp)) as dep:
        with create_engine(url).connect() as conn:
            cases = conn.scalar(text("SELECT count(*) FROM cases"))
        print(f"database: {cases:,} cases; first snapshot computing…", flush=True)
        started = time.perf_counter()
        health = _wait_fresh(dep["port"], 3600)
        print(f"first snapshot ready after {time.perf_counter() - started:.1f} s "
              f"(version {health['snapshot_version']}, computed in "
              f"{_snapshot_ms(dep['prefix'], health['snapshot_version'])} ms)", flush=True)
        cookies = _wall_cookies(url, dep["port"], max(1, args.tokens))
        deps = json.loads(DashClient(dep["port"], [], cookies[0])
                          .request("GET", "/_dash-dependencies")[1])
        for _ in range(2 * args.workers * args.threads):  # warm every worker's first requests
            DashClient(dep["port"], deps, cookies[0]).render_wall()
        print(f"gunicorn -w {args.workers} -k gthread --threads {args.threads}; "
              f"{args.duration:.0f} s per N; wall: poll every {args.poll} s, update on a new "
              f"version; data change every {args.change_every or '-'} s; closed: full loads "
              f"back to back; {len(cookies)} wall token(s); latencies in ms; "
              f"load average {os.getloadavg()[0]:.1f}")
        if args.build_ratio:
            from bench.build_ratio import run

            run(url, dep, deps, cookies, args)
            return
        print(HEADER)
        for model in models:
            for n in counts:
                print(run_phase(dep, url, model, n, args, deps, cookies), flush=True)
        print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
