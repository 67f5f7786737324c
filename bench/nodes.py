"""Benchmark: node statuses for every case (db.nodes), e.g. one million cases with their events.

`python bench/nodes.py [--cases 1000000] [--backends sqlite,postgresql]` generates the cases
(db.demo.seed_bulk) into a throw-away database per backend, then times
  - each rule's status rows (SELECT count(*) over the rule's subquery),
  - node_counts(team) and node_summary() (what the refresher puts into the snapshot),
  - node_parts() with the event rules that start on a case date sharing one pass, and with one
    pass per rule (the ratio of the two, from one run),
and prints the numbers. `--url URL` measures an existing database instead (nothing generated).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.scratch import scratch_database  # noqa: E402
from db import migrate  # noqa: E402
from db.models import Case, CaseEvent, Payment  # noqa: E402
from db.nodes import sql as node_sql  # noqa: E402
from db.nodes.counts import node_counts, node_parts, node_summary  # noqa: E402
from db.nodes.rules import load_rules  # noqa: E402
from db.nodes.sql import NodeFilter, node_rows  # noqa: E402
from db.session import make_engine  # noqa: E402


def timed(label: str, fn: Callable[[], Any]) -> Any:
    """Run fn, print its wall time, return its result."""
    start = time.perf_counter()
    result = fn()
    print(f"  {label:<34} {time.perf_counter() - start:8.2f} s", flush=True)
    return result


def seed(url: str, cases: int, today: dt.date) -> None:
    from db.demo import seed_bulk

    migrate.upgrade(url)
    engine = make_engine(url)
    step = max(cases // 10, 1)

    def progress(done: int, total: int) -> None:
        if done % step < 20_000 or done == total:
            print(f"    generated {done:,}/{total:,}", flush=True)

    timed(f"seed_bulk({cases:,})", lambda: seed_bulk(engine, cases, today=today, progress=progress))
    if engine.dialect.name != "sqlite":  # fresh tables: give the planner statistics first
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            timed("ANALYZE", lambda: conn.execute(text("ANALYZE" if engine.dialect.name == "postgresql"
                                                      else "ANALYZE TABLE cases, case_events, payments")))
    else:
        with engine.begin() as conn:
            timed("ANALYZE", lambda: conn.execute(text("ANALYZE")))
    engine.dispose()


def _parts_time(s: Session, today: dt.date, rules: Any) -> float:
    start = time.perf_counter()
    node_parts(s, today, rules)
    return time.perf_counter() - start


def measure(url: str, today: dt.date) -> None:
    engine = make_engine(url)
    rules = load_rules()
    with Session(engine) as s:
        sizes = [s.scalar(select(func.count()).select_from(m)) for m in (Case, CaseEvent, Payment)]
        print(f"  cases {sizes[0]:,}  events {sizes[1]:,}  payments {sizes[2]:,}  today {today}")
        total = 0
        for rule in rules.nodes:
            rows = node_rows(s, rules, today, NodeFilter(nodes=(rule.key,)))
            total += timed(f"rule {rule.key} ({rule.kind})",
                           lambda rows=rows: s.scalar(select(func.count()).select_from(rows)))
        print(f"  node rows in all: {total:,}")
        timed("node_counts(team) all rules", lambda: node_counts(s, "team", None, today, rules))
        summary = timed("node_summary (snapshot field)", lambda: node_summary(s, today, rules))
        print(f"  totals {summary['totals']}")
        # the event rules that start on a case date: one shared pass against one per rule
        # (whatever node_sql.SHARED_PASS_DIALECTS chooses for this database)
        real = node_sql.SHARED_PASS_DIALECTS
        try:
            node_sql.SHARED_PASS_DIALECTS = frozenset({engine.dialect.name})
            shared_s = _parts_time(s, today, rules)
            node_sql.SHARED_PASS_DIALECTS = frozenset()
            own_s = _parts_time(s, today, rules)
        finally:
            node_sql.SHARED_PASS_DIALECTS = real
        print(f"  node_parts (the section's node counts): shared case-date pass {shared_s:.2f} s, "
              f"one pass per rule {own_s:.2f} s, ratio {shared_s / own_s:.2f}")
    engine.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS of this process: {peak_mb:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--url", help="measure this existing database instead of generating one")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 26))
    parser.add_argument("--keep", action="store_true", help="keep the generated databases")
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    if args.url:
        print(f"== {args.url.split('://')[0]} (existing database)")
        measure(args.url, args.today)
        return
    tmp = tempfile.mkdtemp(prefix="bench_nodes_")
    for backend in args.backends.split(","):
        print(f"== {backend}, {args.cases:,} cases", flush=True)
        with scratch_database(backend, tmp, "bench_nodes", args.keep) as url:
            seed(url, args.cases, args.today)
            measure(url, args.today)
    if args.keep:
        print(f"SQLite files kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
