"""The grouped pass in every shape gives the same numbers; bucket answers equal row answers."""
from __future__ import annotations

import bisect
import datetime as dt
import random
from functools import partial

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.indicators import (
    Period,
    compute_all,
    grouping,
    load_indicator_settings,
    monthly_trend,
    sql,
)
from db.indicators.buckets import BucketOps, representative, split_days
from db.indicators.payments import PAYMENT_FILTERS
from db.indicators.settings import settings_from_dict
from db.models import Case, CasePause
from tests.db import test_indicators_data as data

D = dt.date.fromisoformat
PERIODS = [Period.parse("2022-01-01:2022-06-30"), Period.parse("2021-01-01:2021-06-30"),
           Period.parse("2021-10-01:2022-09-30")]
SHAPES = ("buckets", "columns", "staged")


def _random_day(rng: random.Random) -> dt.date | None:
    if rng.random() < 0.2:
        return None
    return D("2020-06-01") + dt.timedelta(days=rng.randrange(900))


def _every_filter() -> dict:
    settings = load_indicator_settings(None)
    cases = {(i, b): partial(f, p, settings)
             for i, p in enumerate(PERIODS) for b, f in sql.BASE_FILTERS.items()}
    payments = {(i, b): partial(f, p, 30)
                for i, p in enumerate(PERIODS) for b, f in PAYMENT_FILTERS.items()}
    return {**cases, **payments}


def test_a_bucket_answers_every_filter_like_each_of_its_rows() -> None:
    filters = _every_filter()
    days = split_days(filters.values())
    rng = random.Random(5)
    for _ in range(3000):
        row = {name: _random_day(rng) for name in ("filed", "closed", "received", "paid")}
        buckets = {name: len(days[name]) + 1 if row[name] is None
                   else bisect.bisect_right(days[name], row[name]) for name in row}
        standing = BucketOps({n: representative(days[n], b) for n, b in buckets.items()})
        exact = BucketOps(row)
        for key, row_filter in filters.items():
            assert row_filter(standing) == row_filter(exact), (key, row)


def _add_awkward_pauses(engine) -> None:
    """An open pause and one that runs past 结案: both are cut off at the closing date."""
    with Session(engine) as session, session.begin():
        closed = session.scalars(
            select(Case.id).where(Case.closed_on.is_not(None), Case.category == "first")
            .order_by(Case.id)).all()
        first, second = closed[0], closed[1]
        closed_on = session.scalar(select(Case.closed_on).where(Case.id == second))
        session.add_all([
            CasePause(case_id=first, kind="appraisal", started_on=D("2021-01-10"), ended_on=None),
            CasePause(case_id=second, kind="auction", started_on=closed_on - dt.timedelta(days=9),
                      ended_on=closed_on + dt.timedelta(days=40)),
        ])


def _everything(session: Session) -> list:
    variant = settings_from_dict({"indicators": {"first_avg_days": {"numerator": "closed.days_net"}}})
    out = []
    for period in PERIODS:
        for settings in (None, variant):
            out.append(compute_all(session, period, settings=settings))
    months = [Period(D(f"2022-{m:02d}-01"), D(f"2022-{m:02d}-28")) for m in range(1, 7)]
    out.append(monthly_trend(session, "legal_limit_rate", "team", None, months))
    return out


def test_every_shape_gives_the_same_numbers(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    data.seed(engine)
    _add_awkward_pauses(engine)
    name = engine.dialect.name
    results = {}
    for shape in SHAPES:
        monkeypatch.setitem(grouping.SHAPES, name, shape)
        with Session(engine) as session:
            results[shape] = _everything(session)
    assert results["buckets"] == results["columns"] == results["staged"]


def test_pause_days_are_cut_off_at_closing(engine) -> None:
    """cases.paused_days (kept by the triggers) is each closed case's pauses up to 结案."""
    data.seed(engine)
    _add_awkward_pauses(engine)
    with Session(engine) as session:
        closed = dict(session.execute(
            select(Case.id, Case.closed_on).where(Case.closed_on.is_not(None))).all())
        expected = dict.fromkeys(closed, 0)
        for p in session.scalars(select(CasePause)):
            end = closed.get(p.case_id)
            if end is not None and p.started_on <= end:
                stop = end if p.ended_on is None or p.ended_on > end else p.ended_on
                expected[p.case_id] += (stop - p.started_on).days
        stmt = select(Case.id, Case.paused_days).where(Case.closed_on.is_not(None))
        found = {case_id: int(days) for case_id, days in session.execute(stmt)}
    assert found == expected
    assert sum(1 for v in expected.values() if v) >= 3  # the fixture's pause and both awkward ones


@pytest.mark.parametrize("shape", SHAPES)
def test_a_shared_pass_gives_each_job_its_own_groups(engine, shape,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """sql.case_sums_shared (a full build's 本年/本月 and founding-day passes in one pass)
    equals each job's own case_sums group for group — also a holder listed with no figures,
    whose only cases lie outside a job's window — at either level, with and without teams."""
    from db.indicators.engine import needs_by_source
    from db.indicators.settings import SCOPES

    data.seed(engine)
    with Session(engine) as session, session.begin():
        # the retired officer's only case, closed before the later jobs' windows
        data.add_cases(session, [data._row("2020执9", "2020-12-01", data.A, "戊退休",
                                           "2021-03-01", "completed", "10", "10")])
        # a case moved to another team after 结案 (its holder at 结案 stays)
        moved = session.scalar(select(Case.id).where(Case.case_number.like("%2022%执1号")))
        other = data.ids(engine)["丙法官"]
        session.execute(update(Case).where(Case.id == moved).values(
            team_id=data.ids(engine)[data.B], officer_id=other))
    monkeypatch.setitem(grouping.SHAPES, engine.dialect.name, shape)
    settings = load_indicator_settings(None)
    indicators = [i for i in settings.indicators.values() if i.group != "center"]
    ids = data.ids(engine)
    with Session(engine) as session:
        teams = sorted({ids[n] for n in ids if n != "court"} & set(
            session.scalars(select(Case.team_id).where(Case.team_id.is_not(None)))))
        found = []
        for scopes, levels, job_teams in (
            (SCOPES, None, [None, None, None]),
            (("team",), ("court", "team"), [None, None, None]),
            (("team",), ("court", "team"), [frozenset(teams[:1]), frozenset(teams[1:]),
                                            frozenset(teams)]),
        ):
            cases = needs_by_source(indicators, settings, scopes)["cases"]
            jobs = [((PERIODS[0], PERIODS[1]), job_teams[0]),
                    ((Period.parse("2022-06-01:2022-06-30"),
                      Period.parse("2021-06-01:2021-06-30")), job_teams[1]),
                    ((PERIODS[2],), job_teams[2])]
            shared = sql.case_sums_shared(session, jobs, cases, settings, levels)
            own = [sql.case_sums(session, periods, cases, settings, teams=t, levels=levels)
                   for periods, t in jobs]
            assert shared == own
            found.append(own)
        retired = ids["戊退休"]
        officers = found[0]  # the first jobs: by officer, all teams
        assert any(h[2] == retired for h in officers[0])
        assert not any(h[2] == retired for h in officers[1])
        assert session.scalar(select(Case.closed_team_id).where(Case.id == moved)) != \
            session.scalar(select(Case.team_id).where(Case.id == moved))
