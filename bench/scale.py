"""Benchmark: the snapshot at province scale — full build vs the floor scan, incremental refresh.

`python bench/scale.py [--cases 1000000] [--courts 10] [--backend sqlite|postgresql]
[--database NAME] [--drop]` (`make bench-scale`) generates the courts and cases once
(db.demo.bulk.stream_cases: COPY on PostgreSQL) into a kept database
(instance/bench_scale_<cases>_<courts>.db for SQLite, database bench_scale_<cases>_<courts> on
PostgreSQL, or NAME), vacuums and analyzes it, and prints the generation time and the
database's size. The courts are put under one 高院 (`province`, also on a database kept from
before): the snapshot measured is the 高院's, whose 辖区 part ranks every court and team — what
a province's command center builds. Then, in a fresh process, from one run:

* the floor: one conditional-aggregation GROUP BY court, team, officer over all cases;
* a full snapshot build (the refresher's, `Refresher.run(full=True)`) and its ratio to the
  floor (goal <= 3);
* 1,000 cases changed (closed, reassigned to another team of the same court, filing dates
  moved across a month) spread over 10 teams in 10 courts, the incremental refresh's time
  and its share of the full build (goal <= 5%), and whether its views, trend and 辖区 part
  equal the reference builder's on the same data. The incremental build measured is the
  process's second: the first (as many other cases, printed apart) also compiles the
  incremental path's statements once, which a running refresher has long done;
* the refresher process's peak RSS and the snapshot's size (JSON, and zlib-compressed);
* change → wall: the product itself (`create_app`, its scheduler: `REFRESH_INTERVAL_S`
  `--interval`, default 30) serving the database; `--latency-samples` times (default 3), at a
  random moment of the refresh cycle, the same 1,000 changes are committed and the wall's poll
  (`callbacks.shell.poll_version`, what every wall calls each few seconds) is read every 0.2 s
  until it announces a snapshot built from data that holds them; prints each delay and the
  goal (one refresh interval plus 5 s). `--latency-samples 0` skips it.

`--cluster` first rewrites the case table in team order (`python -m dashboard cluster-cases`,
db.maintenance: PostgreSQL CLUSTER, what a court runs at night) and prints its time; the kept
database stays in that order for later runs. Every run prints how closely the rows' physical order
follows team_id (PostgreSQL's correlation statistic: about 0 as generated, 1 after CLUSTER).

`--activity` also gives the cases their events and payments (db.demo.bulk.scale_activity:
about 2.4 events and 0.3 payments a case, set-based, logged by the triggers as a court's import
would be; the kept database is bench_scale_<cases>_<courts>_activity), and the 1,000 changes
then also record an event on every changed case and a payment on every fifth: the 节点管控
section reads them, and its incremental recount follows them (migration 0018).

`--drop` drops the database (deletes the SQLite file) after a run that printed its figures.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cachelib import SimpleCache  # noqa: E402
from sqlalchemy import create_engine, delete, func, or_, select, text, update  # noqa: E402

from bench.scratch import ADMIN, database_url, drop_database  # noqa: E402
from db import migrate  # noqa: E402
from db.demo.bulk import scale_activity, scale_org, scale_rows, stream_cases  # noqa: E402
from db.maintenance import cluster_cases, team_order  # noqa: E402
from db.models import Case, CaseEvent, Court, Officer, Payment, SnapshotChange, Team  # noqa: E402
from db.session import begin_consistent_read, make_session_factory, session_scope  # noqa: E402
from db.snapshot import store  # noqa: E402
from db.snapshot.builder import build_snapshot, default_port  # noqa: E402
from db.snapshot.refresh import Refresher, tune_build  # noqa: E402

TODAY = dt.date(2026, 11, 20)
# the 高院 above the generated courts: the snapshot is its, the 辖区 every court (province)
PROVINCE = {"code": "测高院", "name": "压测高级人民法院", "short_name": "压测高院", "level": "high"}
FLOOR = """SELECT court_id, team_id, officer_id, count(*),
  sum(CASE WHEN filed_on >= :start THEN 1 ELSE 0 END),
  sum(CASE WHEN closed_on >= :start THEN 1 ELSE 0 END),
  sum(CASE WHEN closed_on IS NULL THEN 1 ELSE 0 END),
  sum(target_amount)
