"""Benchmark: the 督办 list page's queries with many orders.

`python bench/supervision.py --url sqlite:///path/to/demo.db [--orders 20000]` copies nothing: it
adds N orders (with a 反馈 step on a third and 办结 on a sixth of them) to the database at URL inside
one transaction, times what /supervision runs per view — list_orders unfiltered, by status, by
team, by text, by due-date range; team_stats; status_counts — and sweep_overdue, prints the
numbers, then rolls everything back (the database is left as it was). Use a copy of a demo court
(`python -m dashboard seed-demo`) so orders have real cases, teams and officers to point at.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from db.models import Case, SupervisionOrder, SupervisionStep, Team, User  # noqa: E402
from db.session import make_engine  # noqa: E402
from db.supervision import orders as sv  # noqa: E402


def _orders(session: Session, n: int, today: dt.date, rng: random.Random) -> None:
    """N orders on real cases, a mix of targets and states, written with multi-row inserts."""
    cases = session.execute(select(Case.id, Case.team_id, Case.officer_id).where(Case.team_id.is_not(None))
                            .limit(50_000)).all()
    actor = session.scalar(select(User.id))
    if actor is None:
        actor = session.scalar(insert(User).values(username="bench-center", display_name="bench", role="center")
                               .returning(User.id))
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = []
    for i in range(n):
        c = rng.choice(cases)
        issued = now - dt.timedelta(days=rng.randint(0, 400), minutes=rng.randint(0, 1440))
        status = "closed" if i % 6 == 0 else "answered" if i % 3 == 0 else "issued"
        rows.append({"target_kind": "case", "case_id": c.id, "team_id": c.team_id, "officer_id": c.officer_id,
                     "subject": f"督办事项 {i} 长期未结" if i % 10 == 0 else f"督办事项 {i}", "reason": "bench",
                     "due_on": (issued + dt.timedelta(days=rng.randint(3, 30))).date(), "status": status,
                     "issued_by": actor, "issued_at": issued})
    session.execute(insert(SupervisionOrder), rows)
    ids = session.execute(select(SupervisionOrder.id, SupervisionOrder.status, SupervisionOrder.issued_at)).all()
    steps = [{"order_id": o.id, "status": "issued", "note": "", "actor_id": actor, "at": o.issued_at} for o in ids]
    steps += [{"order_id": o.id, "status": "answered", "note": "已办", "actor_id": actor,
               "at": o.issued_at + dt.timedelta(days=2)} for o in ids if o.status in ("answered", "closed")]
    steps += [{"order_id": o.id, "status": "closed", "note": "办结", "actor_id": actor,
               "at": o.issued_at + dt.timedelta(days=3)} for o in ids if o.status == "closed"]
    session.execute(insert(SupervisionStep), steps)
    session.flush()


def _time(label: str, fn: Callable[[], Any], repeat: int = 3) -> None:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    size = len(result) if isinstance(result, list | dict) else result
    print(f"{label:<34} {best * 1000:9.1f} ms   ({size})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="a migrated database with a court (e.g. a demo copy)")
    parser.add_argument("--orders", type=int, default=20_000)
    args = parser.parse_args()
    engine = make_engine(args.url)
    today = dt.date.today()
    with Session(engine) as s:
        start = time.perf_counter()
        _orders(s, args.orders, today, random.Random(7))
        print(f"{engine.dialect.name}: {args.orders:,} orders added in {time.perf_counter() - start:.1f} s "
              f"(rolled back at the end)")
        team = s.scalar(select(Team.id).order_by(Team.id).offset(1))
        lim = 2001  # what the page asks for (2,000 rows + 1 to know there are more)
        _time("list_orders (no filter)", lambda: sv.list_orders(s, today, limit=lim))
        _time("list_orders status=overdue", lambda: sv.list_orders(s, today, status="overdue", limit=lim))
        _time("list_orders status=open, team", lambda: sv.list_orders(
            s, today, flt=sv.OrderFilter(status="open", team_id=team), limit=lim))
        _time("list_orders text=长期未结", lambda: sv.list_orders(
            s, today, flt=sv.OrderFilter(text="长期未结"), limit=lim))
        _time("list_orders due in the last 30 days", lambda: sv.list_orders(
            s, today, flt=sv.OrderFilter(due_from=today - dt.timedelta(days=30), due_to=today), limit=lim))
        _time("team_stats", lambda: sv.team_stats(s, today))
        _time("status_counts", lambda: sv.status_counts(s, today))
        _time("order_steps (one order)", lambda: sv.order_steps(s, 1))
        _time("sweep_overdue (first run)", lambda: sv.sweep_overdue(s, today), repeat=1)
        _time("sweep_overdue (nothing new)", lambda: sv.sweep_overdue(s, today))
        s.rollback()
    engine.dispose()


if __name__ == "__main__":
    main()
