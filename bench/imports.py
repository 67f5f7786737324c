"""Benchmark: the import engine against the floor of only reading the same file.

`python bench/imports.py [--rows 1000000] [--xlsx-rows 100000] [--backends sqlite,postgresql]`

For a generated case CSV (`--rows`) and a generated 案件 workbook (`--xlsx-rows`) it prints,
per backend and each as a ratio to the floor (wall and CPU):

- floor: the file read row by row with the csv module / openpyxl read-only, nothing else;
- convert: the file read and each row's fields turned into the Python values of a `cases` row
  by the cheapest calls that handle this file's forms (`date.fromisoformat`, `Decimal`, one
  regex match of the 案号, dict look-ups for the enumerations, team and officer) — no checks,
  no other forms, no database: a lower bound of any import's parsing;
- insert: those converted rows, prepared untimed, written into a freshly migrated scratch
  database's `cases` table through `db.imports.bulk.insert_rows` in 1,000-row chunks (its indexes
  and row triggers; on SQLite the indexes dropped and rebuilt as the import does) and committed,
  all timed: a lower bound of any import's writing of the case rows alone;
- import: `run_import` into a freshly migrated database (parse, validate, upsert, batch
  records, first assignments, commit).

On PostgreSQL the database server's CPU for the insert and import steps is read from its
backend process's /proc entry (the server runs on this machine) and shown beside the client's.

Each database step runs in its own process, which also reports its peak RSS; the same import at a
quarter of the rows is run too, so the two peaks show whether memory stays flat as the file grows.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = ["案号", "立案日期", "收案日期", "结案日期", "结案方式", "承办团队", "承办人", "申请执行标的金额",
          "实际到位金额", "案由", "非诉执行", "繁简"]
CAUSES = ("民间借贷纠纷", "买卖合同纠纷", "劳动争议", "金融借款合同纠纷", "租赁合同纠纷")


def rows(n: int):
    for i in range(1, n + 1):
        month, day = 1 + i % 12, 1 + i % 28
        closed = i % 2 == 0
        team = f"执行{1 + i % 8}团队" + ("（简案）" if i % 3 else "（繁案）")
        yield [f"（2024）内0299执{i}号", f"2024-{month:02d}-{day:02d}", "",
               f"2024-{month:02d}-{day:02d}" if closed else "", "执行完毕" if closed else "", team,
               f"法官{i % 60}", f"{(i % 997) * 101}.50", f"{(i % 97) * 100}" if closed else "0",
               CAUSES[i % len(CAUSES)], "否", "简" if i % 3 else "繁"]


def write_csv(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        out.writerows(rows(n))


def write_xlsx(path: Path, n: int) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("案件")
    ws.append(HEADER)
    for row in rows(n):
        ws.append(row)
    book.save(path)


def floor(path: Path) -> tuple[float, float]:
    """(wall s, CPU s) of reading the file row by row and doing nothing else."""
    start, cpu = time.perf_counter(), time.process_time()
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as fh:
            for _ in csv.reader(fh):
                pass
    else:
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for ws in book.worksheets:
            for _ in ws.iter_rows(values_only=True):
                pass
        book.close()
    return time.perf_counter() - start, time.process_time() - cpu


def read(path: Path) -> Iterator[Any]:
    """The file's data rows (after the header), as the floor reads them."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            yield from reader
    else:
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows_ = book.worksheets[0].iter_rows(values_only=True)
        next(rows_)
        yield from rows_
        book.close()