FROM cases GROUP BY court_id, team_id, officer_id"""


def kept_url(backend: str, cases: int, courts: int, name: str | None = None,
             activity: bool = False) -> str:
    name = name or f"bench_scale_{cases}_{courts}" + ("_activity" if activity else "")
    if backend == "sqlite":
        path = ROOT / "instance" / f"{name}.db"
        path.parent.mkdir(exist_ok=True)
        return f"sqlite:///{path}"
    admin = create_engine(ADMIN[backend], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                            {"n": name}).first():
            conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return database_url(backend, name)


def seeded(url: str, cases: int) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return (conn.execute(text("SELECT count(*) FROM cases")).scalar() or 0) >= cases
    except Exception:  # noqa: BLE001 - no schema yet
        return False
    finally:
        engine.dispose()


def generate(url: str, cases: int, courts: int, activity: bool = False) -> float:
    """Org and cases (and with `activity` their events and payments) into an empty migrated
    database; returns the seconds it took."""
    migrate.upgrade(url)
    engine = create_engine(url)
    started = time.perf_counter()
    with engine.begin() as conn:  # an interrupted run starts again
        for table in ("snapshot_changes", "payments", "case_events", "cases", "officers", "teams",
                      "courts"):
            conn.execute(text(f"DELETE FROM {table}"))
    holders = scale_org(engine, courts)

    def progress(done: int, _total: int) -> None:
        if done % 1_000_000 == 0:
            print(f"  {done:,} cases, {time.perf_counter() - started:.0f} s", flush=True)

    stream_cases(engine, scale_rows(cases, holders, TODAY), progress=progress)
    if activity:
        written = scale_activity(engine, TODAY)
        print(f"  {written['events']:,} events, {written['payments']:,} payments, "
              f"{time.perf_counter() - started:.0f} s", flush=True)
    with engine.begin() as conn:  # the load is the first full build's business
        if engine.dialect.name == "postgresql":  # no dead rows left for the refresher to scan
            conn.execute(text("TRUNCATE snapshot_changes"))
        else:
            conn.execute(delete(SnapshotChange))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # what autovacuum would have done by the time a real court's refresher runs
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql"
                          else "ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


def province(url: str) -> None:
    """Put the generated courts under one 高院 (once; a kept database from before gets it too):
    the snapshot built is the 高院's, with every court and team in its 辖区 part, as a
    province's command center would run it."""
    engine = create_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        top = session.scalar(select(Court.id).where(Court.code == PROVINCE["code"]))
        if top is None:
            top = Court(**PROVINCE)
            session.add(top)
            session.flush()
            top = top.id
        session.execute(update(Court).where(Court.id != top, Court.parent_id.is_(None))
                        .values(parent_id=top, level="basic"))
    engine.dispose()


