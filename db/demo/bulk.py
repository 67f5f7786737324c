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



# ---------------------------------------------------------------------------------------
# The province-scale generator (bench/scale.py, issue #21): many courts, cases only (no
# events or money), rows streamed in chunks — COPY on PostgreSQL, executemany elsewhere.

SCALE_METHODS = {"first": ("completed", "terminated_this_round", "rejected"),
                 "resumed": ("completed", "terminated_this_round"),
                 "preservation": ("preservation_done",)}
SCALE_TYPES = {"first": "执", "resumed": "执恢", "preservation": "执保"}
SCALE_COLUMNS = ("court_id", "case_number", "year", "court_code", "type_code", "serial",
                 "category", "filed_on", "closed_on", "closing_method", "track",
                 "non_litigation", "team_id", "officer_id", "target_amount",
                 "recovered_amount", "cause")


def scale_org(engine: Engine, courts: int, teams_per_court: int = 8,
              officers_per_team: int = 5) -> list[tuple[int, int, int, str]]:
    """Create `courts` courts with their teams and officers; [(court, team, officer, code)]."""
    from db.models import Court, Officer, Team

    holders: list[tuple[int, int, int, str]] = []
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        for c in range(courts):
            code = f"测{c:04d}"
            court = Court(code=code, name=f"压测法院{c:04d}", short_name=f"压测{c:04d}")
            session.add(court)
            session.flush()
            for t in range(teams_per_court):
                team = Team(court_id=court.id, name=f"团队{t + 1}", kind="simple",
                            sort_order=t, founded_on=dt.date(2024, 1 + t % 12, 1))
                session.add(team)
                session.flush()
                for o in range(officers_per_team):
                    officer = Officer(court_id=court.id, team_id=team.id,
                                      name=f"法官{c}-{t}-{o}", role="judge")
                    session.add(officer)
                    session.flush()
                    holders.append((court.id, team.id, officer.id, code))
    return holders


def scale_rows(n_cases: int, holders: list[tuple[int, int, int, str]], today: dt.date,
               seed: int = 7) -> Any:
    """Yield `n_cases` case rows (SCALE_COLUMNS) over three years to `today`."""
    rng = random.Random(seed)
    first = today.replace(year=today.year - 2, month=1, day=1)
    span = (today - first).days
    categories = tuple(SCALE_TYPES)
    for i in range(n_cases):
        court, team, officer, code = holders[rng.randrange(len(holders))]
        category = categories[rng.randrange(3)]
        filed = first + dt.timedelta(days=rng.randrange(span + 1))
        closed = None
        if rng.random() < 0.8:
            closed = min(today, filed + dt.timedelta(days=rng.randrange(1, 240)))
        method = SCALE_METHODS[category][rng.randrange(len(SCALE_METHODS[category]))] \
            if closed else None
        yield (court, f"({filed.year}){code}{SCALE_TYPES[category]}{i + 1}号", filed.year, code,
               SCALE_TYPES[category], i + 1, category, filed, closed, method, "simple", False,
               team, officer, rng.randrange(1, 500) * 1000, 0, "")


def stream_cases(engine: Engine, rows: Any, chunk: int = 50_000,
                 progress: Progress | None = None) -> int:
    """Write the rows: COPY FROM STDIN on PostgreSQL, executemany in chunks elsewhere."""
    from itertools import islice

    from sqlalchemy import insert

    from db.models import Case

    written = 0
    while True:
        part = list(islice(rows, chunk))
        if not part:
            return written
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                raw = conn.connection.driver_connection
                assert raw is not None
                with raw.cursor().copy(
                        f"COPY cases ({', '.join(SCALE_COLUMNS)}) FROM STDIN") as copy:
                    for row in part:
                        copy.write_row(row)
            else:
                conn.execute(insert(Case),
                             [dict(zip(SCALE_COLUMNS, row, strict=True)) for row in part])
        written += len(part)
        if progress:
            progress(written, written)