def converter(court_id: int, teams: Callable[[str], int], officers: Callable[[str], int]
              ) -> Callable[[Any], tuple[Any, ...]]:
    """A row of this bench's files → a `cases` row in `db.imports.engine.BULK_CASE_COLUMNS`
    order, by the cheapest calls for the forms the file has (a lower bound of parsing)."""
    from db.cases.numbers import _PATTERN as case_number
    from db.cases.vocab import CASE_TYPES
    from db.imports.schema import CLOSING_FORMS, TRACK_FORMS

    date, match = dt.date.fromisoformat, case_number.match
    category = {k: t.category for k, t in CASE_TYPES.items()}
    yes = {"是": True, "否": False, "": False, None: False}

    def convert(r: Any) -> tuple[Any, ...]:
        found = match(r[0])
        assert found is not None  # the generated 案号s all parse
        year, code, kind, serial = found.groups()
        closed = date(r[3]) if r[3] else None
        team, officer = teams(r[5]), officers(r[6])
        return (court_id, r[0], int(year), code, kind, int(serial), category[kind],
                date(r[2]) if r[2] else None, date(r[1]), closed, CLOSING_FORMS[r[4]] if r[4] else None,
                TRACK_FORMS[r[11]], yes[r[10]], team, officer, Decimal(r[7]), Decimal(r[8]), r[9], None,
                team if closed else None, officer if closed else None)
    return convert


def convert_time(path: Path) -> tuple[float, float]:
    """(wall s, CPU s) of reading the file and converting every row (no database)."""
    ids: dict[str, int] = {}
    convert = converter(1, lambda t: ids.setdefault(t, len(ids) + 1), lambda o: ids.setdefault(o, len(ids) + 1))
    start, cpu = time.perf_counter(), time.process_time()
    for r in read(path):
        convert(r)
    return time.perf_counter() - start, time.process_time() - cpu


def database(backend: str, tmp: Path):
    """(url, drop) for a new empty database on the backend."""
    if backend == "sqlite":
        return f"sqlite:///{tmp}/bench_{uuid.uuid4().hex[:6]}.db", lambda: None
    from tests.backends import server_database

    ctx = server_database(backend, str(tmp))
    url = ctx.__enter__()
    return url, lambda: ctx.__exit__(None, None, None)


def server_cpu(session: Any) -> Callable[[], float | None]:
    """A clock of the session's PostgreSQL backend process's CPU seconds, read from /proc
    (the server runs on this machine); a clock that reads None elsewhere."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return lambda: None
    stat = Path(f"/proc/{conn.exec_driver_sql('SELECT pg_backend_pid()').scalar()}/stat")
    ticks = os.sysconf("SC_CLK_TCK")

    def read() -> float | None:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return read


def child(step: str, path: str, url: str, name: str) -> None:
    """Migrate `url`, add the court, run `step` (import / insert) on `path`; print seconds and
    peak RSS as JSON."""
    from sqlalchemy.orm import Session

    from db import migrate
    from db.imports import run_import
    from db.models import Court
    from db.session import make_engine

    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as s:
        s.add(Court(code="内0299", name="某某人民法院"))
        s.commit()
    if step == "insert":
        insert_child(engine, Path(path))
        return
    with Session(engine) as s:
        server = server_cpu(s)
        start, cpu, server0 = time.perf_counter(), time.process_time(), server()
        result = run_import(s, Path(path), actor="bench", name=name)
        s.commit()
        seconds, cpu, server1 = time.perf_counter() - start, time.process_time() - cpu, server()
    assert not result.errors, result.errors[:3]
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rss_mb": peak_kb / 1024, "new": result.total("new"),
                      "server": None if server0 is None or server1 is None else server1 - server0}))


def insert_child(engine: Any, path: Path) -> None:
    """The insert step: the file's rows converted (untimed), inserted by `bulk.insert_rows` in
    1,000-row chunks as the import does, and committed (timed, with SQLite's index drop and
    rebuild)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from db.imports import bulk
    from db.imports.engine import BULK_CASE_COLUMNS, CASES, team_kind_from_name
    from db.models import Court, Officer, Team

    with Session(engine) as s:
        court_id = s.scalar(select(Court.id))
        assert court_id is not None
        names = list(rows(120))  # every team and officer name of the generated files
        teams = {t: Team(court_id=court_id, name=t, kind=team_kind_from_name(t)) for t in {r[5] for r in names}}
        officers = {o: Officer(court_id=court_id, name=o, role="judge") for o in {r[6] for r in names}}
        s.add_all([*teams.values(), *officers.values()])
        s.commit()
        team_ids = {k: v.id for k, v in teams.items()}
        officer_ids = {k: v.id for k, v in officers.items()}
    convert = converter(court_id, team_ids.__getitem__, officer_ids.__getitem__)
    wall = cpu = 0.0
    with Session(engine) as s:
        server = server_cpu(s)  # also opens the transaction before the clock starts
        server0 = server()
        start, cpu0 = time.perf_counter(), time.process_time()
        dropped = bulk.drop_indexes(s, CASES)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
        chunk: list[tuple[Any, ...]] = []
        memos: dict[str, dict[Any, Any]] = {}  # the converted values, kept across chunks as the import does
        source = read(path)
        while True:
            chunk = [convert(r) for _, r in zip(range(1000), source, strict=False)]
            if not chunk:
                break
            start, cpu0 = time.perf_counter(), time.process_time()
            bulk.insert_rows(s, CASES, BULK_CASE_COLUMNS, chunk, memos)
            wall, cpu = wall + time.perf_counter() - start, cpu + time.process_time() - cpu0
        count = s.scalar(select(CASES.c.id).order_by(CASES.c.id.desc()).limit(1))
        start, cpu0 = time.perf_counter(), time.process_time()
        bulk.restore_indexes(s, dropped)
        s.commit()  # an import commits too (the scratch database is dropped afterwards)
        wall, cpu = wall + time.perf_counter() - start, cpu + time.process_time() - cpu0
        server1 = server()  # the backend is idle between chunks: its CPU is the inserts' and the commit's
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": wall, "cpu": cpu, "rss_mb": peak_kb / 1024, "new": count,
                      "server": None if server0 is None or server1 is None else server1 - server0}))