def _change(sessions: Any, rng: random.Random) -> int:
    """1,000 cases over 10 teams of 10 courts: close, reassign within the court, move filing;
    in a database with events (`--activity`) each also gets an event (报告财产令 today) and
    every fifth a payment."""
    with session_scope(sessions) as session:
        activity = session.scalar(select(CaseEvent.id).limit(1)) is not None
        courts = sorted(set(session.scalars(select(Team.court_id))))
        picked = rng.sample(courts, min(10, len(courts)))
        changed = 0
        for court in picked:
            teams = list(session.scalars(select(Team.id).where(Team.court_id == court)))
            team, other = teams[0], teams[-1]
            other_officer = session.scalar(select(Officer.id).where(Officer.team_id == other))
            ids = list(session.scalars(select(Case.id).where(Case.team_id == team)
                                       .order_by(Case.id.desc()).limit(100)))
            for i, case_id in enumerate(ids):
                if activity:
                    session.add(CaseEvent(case_id=case_id, kind="property_order", detail="",
                                          occurred_at=dt.datetime.combine(TODAY, dt.time(2))))
                    if i % 5 == 0:
                        session.add(Payment(case_id=case_id, received_on=TODAY, amount=5000))
                if i % 3 == 0:
                    values: dict[str, Any] = {"closed_on": TODAY, "closing_method": "completed"}
                elif i % 3 == 1:
                    values = {"team_id": other, "officer_id": other_officer}
                else:  # across the month boundary, never after its closing day
                    moved = TODAY.replace(day=1) - dt.timedelta(days=1)
                    session.execute(update(Case).where(
                        Case.id == case_id,
                        or_(Case.closed_on.is_(None), Case.closed_on >= moved)).values(
                        filed_on=moved))
                    continue
                session.execute(update(Case).where(Case.id == case_id).values(**values))
            changed += len(ids)
    return changed


def _core(snapshot: dict[str, Any]) -> str:
    return json.dumps({key: snapshot.get(key) for key in ("views", "trend", "region", "nodes")},
                      sort_keys=True)


def _seen(fingerprint: str) -> tuple[int, str]:
    """(data version, newest case update) of a refresher fingerprint."""
    version, newest, _logged = fingerprint.split("|")
    return int(version), newest


def wall_latency(url: str, interval: float, samples: int, seed: int = 7) -> list[float]:
    """Seconds from the commit of 1,000 changes to the wall poll announcing them, per sample.

    The app runs as deployed (its scheduler, its cache, its own first full build); only the
    full-rebuild schedule is pushed out of the way so every sample meets an incremental tick."""
    from dash.exceptions import PreventUpdate

    from callbacks.shell import poll_version
    from dashboard import scheduler
    from dashboard.app import create_app
    from db.snapshot.refresh import data_fingerprint
    from db.snapshot.store import read_state

    # the refresh deadline as a province's deployment would set it (docs/operations.md
    # #bench-scale-cases): a full build at 10,000,000 cases with events passes the default 300 s
    app = create_app({"DATABASE_URL": url, "REFRESH_INTERVAL_S": interval,
                      "COURT_CODE": PROVINCE["code"], "REFRESH_DEADLINE_S": 1800,
                      "FULL_REBUILD_INTERVAL_S": 86400, "SCHEDULER_ENABLED": False})
    server = app.server
    state = server.extensions["dashboard"]
    service = scheduler.start(server, force=True)
    assert service is not None
    rng = random.Random(seed)

    def poll(shown: int | None) -> int | None:
        with server.test_request_context("/_dash-update-component"):
            try:
                announced = poll_version(None, shown, None, None)[0]
            except PreventUpdate:
                return shown
            return announced if isinstance(announced, int) else shown  # else no_update

    try:
        shown, waited = None, 0.0
        while shown is None or read_state(state.extras["cache"]) is None:  # the first build
            if waited > 1800:
                raise SystemExit("no first snapshot within 30 minutes")
            time.sleep(0.5)
            waited += 0.5
            shown = poll(shown)
        delays = []
        for _ in range(samples):
            time.sleep(rng.uniform(0, interval))  # anywhere in the refresh cycle
            _change(state.sessions, rng)
            committed = time.perf_counter()
            with session_scope(state.sessions) as session:
                wanted = _seen(data_fingerprint(session))
            while True:
                time.sleep(0.2)
                now = poll(shown)
                if now is not None and now != shown:
                    shown = now
                    got = read_state(state.extras["cache"])
                    if got is not None and got.fingerprint and _seen(got.fingerprint) >= wanted:
                        delays.append(time.perf_counter() - committed)
                        break
                if time.perf_counter() - committed > 10 * interval + 600:
                    raise SystemExit("the change never reached the wall's poll")
        return delays
    finally:
        service.stop()
        state.engine.dispose()


