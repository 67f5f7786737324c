"""Measures of 繁简分流 (issue #18): rows of `case_triage` and `track_changes` with their case,
and closed cases by track.

* 分流 rows (triaged*, triage_pending) count for the case's CURRENT holder: a case waiting for
  分流 has no team yet, so it counts for the court only (未分配/其他 in the team split).
* closed_simple/closed_complex are closure rows: they count for the holder at 结案 like every
  closure figure (cases.closed_team_id/closed_officer_id). The case pass sums them
  (sql.TRACK_ROWS: the track is one more key of its grouping; engine.needs_by_source), so
  they cost no scan of their own; here are their row conditions for explain.

One grouped SELECT per call over the 分流 rows sums every (period, measure) as its own column.
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from db.indicators.dialect import noindex
from db.indicators.period import Period
from db.indicators.registry import split_measure
from db.indicators.sql import CLOSED_COLUMNS, LEVEL_COLUMNS, TRACK_ROWS, Need, team_in
from db.models import Case, CaseTriage, TrackChange
from db.sqldates import days_between

CASES = Case.__table__
C = CASES.c
TRIAGE = CaseTriage.__table__
T = TRIAGE.c
CHANGES = TrackChange.__table__.c


def _confirmed(p: Period) -> ColumnElement[bool]:
    return and_(T.status == "confirmed", T.confirmed_on >= p.start, T.confirmed_on <= p.end)


def _converted(p: Period) -> ColumnElement[bool]:
    """A 简案 (by its 分流) moved to 繁 by the period's end (track_changes, 转繁)."""
    return exists(select(CHANGES.id).where(
        CHANGES.case_id == C.id, CHANGES.old_track == "simple", CHANGES.new_track == "complex",
        CHANGES.changed_on <= p.end))


def _pending(p: Period) -> ColumnElement[bool]:
    """Waiting for 分流 at the period's end: filed by then, still open, not yet confirmed."""
    return and_(T.id.is_not(None), C.filed_on <= p.end,
                or_(C.closed_on.is_(None), C.closed_on > p.end),
                or_(T.confirmed_on.is_(None), T.confirmed_on > p.end))


def _closed(p: Period) -> ColumnElement[bool]:
    return and_(C.closed_on >= p.start, C.closed_on <= p.end)


TRIAGE_FILTERS: dict[str, Callable[[Period], ColumnElement[bool]]] = {
    "triaged": _confirmed,
    "triaged_simple": lambda p: and_(_confirmed(p), T.track == "simple"),
    "triaged_overridden": lambda p: and_(_confirmed(p), T.overridden.is_(True)),
    "triaged_converted": lambda p: and_(_confirmed(p), T.track == "simple", _converted(p)),
    "triage_pending": _pending,
    "closed_simple": lambda p: and_(_closed(p), C.track == "simple"),
    "closed_complex": lambda p: and_(_closed(p), C.track == "complex"),
}
TRIAGE_VALUES: dict[str, Callable[[Period], ColumnElement[Any]]] = {
    "wait": lambda p: days_between(C.filed_on, T.confirmed_on),
    "age": lambda p: days_between(C.filed_on, literal(p.end)),
    "days": lambda p: days_between(C.filed_on, C.closed_on),
}


def triage_condition(need: Need, p: Period) -> ColumnElement[bool]:
    rows, _ = split_measure(need.measure)
    return and_(C.category.in_(need.categories), TRIAGE_FILTERS[rows](p))


def triage_value(measure: str, p: Period) -> ColumnElement[Any]:
    _, value = split_measure(measure)
    return literal(1) if value is None else TRIAGE_VALUES[value](p)


def holder_column(measure: str, scope: str) -> ColumnElement[Any]:
    """The column that says whose figure a row is at a scope level."""
    rows, _ = split_measure(measure)
    return (CLOSED_COLUMNS if rows in TRACK_ROWS else LEVEL_COLUMNS)[scope]


def source() -> Any:
    return CASES.outerjoin(TRIAGE, T.case_id == C.id)


def triage_sums(
    session: Session, periods: Sequence[Period], needs: Sequence[Need],
    scope: str | None = None, ids: Sequence[int] | None = None,
    cases_where: ColumnElement[bool] | None = None,
    teams: Collection[int | None] | None = None,
) -> dict[tuple[Any, ...], dict[tuple[int, Need], int]]:
    """Return {(court, team, officer): {(period index, need): sum}}: one grouped SELECT over the
    分流 rows (case_triage joined to cases). The closed cases by track (TRACK_ROWS) are the
    case pass's (sql.case_sums), not needs of this one.

    `teams` (incremental refresh): only the groups of the listed teams (None: no team), each
    complete: the 分流 rows of the cases they hold."""
    (out,) = _sums(session, [(periods, needs)], scope, ids, cases_where, teams)
    return out