def run_child(step: str, path: Path, backend: str, tmp: Path) -> dict:
    url, drop = database(backend, tmp)
    try:
        done = subprocess.run([sys.executable, __file__, "--child", step, str(path), url, path.name],
                              capture_output=True, text=True, timeout=7200, cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        if done.returncode != 0:
            raise SystemExit(done.stderr[-3000:])
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the case CSV")
    parser.add_argument("--xlsx-rows", type=int, default=100_000, help="rows of the 案件 workbook")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--no-memory", action="store_true", help="skip the quarter-size runs")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        files = []
        for kind, n, write in (("csv", args.rows, write_csv), ("xlsx", args.xlsx_rows, write_xlsx)):
            if n <= 0:
                continue
            for size in ((n,) if args.no_memory else (n // 4, n)):
                path = tmp / f"案件_{size}.{kind}"
                write(path, size)
                files.append((kind, size, path))
        print("wall = elapsed seconds; cpu = this process's CPU seconds. On a shared machine the CPU ratio is\n"
              "the steadier figure. server = the PostgreSQL backend's own CPU seconds for the step (from /proc),\n"
              "and (cpu + server) as a ratio to the floor's CPU.\n"
              "convert = read + turn each row into its Python values (no checks, no database); insert = the\n"
              "converted rows written by db.imports.bulk.insert_rows into `cases` (indexes, triggers), committed.")
        print(f"{'file':<20}{'backend':<11}{'step':<9}{'wall/cpu s':>15}{'ratio wall/cpu':>17}"
              f"{'cpu µs/row':>11}{'server s':>9}{'+server':>8}{'rows/s':>9}{'peak RSS MB':>12}")
        for backend in args.backends.split(","):
            for kind, size, path in files:
                wall, cpu = floor(path)
                steps = {"floor": (wall, cpu, None, None), "convert": (*convert_time(path), None, None)}
                for step in ("insert", "import"):
                    got = run_child(step, path, backend, tmp)
                    assert got["new"] == size, got
                    steps[step] = (got["seconds"], got["cpu"], got.get("server"), got["rss_mb"])
                for step, (w, c, server, rss) in steps.items():
                    both = (f"{server:>9.2f}{f'{(c + server) / cpu:.1f}×':>8}" if server is not None
                            else " " * 17)
                    print(f"{f'{kind} {size:,} 行':<20}{backend:<11}{step:<9}{w:>8.2f}/{c:<6.2f}"
                          f"{f'{w / wall:.1f}×/{c / cpu:.1f}×':>17}{c / size * 1e6:>11.1f}{both}{size / w:>9,.0f}"
                          + (f"{rss:>12.0f}" if rss is not None else ""), flush=True)


if __name__ == "__main__":
    main()