def measure(url: str, interval: float = 30, samples: int = 3,
            work_mem_mb: int | None = None) -> dict[str, Any]:
    """Floor, full build, incremental build, memory and size in this (fresh) process."""
    engine = create_engine(url)
    sessions = make_session_factory(engine)
    clock = lambda: dt.datetime.combine(TODAY, dt.time(4), tzinfo=dt.UTC)  # noqa: E731
    with engine.connect() as conn:
        start = TODAY.replace(month=1, day=1)
        conn.execute(text(FLOOR), {"start": start}).all()  # warm the cache once
        began = time.perf_counter()
        conn.execute(text(FLOOR), {"start": start}).all()
        floor_s = time.perf_counter() - began
        cases = conn.execute(select(func.count()).select_from(Case)).scalar()
    with session_scope(sessions) as session:
        session.execute(delete(SnapshotChange))
    # the refresher as the scheduler configures it (dashboard/scheduler.py): the app's port,
    # whose snapshot has the 节点管控 section, and its PostgreSQL parallelism setting
    from dashboard.config import DEFAULTS

    settings = dict(DEFAULTS)
    if work_mem_mb is not None:
        settings["SNAPSHOT_PG_WORK_MEM_MB"] = work_mem_mb
    refresher = Refresher(sessions=sessions, cache=SimpleCache(),
                          port_factory=lambda: default_port(None, settings), clock=clock,
                          full_rebuild_s=0, court_code=PROVINCE["code"],
                          pg_parallel=settings["SNAPSHOT_PG_PARALLEL"],
                          pg_work_mem_mb=settings["SNAPSHOT_PG_WORK_MEM_MB"],
                          pg_jit=settings["SNAPSHOT_PG_JIT"])
    began = time.perf_counter()
    refresher.run(full=True)
    full_s = time.perf_counter() - began
    assert refresher.last_mode == "full", refresher.last_mode
    full_timing = (store.current_snapshot(refresher.cache) or {})["timing"]
    # the first incremental build of a process also compiles its statements (SQLAlchemy's
    # cache) and warms their plans: timed and printed apart; the one measured is the next,
    # what a running refresher pays for every change
    first_changed = _change(sessions, random.Random(20))
    began = time.perf_counter()
    refresher.run()
    first_s = time.perf_counter() - began
    changed = _change(sessions, random.Random(21))
    began = time.perf_counter()
    refresher.run()
    incremental_s = time.perf_counter() - began
    mode, node_mode = refresher.last_mode, refresher.last_node_mode
    snapshot = store.current_snapshot(refresher.cache) or {}
    with session_scope(sessions) as session:
        begin_consistent_read(session)
        tune_build(session, settings["SNAPSHOT_PG_PARALLEL"],  # as the build did
                   settings["SNAPSHOT_PG_WORK_MEM_MB"], settings["SNAPSHOT_PG_JIT"])
        reference = build_snapshot(session, default_port(None, settings), today=TODAY,
                                   court_code=PROVINCE["code"])
    raw = json.dumps(snapshot, ensure_ascii=False).encode()
    engine.dispose()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the app runs
    try:
        delays = wall_latency(url, interval, samples) if samples else []
        latency_error = None
    except SystemExit as exc:  # the figures above are printed all the same
        delays, latency_error = [], str(exc)
    return {"interval_s": interval, "delays_s": delays, "latency_error": latency_error,
            "cases": cases, "floor_s": floor_s, "full_s": full_s, "changed": changed,
            "incremental_s": incremental_s, "mode": mode, "node_mode": node_mode,
            "first_incremental_s": first_s, "first_changed": first_changed,
            "identical": _core(snapshot) == _core(reference),
            "rss_mb": rss_mb, "nodes_full_s": full_timing["nodes_ms"] / 1000,
            "nodes_incremental_s": snapshot["timing"]["nodes_ms"] / 1000,
            "timing": {"full": full_timing, "incremental": snapshot["timing"]},
            "pg_parallel": settings["SNAPSHOT_PG_PARALLEL"],
            "work_mem_mb": settings["SNAPSHOT_PG_WORK_MEM_MB"],
            "pg_jit": settings["SNAPSHOT_PG_JIT"],
            "json_kb": len(raw) / 1024, "zlib_kb": len(zlib.compress(raw, 6)) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--courts", type=int, default=10)
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--database", help="the kept database's name (default "
                        "bench_scale_<cases>_<courts>)")
    parser.add_argument("--drop", action="store_true",
                        help="drop the database (or delete the SQLite file) after a run that "
                        "printed its figures")
    parser.add_argument("--interval", type=float, default=30,
                        help="the app's REFRESH_INTERVAL_S for the change → wall figure")
    parser.add_argument("--latency-samples", type=int, default=3,
                        help="changes timed from commit to the wall's poll (0: skip)")
    parser.add_argument("--pg-work-mem-mb", type=int, default=None,
                        help="the builds' SNAPSHOT_PG_WORK_MEM_MB (default: the app's default)")
    parser.add_argument("--cluster", action="store_true",
                        help="rewrite the cases in team order first (PostgreSQL CLUSTER)")
    parser.add_argument("--activity", action="store_true",
                        help="give the cases events and payments too (scale_activity)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.interval, args.latency_samples,
                                 args.pg_work_mem_mb)))
        return
    load = os.getloadavg()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}; load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; "
          f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC", flush=True)
    url = kept_url(args.backend, args.cases, args.courts, args.database, args.activity)
    try:
        _run(args, url)
    except BaseException:
        if args.drop:
            print(f"[{args.backend}] kept {url} to measure again (run stopped)", flush=True)
        raise
    if args.drop:
        _drop(args.backend, url)


