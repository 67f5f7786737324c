"""Load benchmark: the production setup under N concurrent polling clients (loopback only).

`python bench/load.py [--cases 1000000] [--clients 10,50,200] [--duration 30]`

Starts the documented production deployment on this machine: gunicorn (gthread workers,
DASHBOARD_SCHEDULER_ENABLED=0), one `python -m dashboard scheduler`, a throw-away
PostgreSQL database seeded with --cases generated cases (db.demo.seed_bulk; or an existing
database with --database-url) and Redis (own key prefix). Then, for each N, N client threads
each behave like an open wall page for --duration seconds: a full wall render on "open",
then the shell's version poll every --think seconds, and a full render again every
--render-every polls. Prints per N: requests/s, p50/p95/p99 of the poll and of a full
render (all requests of one wall load, sequential), errors, database transactions and table
scans per minute (pg_stat_database / pg_stat_user_tables of the bench database) and the
server's memory (RSS of gunicorn master+workers+scheduler) at start and end of the phase.
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from db import migrate  # noqa: E402
from db.session import make_engine  # noqa: E402

PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
BIN = Path(sys.executable).parent
POLL = "shell-poll"
OWN_XACTS = 3  # the bench's own autocommit reads of the counters


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=1_000_000, help="generated cases to seed")
    p.add_argument("--database-url", help="use this (already seeded) database instead")
    p.add_argument("--clients", default="10,50,200", help="comma-separated client counts")
    p.add_argument("--duration", type=float, default=30, help="seconds per client count")
    p.add_argument("--think", type=float, default=2.0, help="seconds between polls per client")
    p.add_argument("--render-every", type=int, default=10, help="polls between full renders")
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--interval", type=int, default=5, help="DASHBOARD_REFRESH_INTERVAL_S")
    return p.parse_args()


@contextmanager
def bench_database(args: argparse.Namespace) -> Iterator[str]:
    """Yield a seeded PostgreSQL URL (a scratch database unless --database-url)."""
    if args.database_url:
        yield args.database_url
        return
    from db.demo.bulk import seed_bulk

    name = f"bench_load_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    try:
        migrate.upgrade(url)
        started = time.perf_counter()
        engine = make_engine(url)
        seed_bulk(engine, args.cases)
        engine.dispose()
        with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text("ANALYZE"))  # planner statistics, as autovacuum would have
        print(f"seeded {args.cases:,} cases in {time.perf_counter() - started:.0f} s", flush=True)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"))
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def deployment(url: str, args: argparse.Namespace, logs: Path) -> Iterator[dict[str, Any]]:
    """Start gunicorn and one scheduler; stop both (and drop the Redis keys) afterwards."""
    prefix, port = f"bench-{uuid.uuid4().hex[:8]}:", _free_port()
    env = {**os.environ, "DASHBOARD_DATABASE_URL": url, "DASHBOARD_CACHE_URL": REDIS_URL,
           "DASHBOARD_CACHE_PREFIX": prefix, "DASHBOARD_REFRESH_INTERVAL_S": str(args.interval),
           "DASHBOARD_ENV": "production", "DASHBOARD_SIMULATE": "0", "PYTHONPATH": str(ROOT)}
    procs = {
        "web": [str(BIN / "gunicorn"), "-w", str(args.workers), "-k", "gthread",
                "--threads", str(args.threads), "--keep-alive", "5", "-b", f"127.0.0.1:{port}",
                "--timeout", "120", "dashboard.wsgi:server"],
        "scheduler": [sys.executable, "-m", "dashboard", "scheduler"],
    }
    running = {}
    for name, cmd in procs.items():
        extra = {"DASHBOARD_SCHEDULER_ENABLED": "0"} if name == "web" else {}
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
    """One browser page's requests over one keep-alive connection."""

    def __init__(self, port: int, deps: list[dict[str, Any]]) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.deps, self.shown = deps, None

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        payload = None if body is None else json.dumps(body)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                reply = self.conn.getresponse()
                return reply.status, reply.read()
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                # the server closed an idle keep-alive connection: reconnect, as browsers do
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def callback(self, output_start: str, inputs: dict[str, Any],
                 state: dict[str, Any] | None = None) -> dict[str, Any]:
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
            raise RuntimeError(f"callback {output_start}: HTTP {status}")
        return json.loads(data)["response"]

    def poll(self, n: int) -> None:
        reply = self.callback("shell-snapshot-version", {f"{POLL}.n_intervals": n},
                              {"shell-snapshot-version.data": self.shown,
                               "shell-root.className": "shell"})
        version = reply.get("shell-snapshot-version", {}).get("data")
        self.shown = version if version is not None else self.shown

    def render_wall(self) -> None:
        """Everything one wall load asks the server for, in order."""
        for path in ("/wall?kiosk=1", "/_dash-layout"):
            status, _ = self.request("GET", path)
            if status != 200:
                raise RuntimeError(f"GET {path}: HTTP {status}")
        self.callback("_pages_content", {"_pages_location.pathname": "/wall",
                                         "_pages_location.search": "?kiosk=1"})
        self.shown = None
        self.poll(0)
        self.callback("wall-shown-version", {"shell-snapshot-version.data": self.shown})
        for screen in ("wall-tiles", "wall-teams", "wall-nodes", "wall-feed"):
            self.callback(screen, {"wall-shown-version.data": self.shown})


