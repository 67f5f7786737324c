"""seed_bulk: N cases with the demo distributions, written in chunks, for benchmarks."""
from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from db.demo.days import DEFAULT_TZ, START, court_today, utc_offset, workdays
from db.demo.drafts import MONTH_FACTOR, YEARLY, new_case
from db.demo.events import EventContext
from db.demo.org import COURT_CODE, build_org, load_org
from db.demo.rows import link_origins, number, reassign
from db.demo.writer import numbering_from_db, write_drafts
from db.session import bump_data_version, make_session_factory, session_scope

Progress = Callable[[int, int], None]
CHUNK = 20_000


def seed_bulk(engine: Engine, n_cases: int, *, seed: int = 7, today: dt.date | None = None,
              progress: Progress | None = None, chunk: int = CHUNK,
              tz: str = DEFAULT_TZ) -> dict[str, Any]:
    """Add `n_cases` generated cases (with events and money) to the demo court, chunk by chunk."""
    if n_cases <= 0:
        raise ValueError(f"案件数必须大于 0，实际为 {n_cases}")
    today = today or court_today(tz)
    rng = random.Random(seed)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        org = load_org(session) or build_org(session, random.Random(seed))
        state = numbering_from_db(session, COURT_CODE)
    ctx = EventContext(org=org, today=today, offset=utc_offset(tz))
    days = _filing_days(today)
    totals: Counter[str] = Counter()
    for start in range(0, n_cases, chunk):
        size = min(chunk, n_cases - start)
        drafts = [new_case(rng, org, _day(days, start + i, n_cases), _category(rng), today)
                  for i in range(size)]
        reassign(drafts, org, rng)
        number(drafts, state)
        link_origins(drafts, state, rng)
        with session_scope(factory) as session:
            totals += write_drafts(session, drafts, org, ctx, rng)
            bump_data_version(session)
        if progress:
            progress(start + size, n_cases)
    return {"today": today.isoformat(), "seed": seed, **totals}


def _filing_days(today: dt.date) -> list[dt.date]:
    """Working days weighted by month (busy months get more filings)."""
    out: list[dt.date] = []
    for day in workdays(START, today):
        out.extend([day] * round(MONTH_FACTOR[day.month - 1] * 20))
    return out


def _day(days: list[dt.date], index: int, total: int) -> dt.date:
    """Spread filings over the period in order, so chunks are chronological."""
    return days[index * len(days) // total]


_CATEGORIES = tuple(YEARLY)
_WEIGHTS = tuple(YEARLY.values())


def _category(rng: random.Random) -> str:
    return rng.choices(_CATEGORIES, _WEIGHTS)[0]

