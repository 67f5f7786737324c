"""Benchmark: the import engine against the floor of only reading the same file.

`python bench/imports.py [--rows 1000000] [--xlsx-rows 100000] [--backends sqlite,postgresql]`

For a generated case CSV (`--rows`) and a generated 案件 workbook (`--xlsx-rows`) it prints the
floor (the file read row by row with the csv module / openpyxl read-only, nothing else), the
import time (`run_import` into a freshly migrated database: parse, validate, upsert, batch
records, first assignments, commit) and their ratio, per backend. Each import runs in its own
process, which also reports its peak RSS; the same import at a quarter of the rows is run too,
so the two peaks show whether memory stays flat as the file grows.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

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


def database(backend: str, tmp: Path):
    """(url, drop) for a new empty database on the backend."""
    if backend == "sqlite":
        return f"sqlite:///{tmp}/bench_{uuid.uuid4().hex[:6]}.db", lambda: None
    from tests.backends import server_database

    ctx = server_database(backend, str(tmp))
    url = ctx.__enter__()
    return url, lambda: ctx.__exit__(None, None, None)


def child(path: str, url: str, name: str) -> None:
    """Migrate `url`, add the court, import `path`; print seconds and peak RSS as JSON."""
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
    start, cpu = time.perf_counter(), time.process_time()
    with Session(engine) as s:
        result = run_import(s, Path(path), actor="bench", name=name)
        s.commit()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert not result.errors, result.errors[:3]
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rss_mb": peak_kb / 1024, "new": result.total("new")}))


def run_child(path: Path, backend: str, tmp: Path) -> dict:
    url, drop = database(backend, tmp)
    try:
        done = subprocess.run([sys.executable, __file__, "--child", str(path), url, path.name],
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
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
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
        print("wall = elapsed seconds; cpu = this process's CPU seconds (the database server's own work on\n"
              "PostgreSQL is not in it). On a shared machine the CPU ratio is the steadier figure.")
        print(f"{'file':<20}{'backend':<11}{'floor wall/cpu':>15}{'import wall/cpu':>17}"
              f"{'ratio wall/cpu':>16}{'rows/s':>9}{'peak RSS MB':>12}")
        for backend in args.backends.split(","):
            for kind, size, path in files:
                wall, cpu = floor(path)
                got = run_child(path, backend, tmp)
                assert got["new"] == size, got
                print(f"{f'{kind} {size:,} 行':<20}{backend:<11}{wall:>8.2f}/{cpu:<6.2f}"
                      f"{got['seconds']:>10.1f}/{got['cpu']:<6.1f}"
                      f"{got['seconds'] / wall:>8.0f}×/{got['cpu'] / cpu:.0f}×"
                      f"{size / got['seconds']:>9,.0f}{got['rss_mb']:>12.0f}", flush=True)


if __name__ == "__main__":
    main()