def _client(port: int, deps: list, args: argparse.Namespace, stop: float,
            out: dict[str, list]) -> None:
    client, n = DashClient(port, deps), 0
    time.sleep(random.uniform(0, args.think))  # pages open at different moments
    while time.monotonic() < stop:
        kind = "render" if n % args.render_every == 0 else "poll"
        started = time.perf_counter()
        try:
            if kind == "render":
                client.render_wall()
            else:
                client.poll(n)
            out[kind].append((time.perf_counter() - started) * 1000)
        except Exception as exc:  # noqa: BLE001 - counted and reported
            out["errors"].append(repr(exc))
            client = DashClient(port, deps)
        n += 1
        time.sleep(args.think)


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


def run_phase(dep: dict[str, Any], url: str, n: int, args: argparse.Namespace,
              deps: list) -> str:
    out: dict[str, list] = {"poll": [], "render": [], "errors": []}
    mem_start, (x0, s0) = _rss_mb(dep["pids"]), _db_counters(url)
    started = time.monotonic()
    stop = started + args.duration
    threads = [threading.Thread(target=_client, args=(dep["port"], deps, args, stop, out))
               for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    time.sleep(1.0)  # let PostgreSQL flush its statistics
    x1, s1 = _db_counters(url)
    minutes = elapsed / 60
    total = len(out["poll"]) + len(out["render"])
    return (f"{n:>4} {total / elapsed:>7.1f} "
            f"{_pct(out['poll'], .5):>6.1f} {_pct(out['poll'], .95):>6.1f} "
            f"{_pct(out['poll'], .99):>6.1f} {_pct(out['render'], .5):>7.1f} "
            f"{_pct(out['render'], .95):>7.1f} {_pct(out['render'], .99):>7.1f} "
            f"{len(out['errors']):>6} {(x1 - x0 - OWN_XACTS) / minutes:>8.0f} "
            f"{(s1 - s0) / minutes:>8.0f} {mem_start:>7.0f} {_rss_mb(dep['pids']):>7.0f}"
            + (f"  first error: {out['errors'][0]}" if out["errors"] else ""))


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


def main() -> None:
    args = _args()
    counts = [int(c) for c in args.clients.split(",")]
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
        deps = json.loads(DashClient(dep["port"], []).request("GET", "/_dash-dependencies")[1])
        for _ in range(2 * args.workers * args.threads):  # warm every worker's first requests
            DashClient(dep["port"], deps).render_wall()
        print(f"gunicorn -w {args.workers} -k gthread --threads {args.threads}; "
              f"{args.duration:.0f} s per N; poll every {args.think} s, full wall render "
              f"every {args.render_every} polls; latencies in ms")
        print("   N   req/s  poll50 poll95 poll99 rend50  rend95  rend99 errors "
              " dbxact/m  scans/m  memMB0  memMB1")
        for n in counts:
            print(run_phase(dep, url, n, args, deps), flush=True)


if __name__ == "__main__":
    main()