# Events and money for the generated cases (`bench/scale.py --activity`): what the 节点管控
# section reads besides the cases. Set-based INSERT … SELECT over the case table, so 10M cases
# need no rows in Python; the database's triggers keep payments' holder columns and log every
# row (0018), as a court's own import would. Each case's events follow from its id: most
# first/resumed cases got their 执行通知书, 报告财产令 and 网络查控 feedback (late for some, missing
# for a tenth each), a quarter a 查封 (with its expiry), an eighth a 参考价 and a sixteenth a 网拍;
# preservation cases a 查封 or 冻结 within days. A third of the cases received money, most of it
# paid out. Nothing dated after `today` or after the case closed.

SCALE_EVENTS = (
    # (kind, categories, days after filing (an expression of the case id), kept when, expiry days)
    ("notice_issued", ("first", "resumed"), lambda h: h % 14, lambda h: h % 10 != 0, None),
    ("property_order", ("first", "resumed"), lambda h: h % 12, lambda h: h % 10 != 1, None),
    ("online_query_result", ("first", "resumed"), lambda h: h % 40, lambda h: h % 10 != 2, None),
    ("seizure", ("first", "resumed"), lambda h: 5 + h % 30, lambda h: h % 4 == 0, 1095),
    ("reference_price", ("first", "resumed"), lambda h: 5 + h % 30 + h % 45, lambda h: h % 8 == 0, None),
    ("auction_listed", ("first", "resumed"), lambda h: 5 + h % 30 + h % 45 + h % 15,
     lambda h: h % 16 == 0, None),
    ("seizure", ("preservation",), lambda h: h % 8, lambda h: h % 5 != 0, 1095),
    ("freeze", ("preservation",), lambda h: h % 6, lambda h: h % 5 == 0, 365),
)


def scale_activity(engine: Engine, today: dt.date) -> dict[str, int]:
    """Insert the events and payments of every case in the database; counts written."""
    from sqlalchemy import (
        DateTime,
        Interval,
        and_,
        cast,
        func,
        insert,
        literal,
        literal_column,
        or_,
        select,
    )
    from sqlalchemy import case as when

    from db.models import Case, CaseEvent, Payment
    from db.sqldates import add_days

    c = Case.__table__.c
    dialect = engine.dialect.name

    def at(day: Any) -> Any:  # 09:30 court time (UTC+8) of that day, stored in UTC
        if dialect == "sqlite":
            return func.datetime(day, "+90 minutes")
        if dialect in ("mysql", "mariadb"):
            return func.timestamp(day, "01:30:00")
        return cast(day, DateTime) + literal_column("INTERVAL '90 minutes'", Interval)

    def kept(day: Any) -> Any:
        return and_(day <= today, or_(c.closed_on.is_(None), day <= c.closed_on))

    with engine.begin() as conn:
        before = (conn.execute(select(func.count()).select_from(CaseEvent)).scalar_one(),
                  conn.execute(select(func.count()).select_from(Payment)).scalar_one())
        for kind, categories, offset, keep, expiry in SCALE_EVENTS:
            day = add_days(c.filed_on, offset(c.id))
            rows = select(c.id, literal(kind), at(day),
                          add_days(day, expiry) if expiry else literal(None, type_=CaseEvent.expires_on.type),
                          c.officer_id, literal(""), literal("")).where(
                c.category.in_(categories), keep(c.id), kept(day))
            conn.execute(insert(CaseEvent).from_select(
                ["case_id", "kind", "occurred_at", "expires_on", "officer_id", "detail", "media_ref"], rows))
        received = add_days(c.filed_on, c.id % 60)
        paid = add_days(received, c.id % 45)
        paid_ok = and_(c.id % 5 != 0, paid <= today, or_(c.closed_on.is_(None), paid <= c.closed_on))
        amount = (c.id % 50 + 1) * 1000
        rows = select(c.id, received, amount, when((paid_ok, paid), else_=None),
                      when((paid_ok, amount), else_=None)).where(c.id % 3 == 0, kept(received))
        conn.execute(insert(Payment).from_select(
            ["case_id", "received_on", "amount", "paid_out_on", "paid_amount"], rows))
        # (rowcount of INSERT … SELECT is -1 on some drivers: count what is there)
        return {"events": conn.execute(select(func.count()).select_from(CaseEvent)).scalar_one() - before[0],
                "payments": conn.execute(select(func.count()).select_from(Payment)).scalar_one() - before[1]}