def _size_mb(url: str) -> float:
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).stat().st_size / 2**20
    engine = create_engine(url)
    with engine.connect() as conn:
        size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0
    engine.dispose()
    return size / 2**20


def _drop(backend: str, url: str) -> None:
    if backend == "sqlite":
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        drop_database(backend, url.rpartition("/")[2].split("?")[0])
    print(f"[{backend}] dropped {url}", flush=True)


def _latency_lines(m: dict[str, Any]) -> list[str]:
    if m.get("latency_error"):
        return [f"change → wall poll: not measured ({m['latency_error']})"]
    if not m["delays_s"]:
        return []
    goal = m["interval_s"] + 5
    shown = ", ".join(f"{d:.1f}" for d in m["delays_s"])
    return [f"change → wall poll (refresh every {m['interval_s']:g} s, the app's scheduler): "
            f"{shown} s; worst {max(m['delays_s']):.1f} s "
            f"(goal <= {goal:g} s: {'met' if max(m['delays_s']) <= goal else 'NOT met'})"]


def _counts(url: str) -> tuple[int, int]:
    """(events, payments) in the database."""
    engine = create_engine(url)
    with engine.connect() as conn:
        found = (conn.execute(select(func.count()).select_from(CaseEvent)).scalar() or 0,
                 conn.execute(select(func.count()).select_from(Payment)).scalar() or 0)
    engine.dispose()
    return found


def _add_activity(args: argparse.Namespace, url: str) -> None:
    """`--activity` on a kept database generated without it: add the events and payments."""
    if not args.activity or _counts(url)[0]:
        return
    engine = create_engine(url)
    began = time.perf_counter()
    written = scale_activity(engine, TODAY)
    with engine.begin() as conn:
        conn.execute(delete(SnapshotChange))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    engine.dispose()
    print(f"[{args.backend}] added {written['events']:,} events and {written['payments']:,} "
          f"payments in {time.perf_counter() - began:.1f} s", flush=True)


