"""Benchmark: what the snapshot's 辖区 part (db/snapshot/region.py) costs a 中院's build.

`python bench/region.py [--cases 100000] [--courts 9] [--runs 3] [--db PATH]`

Generates a 中院 over courts-1 basic courts (db.demo.bulk.scale_org/scale_rows: 5 teams of 5
officers each, the cases spread over them) into a kept SQLite file (instance/bench_region_<cases>_
<courts>.db), then builds the snapshot of the 中院 `--runs` times with the 辖区 part and as many
times without it (builder.load_region answering None, as for a single court), alternating, and
prints the median build times, the snapshot's size with and without the part (JSON, and
zlib-compressed) and the load average.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
import zlib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import update  # noqa: E402

from db import migrate  # noqa: E402
from db.demo.bulk import scale_org, scale_rows, stream_cases  # noqa: E402
from db.models import Court  # noqa: E402
from db.session import (  # noqa: E402
    begin_consistent_read,
    make_engine,
    make_session_factory,
    session_scope,
)
from db.snapshot import builder  # noqa: E402
from db.snapshot.jsonsafe import json_safe  # noqa: E402

TODAY = dt.date(2026, 11, 20)


def _generate(url: str, cases: int, courts: int) -> None:
    migrate.upgrade(url)
    engine = make_engine(url)
    holders = scale_org(engine, courts, teams_per_court=5, officers_per_team=5)
    top = holders[0][0]
    with session_scope(make_session_factory(engine)) as session:
        session.execute(update(Court).where(Court.id == top).values(level="intermediate",
                                                                    code="测中院"))
        session.execute(update(Court).where(Court.id != top).values(parent_id=top, level="basic"))
    stream_cases(engine, scale_rows(cases, holders, TODAY))
    engine.dispose()


def _build(url: str, region: bool) -> tuple[float, dict[str, Any]]:
    engine = make_engine(url)
    real = builder.load_region
    if not region:
        builder.load_region = lambda _session, _court: None  # type: ignore[assignment]
    try:
        with session_scope(make_session_factory(engine)) as session:
            begin_consistent_read(session)
            began = time.perf_counter()
            body = builder.build_snapshot(session, builder.default_port(None), today=TODAY,
                                          court_code="测中院")
            took = time.perf_counter() - began
    finally:
        builder.load_region = real  # type: ignore[assignment]
        engine.dispose()
    return took, body


def _size(body: dict[str, Any]) -> tuple[int, int]:
    raw = json.dumps(json_safe(body), ensure_ascii=False).encode()
    return len(raw), len(zlib.compress(raw))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--courts", type=int, default=9)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", default="")
    args = parser.parse_args()
    path = Path(args.db or ROOT / "instance" / f"bench_region_{args.cases}_{args.courts}.db")
    url = f"sqlite:///{path}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        _generate(url, args.cases, args.courts)
        print(f"generated {args.cases:,} cases in {args.courts} courts "
              f"({time.perf_counter() - began:.1f} s): {path}")
    times: dict[bool, list[float]] = {True: [], False: []}
    bodies: dict[bool, dict[str, Any]] = {}
    for _ in range(args.runs):
        for region in (False, True):
            took, bodies[region] = _build(url, region)
            times[region].append(took)
    assert "region" in bodies[True] and "region" not in bodies[False]
    for region in (False, True):
        raw, packed = _size(bodies[region])
        label = "with the 辖区 part   " if region else "without the 辖区 part"
        print(f"{label}: build median {statistics.median(times[region]):.2f} s "
              f"(runs {', '.join(f'{t:.2f}' for t in times[region])}), snapshot "
              f"{raw / 1024:.0f} KiB JSON, {packed / 1024:.0f} KiB zlib")
    part = json.dumps(json_safe(bodies[True]["region"]), ensure_ascii=False).encode()
    print(f"the 辖区 part alone: {len(part) / 1024:.0f} KiB JSON; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