def triage_sums_jobs(
    session: Session, jobs: Sequence[tuple[Sequence[Period], Sequence[Need]]],
    teams: Collection[int | None] | None,
) -> list[dict[tuple[Any, ...], dict[tuple[int, Need], int]]]:
    """`triage_sums(session, periods, needs, teams=teams)` for every (periods, needs) job,
    from the same SELECTs (the snapshot's passes; teams None: every team). Every column holds its own
    period's condition, and a group is kept only where a sum is not 0, so the wider window of
    the shared SELECT changes no answer."""
    return _sums(session, jobs, None, None, None, teams)


def _sums(session: Session, jobs: Sequence[tuple[Sequence[Period], Sequence[Need]]],
          scope: str | None, ids: Sequence[int] | None,
          cases_where: ColumnElement[bool] | None,
          teams: Collection[int | None] | None,
          ) -> list[dict[tuple[Any, ...], dict[tuple[int, Need], int]]]:
    outs: list[dict[tuple[Any, ...], dict[tuple[int, Need], int]]] = [{} for _ in jobs]
    rows = [(k, i, p, n) for k, (periods, needs) in enumerate(jobs)
            for i, p in enumerate(periods) for n in needs]
    closed = sorted({n.measure for *_, n in rows if split_measure(n.measure)[0] in TRACK_ROWS})
    if closed:
        raise ValueError(f"{'、'.join(closed)}由案件的一次分组统计计算（sql.case_sums），"
                         "不在分流行中统计")
    if rows:
        first, last = min(c[2].start for c in rows), max(c[2].end for c in rows)
        # decided in the window, or still undecided (or decided after it: waiting at an end)
        # driven by the confirmed_on index: the case filters must not pick the case table's
        subset = [] if cases_where is None else [cases_where]
        where = [T.confirmed_on.is_(None) | (T.confirmed_on >= first), noindex(C.filed_on) <= last, *subset]
        for part in _chunks(rows):
            _pass(session, part, CASES.join(TRIAGE, T.case_id == C.id),
                  [*where, *team_in(C.team_id, teams)],
                  [C.court_id, C.team_id, C.officer_id], scope, ids, outs)
    for k, out in enumerate(outs):
        if scope is not None and ids is not None:
            wanted, index = set(ids), list(LEVEL_COLUMNS).index(scope)
            out = {holder: s for holder, s in out.items() if holder[index] in wanted}
        if teams is not None:
            out = {holder: s for holder, s in out.items() if holder[1] in teams}
        outs[k] = out
    return outs


MAX_COLUMNS = 1000  # sums per SELECT (PostgreSQL allows 1,664 columns)


def _chunks(columns: list[Any], size: int | None = None) -> list[list[Any]]:
    """The columns in SELECTs of at most MAX_COLUMNS sums (many periods of many passes)."""
    size = size or MAX_COLUMNS
    return [columns[i:i + size] for i in range(0, len(columns), size)]


def _pass(session: Session, columns: Sequence[tuple[int, int, Period, Need]], source_: Any,
          where: list[Any], keys: list[Any], scope: str | None, ids: Sequence[int] | None,
          outs: list[dict[tuple[Any, ...], dict[tuple[int, Need], int]]]) -> None:
    """One grouped SELECT: a column per (job, period index, period, need)."""
    sums = [func.sum(case((triage_condition(n, p), triage_value(n.measure, p)), else_=0))
            for _, _, p, n in columns]
    where = [*where, noindex(C.category).in_(sorted({c for *_, n in columns
                                                     for c in n.categories}))]
    if scope is not None and ids is not None:
        level = {"court": 0, "team": 1, "officer": 2}[scope]
        where.append(keys[level].in_(list(ids)))
    stmt = select(*keys, *sums).select_from(source_).where(*where).group_by(*keys)
    for row in session.execute(stmt):
        holder = tuple(row[:3])
        for (k, i, _, need), value in zip(columns, row[3:], strict=True):
            if value:
                target = outs[k].setdefault(holder, {})
                target[(i, need)] = target.get((i, need), 0) + int(value)