def _run(args: argparse.Namespace, url: str) -> None:
    if seeded(url, args.cases):
        migrate.upgrade(url)
        print(f"[{args.backend}] reusing {url}", flush=True)
    else:
        print(f"[{args.backend}] generating {args.cases:,} cases in {args.courts} courts …",
              flush=True)
        print(f"[{args.backend}] generated in "
              f"{generate(url, args.cases, args.courts, args.activity):.1f} s", flush=True)
    _add_activity(args, url)
    province(url)
    print(f"[{args.backend}] database size: {_size_mb(url):,.0f} MB", flush=True)
    engine = create_engine(url)
    try:
        if args.cluster:
            print(f"[{args.backend}] {cluster_cases(engine, timeout_s=4 * 3600).message}",
                  flush=True)
        order = team_order(engine)
    finally:
        engine.dispose()
    if order is not None:
        print(f"[{args.backend}] physical order of the cases vs team_id (correlation): "
              f"{order:.3f}", flush=True)
    work_mem = [] if args.pg_work_mem_mb is None else ["--pg-work-mem-mb", str(args.pg_work_mem_mb)]
    out = subprocess.run([sys.executable, __file__, "--measure", url, "--interval",
                          str(args.interval), "--latency-samples", str(args.latency_samples),
                          *work_mem],
                         capture_output=True, text=True, check=False)
    if out.returncode:
        print(out.stderr, file=sys.stderr)
        raise SystemExit(out.returncode)
    m = json.loads(out.stdout.strip().splitlines()[-1])
    events, payments = _counts(url)
    print("\n".join([
        f"cases: {m['cases']:,} in {args.courts} courts under one 高院, the snapshot the "
        f"高院's with every court in its 辖区 ({args.backend}); events {events:,}, "
        f"payments {payments:,}",
        f"floor scan (GROUP BY court, team, officer):  {m['floor_s']:.3f} s",
        f"full snapshot build:                         {m['full_s']:.3f} s",
        f"ratio full / floor: {m['full_s'] / m['floor_s']:.2f} (goal <= 3)",
        f"incremental after {m['changed']:,} changed cases in 10 courts/teams: "
        f"{m['incremental_s']:.3f} s ({m['mode']}), "
        f"{100 * m['incremental_s'] / m['full_s']:.1f}% of full (goal <= 5%)",
        f"  (the process's first incremental build, {m['first_changed']:,} other cases, its "
        f"statements compiled on first use: {m['first_incremental_s']:.3f} s, "
        f"{100 * m['first_incremental_s'] / m['full_s']:.1f}% of full)",
        f"incremental == full (views, trend, 辖区, 节点管控): "
        f"{'yes' if m['identical'] else 'NO'}",
        f"the 节点管控 section of the full build: {m['nodes_full_s']:.3f} s, of the incremental "
        f"one: {m['nodes_incremental_s']:.3f} s ({m['node_mode']}) (builds as the scheduler "
        f"runs them: SNAPSHOT_PG_PARALLEL = {m['pg_parallel']}, SNAPSHOT_PG_WORK_MEM_MB = "
        f"{m['work_mem_mb']}, SNAPSHOT_PG_JIT = {'on' if m.get('pg_jit') else 'off'})",
        *[f"{build} build's time (s): " + ", ".join(
            f"{key.removesuffix('_ms')} {ms / 1000:.3f}" for key, ms in spent.items())
          for build, spent in m["timing"].items()],
        f"refresher peak RSS: {m['rss_mb']:.0f} MB; snapshot in the cache: "
        f"{m['json_kb']:.0f} KB JSON, {m['zlib_kb']:.0f} KB compressed",
        *_latency_lines(m),
        f"load at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}",
    ]))
    if not m["identical"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
