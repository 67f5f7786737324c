"""Set-based SQL over `cases`: row filters per docs/data-model.md (统计口径) and the grouped aggregate.

One SELECT counts and sums the cases per (court, team, officer, category, 结案方式) and per
立案/结案 date bucket (buckets.py), for all periods at once; engine.py rolls the groups up
to a scope. A case counts in a period for its holder at 结案 (cases.closed_team_id/
closed_officer_id, migration 0010) when it closed by the period's end, else for its current
holder (docs/data-model.md, 承办归属): closure measures (结案, 终本, 执行完毕, 实结, 用时,
法定期限内结案) always go to the holder at 结案, 未结 always to the current holder. The pass
also groups by the holder at 结案 of the few closed cases whose holder changed since
(moved_keys) and, for those groups only, reads which of their 受理/旧存/新收 rows closed by
the period's end (the "@closed" filters), so one pass serves both.
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

from sqlalchemy import and_, case, false, func, literal, null, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from db.cases.vocab import CLOSING_METHODS
from db.indicators.buckets import SqlOps
from db.indicators.dialect import cents, noindex
from db.indicators.grouping import (
    NO_KEY,
    Key,
    choice_key,
    grouped_sums,
    id_key,
)
from db.indicators.limits import net_days, within_limit_test
from db.indicators.period import Period, shift_months
from db.indicators.registry import split_measure
from db.indicators.settings import IndicatorSettings
from db.models import Case
from db.sqldates import days_between

CASES = Case.__table__
C = CASES.c
LEVEL_COLUMNS = {"court": C.court_id, "team": C.team_id, "officer": C.officer_id}
# The holder at 结案 (kept by triggers; the court does not change hands).
CLOSED_COLUMNS = {"court": C.court_id, "team": C.closed_team_id, "officer": C.closed_officer_id}
# Base filters whose rows are cases closed in the period (all credited to the holder at
# 结案), and those whose rows are all open at the period's end (all to the current holder).
CLOSURE_BASES = frozenset({"closed", "within_limit"})
OPEN_BASES = frozenset({"pending", "long_pending"})
COMPLETED = tuple(k for k, m in CLOSING_METHODS.items() if m.completed)
TERMINATED_THIS_ROUND = tuple(k for k, m in CLOSING_METHODS.items() if m.terminated_this_round)
ACTUAL = tuple(k for k, m in CLOSING_METHODS.items() if m.actual)


@dataclass(frozen=True)
class Need:
    """One measure over one set of case categories (a key of every sum: its hash is kept)."""

    measure: str
    categories: tuple[str, ...]
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.measure, self.categories)))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[Any, tuple[str, tuple[str, ...]]]:
        return Need, (self.measure, self.categories)  # the hash is per process


@lru_cache(maxsize=4096)
def need_of(measure: str, categories: tuple[str, ...]) -> Need:
    """Need(measure, categories), made once (reading a value looks up many)."""
    return Need(measure, categories)


def long_pending_cutoff(p: Period, settings: IndicatorSettings) -> Any:
    """Cases filed before this day and open at the end are 超12个月未结."""
    return shift_months(p.end, -settings.long_pending_months)


def _pending(p: Period, o: Any) -> Any:
    return o.all(o.le("filed", p.end), o.null_or_gt("closed", p.end))


# Each base filter compares a case's 立案/结案 dates with days of the period (see buckets.py:
# the same definition gives the SQL of explain and the answer for each bucket of the pass).
BaseFilter = Callable[[Period, IndicatorSettings, Any], Any]
BASE_FILTERS: dict[str, BaseFilter] = {
    "accepted": lambda p, _, o: o.all(o.le("filed", p.end), o.null_or_ge("closed", p.start)),
    "carried": lambda p, _, o: o.all(o.lt("filed", p.start), o.null_or_ge("closed", p.start)),
    "new": lambda p, _, o: o.between("filed", p.start, p.end),
    "closed": lambda p, _, o: o.between("closed", p.start, p.end),
    "pending": lambda p, _, o: _pending(p, o),
    "within_limit": lambda p, _, o: o.between("closed", p.start, p.end),
    "long_pending": lambda p, s, o: o.all(_pending(p, o),
                                          o.lt("filed", long_pending_cutoff(p, s))),
}
DATE_COLUMNS = {"filed": C.filed_on, "closed": C.closed_on}
SQL_OPS = SqlOps(DATE_COLUMNS)
# A per-case condition that does not depend on the period, on top of the base filter.
ROW_FLAGS: dict[str, Callable[[IndicatorSettings], ColumnElement[bool]]] = {
    "within_limit": within_limit_test,
}
# Each row set is a base filter, optionally narrowed to some closing methods (结案方式).
ROW_SPECS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    **{base: (base, None) for base in BASE_FILTERS},
    "completed": ("closed", COMPLETED),
    "terminated_this_round": ("closed", TERMINATED_THIS_ROUND),
    "terminated": ("closed", ("terminated",)),
    "actual": ("closed", ACTUAL),
    "preservation_done": ("closed", ("preservation_done",)),
}
# 繁简分流's closed cases by track (简案/繁案平均用时; registry.TRIAGE_ROWS, 结案时繁简): 结案
# rows of one `cases.track`, summed in this pass with the track as one more grouping key
# (engine.needs_by_source sends them here rather than to triage.py: no scan of their own).
TRACK_ROWS: dict[str, str] = {"closed_simple": "simple", "closed_complex": "complex"}
ROW_SPECS.update({rows: ("closed", None) for rows in TRACK_ROWS})
VALUES: dict[str, Callable[[], ColumnElement[Any]]] = {
    "days": lambda: days_between(C.filed_on, C.closed_on),
    "days_net": net_days,
    "target_amount": lambda: cents(C.target_amount),
    "recovered_amount": lambda: cents(C.recovered_amount),
}


def row_condition(rows: str, p: Period, settings: IndicatorSettings) -> ColumnElement[bool]:
    """The rows of a measure in a period: base filter, row flag and closing methods."""
    base, methods = ROW_SPECS[rows]
    parts = [BASE_FILTERS[base](p, settings, SQL_OPS)]
    if base in ROW_FLAGS:
        parts.append(ROW_FLAGS[base](settings))
    if methods is not None:
        parts.append(C.closing_method.in_(methods) if methods else false())
    if rows in TRACK_ROWS:
        parts.append(C.track == TRACK_ROWS[rows])
    return and_(*parts)


def case_condition(need: Need, p: Period, settings: IndicatorSettings) -> ColumnElement[bool]:
    """The WHERE condition of one measure (explain): its rows, in its categories."""
    rows, _ = split_measure(need.measure)
    return and_(C.category.in_(need.categories), row_condition(rows, p, settings))


def holder_condition(scope: str, entity: Any, p: Period) -> ColumnElement[bool]:
    """The cases credited to `entity` of `scope` in period `p`: its holder at 结案 if the case
    closed by the period's end, else its current holder (explain lists exactly these)."""
    closed_by_end = and_(C.closed_on.is_not(None), C.closed_on <= p.end)
    return or_(and_(closed_by_end, CLOSED_COLUMNS[scope] == entity),
               and_(or_(C.closed_on.is_(None), C.closed_on > p.end),
                    LEVEL_COLUMNS[scope] == entity))


def _closed_by_end(base: str, p: Period, settings: IndicatorSettings, o: Any) -> Any:
    """The rows of a base filter that closed by the period's end."""
    return o.all(BASE_FILTERS[base](p, settings, o), o.le("closed", p.end))


def value_expression(measure: str) -> ColumnElement[Any]:
    _, value = split_measure(measure)
    return literal(1) if value is None else VALUES[value]()


def window(periods: Sequence[Period], categories: set[str]) -> ColumnElement[bool]:
    """Cases that can belong to any measure of any period (prunes the scan)."""
    first = min(p.start for p in periods)
    last = max(p.end for p in periods)
    # On SQLite an index range over most of the table is slower than one full scan. The
    # test that rejects most rows (closed before the window) first: SQLite tests the terms
    # in the order written (0.14 s instead of 0.19 s CPU at 1,000,000 cases).
    return and_(
        or_(C.closed_on.is_(None), noindex(C.closed_on) >= first),
        noindex(C.category).in_(sorted(categories)),
        noindex(C.filed_on) <= last,
    )


def _value(flag: ColumnElement[bool] | None, value: ColumnElement[Any] | None) -> Any:
    """The row-level value a sum column adds up: 1 or a value, when the flag holds."""
    then = literal(1) if value is None else value
    return then if flag is None else case((flag, then), else_=0)


def _case_keys(session: Session, plan: _Plan, scope: str | None,
               levels: Sequence[str] | None,
               officer_courts: Collection[int] | None = None) -> list[Any]:
    """A case pass's grouping keys, in the order `_by_need` unpacks them: holder (court, team,
    officer), the holder moved after 结案, category, 结案方式 and track (the track only of cases
    closed from `plan.first` on, and only when a by-track figure is needed). `officer_courts`:
    see `holder_keys`."""
    return [*holder_keys(session, scope, levels=levels, officer_courts=officer_courts),
            *moved_keys(session, scope, levels, officer_courts),
            choice_key(noindex(C.category), plan.categories),
            choice_key(noindex(C.closing_method), plan.methods),
            track_key(plan.tracks, plan.first)]


def case_sums(
    session: Session, periods: Sequence[Period], needs: Sequence[Need],
    settings: IndicatorSettings, scope: str | None = None, ids: Sequence[int] | None = None,
    teams: Collection[int | None] | None = None,
    cases_where: ColumnElement[bool] | None = None,
    levels: Sequence[str] | None = None,
    period_needs: Sequence[Collection[Need]] | None = None,
    officer_courts: Collection[int] | None = None,
) -> dict[tuple[Any, ...], dict[tuple[int, Need], int]]:
    """Return {(court, team, officer): {(period index, need): sum}} from one grouped pass.

    `teams` (incremental refresh): only the cases a listed team (None: no team) holds now or
    held at 结案, read through the holder indexes; only those teams' groups are returned,
    complete (a group's figures come from cases whose current or closing team is its team).
    `levels` (with scope None): group by these levels only, e.g. ("court", "team") for a pass
    that reads no officer figures: its groups are (court, team, None), each the sum of that
    team's officer groups, and the pass makes several times fewer groups.
    `period_needs` (one collection per period): sum only these needs for that period (the
    trend's year-to-date months read one indicator); the others have no sums there.
    `officer_courts`: group by officer only the cases of these courts (holder_keys).

    The pass sums per (holder, category, 结案方式) for every (period, base filter) at once
    (grouping.py); the groups of each need's categories and closing methods are added here.
    """
    if not needs:
        return {}
    plan = _Plan(needs, periods, settings, period_needs)
    grouped = grouped_sums(
        session, select_from=CASES,
        keys=_case_keys(session, plan, scope, levels, officer_courts),
        dates=DATE_COLUMNS, filters=plan.filters, wanted=plan.wanted, values=plan.values(),
        where=[*_where(periods, needs, scope, ids), *team_filter(teams),
               *([] if cases_where is None else [cases_where])],
        # which 受理/旧存/新收 rows closed by the end: read for moved groups only (_by_need)
        moved_only=[k for k in plan.wanted if len(k) == 3],
    )
    out = _by_need(grouped, plan, len(periods))
    if teams is not None:
        out = {holder: sums for holder, sums in out.items() if holder[1] in teams}
    if scope is not None and ids is not None:
        wanted_ids, index = set(ids), list(LEVEL_COLUMNS).index(scope)
        out = {holder: sums for holder, sums in out.items() if holder[index] in wanted_ids}
    return out


PRESENT = "present"  # a shared pass's filter key (PRESENT, job): the job's window


def _in_window(first: Any, last: Any, o: Any) -> Any:
    """`window`'s dates as a row filter (its categories are the same for every job)."""
    return o.all(o.le("filed", last), o.null_or_ge("closed", first))


def _within(window: Callable[[Any], Any], row_filter: Callable[[Any], Any], o: Any) -> Any:
    return o.all(window(o), row_filter(o))


def case_sums_shared(
    session: Session, jobs: Sequence[tuple[Sequence[Period], Collection[int | None] | None]],
    needs: Sequence[Need], settings: IndicatorSettings, levels: Sequence[str] | None = None,
    officer_courts: Collection[int] | None = None,
) -> list[dict[tuple[Any, ...], dict[tuple[int, Need], int]]]:
    """`case_sums(session, periods, needs, settings, teams=teams, levels=levels,
    officer_courts=officer_courts)` of every
    (periods, teams) job, equal to it group for group, from ONE grouped pass over the union
    of the jobs' windows and teams (a build's 本年至今 and 本月; its founding days).

    Each job's filters are those of its own pass, each also held to the job's window, so a
    row outside it sums to none of them; a count per job over its window, filter key
    (PRESENT, job), says which groups the job's own pass would have made (a holder with a
    group is listed even with no figures). Row flags are computed from the earliest period
    start of all jobs: a flag is read only by filters of cases closed in a period, which
    begin later. The "staged" shape pays per row for the grouping and per group for the
    filters, so one pass costs about what its largest job alone did (docs/operations.md,
    bench-scale-full); the other shapes pay per row and filter, and keep one pass per job."""
    periods = [p for found, _ in jobs for p in found]
    plan = _Plan(needs, periods, settings)
    offsets: list[int] = []
    job_of: list[int] = []
    windows: list[Any] = []
    for k, (found, _teams) in enumerate(jobs):
        offsets.append(len(job_of))
        job_of += [k] * len(found)
        windows.append(partial(_in_window, min(p.start for p in found),
                               max(p.end for p in found)))
    filters: dict[Any, Any] = {key: partial(_within, windows[job_of[key[0]]], f)
                               for key, f in plan.filters.items()}
    values = [*plan.values(), literal(1)]
    wanted: dict[Any, set[int]] = dict(plan.wanted)
    for k, window in enumerate(windows):
        filters[(PRESENT, k)] = window
        wanted[(PRESENT, k)] = {len(values) - 1}
    every = union_teams(teams for _, teams in jobs)
    grouped = grouped_sums(
        session, select_from=CASES,
        keys=_case_keys(session, plan, None, levels, officer_courts),
        dates=DATE_COLUMNS, filters=filters, wanted=wanted, values=values,
        where=[*_where(periods, needs, None, None), *team_filter(every)],
        moved_only=[k for k in plan.wanted if len(k) == 3],
    )
    out = []
    for k, (found, teams) in enumerate(jobs):
        sums = _by_need(grouped, plan, len(found), offsets[k], (PRESENT, k))
        if teams is not None:
            sums = {holder: s for holder, s in sums.items() if holder[1] in teams}
        out.append(sums)
    return out


class _Plan:
    """What one pass sums: a column per (row flag, value), a filter per (period, base)."""

    def __init__(self, needs: Sequence[Need], periods: Sequence[Period],
                 settings: IndicatorSettings,
                 period_needs: Sequence[Collection[Need]] | None = None) -> None:
        self.needs = needs
        self.settings = settings
        # per period, the needs summed for it (None: every need in every period)
        self.period_needs = period_needs
        self.first = min(p.start for p in periods)
        self.methods_of = {n: ROW_SPECS[split_measure(n.measure)[0]][1] for n in needs}
        self.track_of = {n: TRACK_ROWS.get(split_measure(n.measure)[0]) for n in needs}
        self.tracks = sorted({t for t in self.track_of.values() if t is not None})
        self.base_of = {n: ROW_SPECS[split_measure(n.measure)[0]][0] for n in needs}
        sums = {n: (b if b in ROW_FLAGS else None, split_measure(n.measure)[1])
                for n, b in self.base_of.items()}
        self.sums = sorted(set(sums.values()), key=lambda c: (c[0] or "", c[1] or ""))
        self.column_of = {n: self.sums.index(c) for n, c in sums.items()}
        bases = set(self.base_of.values())
        self.filters: dict[Any, Any] = {(i, base): partial(BASE_FILTERS[base], p, settings)
                                        for i, p in enumerate(periods) for base in bases}
        # Rows that may go either way (受理, 旧存, 新收): which closed by the period's end.
        self.mixed = bases - CLOSURE_BASES - OPEN_BASES
        self.filters.update({(i, base, "closed"): partial(_closed_by_end, base, p, settings)
                             for i, p in enumerate(periods) for base in self.mixed})
        self.wanted: dict[Any, set[int]] = {}
        for n, base in self.base_of.items():
            for i in self.periods_of(n, len(periods)):
                self.wanted.setdefault((i, base), set()).add(self.column_of[n])
                if base in self.mixed:
                    self.wanted.setdefault((i, base, "closed"), set()).add(self.column_of[n])
        self.filters = {k: f for k, f in self.filters.items() if k in self.wanted}
        self.categories = sorted({c for n in needs for c in n.categories})
        self.methods = sorted({m for ms in self.methods_of.values() for m in ms or ()})
        self.flagged = {f: sorted({c for n in needs if sums[n][0] == f for c in n.categories})
                        for f, _ in self.sums if f}

    def periods_of(self, need: Need, count: int) -> list[int]:
        """The indexes of the periods `need` is summed for."""
        if self.period_needs is None:
            return list(range(count))
        return [i for i in range(count) if need in self.period_needs[i]]

    def values(self) -> list[Any]:
        return [_value(self._flag(f) if f else None, VALUES[v]() if v else None)
                for f, v in self.sums]

    def _flag(self, name: str) -> ColumnElement[bool]:
        """A row flag, tested only on rows a measure reads it for (closed, its categories)."""
        return and_(C.closed_on >= self.first, C.category.in_(self.flagged[name]),
                    ROW_FLAGS[name](self.settings))


Slots = list[tuple[int, str, list[tuple[Any, Any, tuple[int, Need]]]]]


def _need_slots(plan: _Plan, category: Any, method: Any, track: Any, count: int,
                offset: int = 0) -> Slots:
    """The needs a (category, 结案方式, track) group belongs to: each need's column, whether its rows
    go to the current holder ("open"), the holder at 结案 ("closure") or either ("mixed"), and
    per period its filter key, its "closed" filter key and its sums key (`offset`: the
    periods' filter keys start at this period index of a shared pass, case_sums_shared)."""
    found: Slots = []
    for need in plan.needs:
        if not _matches(need, plan.methods_of[need], category, method) \
                or plan.track_of[need] not in (None, track):
            continue
        base = plan.base_of[need]
        kind = "open" if base in OPEN_BASES else "closure" if base in CLOSURE_BASES else "mixed"
        found.append((plan.column_of[need], kind,
                      [((offset + i, base), (offset + i, base, "closed"), (i, need))
                       for i in plan.periods_of(need, count)]))
    return found


def _by_need(grouped: Mapping[tuple[Any, ...], Mapping[Any, list[int]]], plan: _Plan,
             count: int, offset: int = 0, present: Any = None,
             ) -> dict[tuple[Any, ...], dict[tuple[int, Need], int]]:
    """Add up, per holder, the groups of each need's categories and closing methods.

    A group of closed cases whose holder changed after 结案 (a moved key other than SAME)
    gives its rows closed by the period's end to the holder at 结案, the rest to the current
    holder; any other group has one holder. A shared pass (case_sums_shared): the `count`
    periods from `offset` on, and only the groups that list the filter key `present`."""
    out: dict[tuple[Any, ...], dict[tuple[int, Need], int]] = {}
    slots_of: dict[tuple[Any, Any, Any], Slots] = {}
    for (court, team, officer, moved_team, moved_officer, category, method, track), by_filter \
            in grouped.items():
        if present is not None and present not in by_filter:
            continue
        now = (court, team, officer)
        mine = out.setdefault(now, {})
        slots = slots_of.get((category, method, track))
        if slots is None:
            slots = slots_of[(category, method, track)] = _need_slots(plan, category, method,
                                                                      track, count, offset)
        if moved_team is SAME and moved_officer is SAME:
            for j, _kind, periods in slots:
                for filter_key, _closed, key in periods:
                    found = by_filter.get(filter_key)
                    if found is not None and found[j]:
                        mine[key] = mine.get(key, 0) + found[j]
        else:
            then = (court, team if moved_team is SAME else moved_team,
                    officer if moved_officer is SAME else moved_officer)
            _add_moved(out, now, then, by_filter, slots)
    return out


def _add_moved(out: dict[tuple[Any, ...], dict[tuple[int, Need], int]], now: tuple[Any, ...],
               then: tuple[Any, ...], by_filter: Mapping[Any, list[int]], slots: Slots) -> None:
    """A moved group's sums: closure rows to the holder at 结案 (`then`), open rows to the
    current holder (`now`), mixed rows split by whether they closed by the period's end."""
    def add(holder: tuple[Any, ...], key: tuple[int, Need], value: int) -> None:
        if value:
            target = out.setdefault(holder, {})
            target[key] = target.get(key, 0) + value

    for j, kind, periods in slots:
        for filter_key, closed_key, key in periods:
            found = by_filter.get(filter_key)
            total = 0 if found is None else found[j]
            if kind == "open":
                add(now, key, total)
            elif kind == "closure":
                add(then, key, total)
            else:  # a filter with no sums listed sums 0 (its "closed" part may not, alone)
                closed = by_filter.get(closed_key)
                part = closed[j] if closed is not None else 0
                add(then, key, part)
                add(now, key, total - part)


def holder_keys(session: Session, scope: str | None,
                columns: Mapping[str, ColumnElement[Any]] = LEVEL_COLUMNS,
                levels: Sequence[str] | None = None,
                officer_courts: Collection[int] | None = None) -> list[Key]:
    """Grouping keys (court, team, officer) over `columns` (the case's, or the copies on
    payments): all three (or `levels`), or only the scope's level. Id ranges come from
    `cases`, whose holder columns are indexed (the copies hold the same ids).
    `officer_courts`: the officer key is the officer only for cases of these courts and NULL
    for any other (a province's snapshot shows its own court's officers, not the thousands of
    its 辖区's: their cases then group by court and team, five to ten times fewer groups; the
    court and team sums are the same)."""
    levels = [scope] if scope is not None else list(levels or LEVEL_COLUMNS)
    top = session.execute(select(*(
        select(func.max(LEVEL_COLUMNS[level])).scalar_subquery() for level in levels
    ))).one()
    found = {level: id_key(_officer_of(noindex(columns[level]), columns["court"],
                                       officer_courts) if level == "officer" else
                           noindex(columns[level]), m)
             for level, m in zip(levels, top, strict=True)}
    return [found.get(level, NO_KEY) for level in LEVEL_COLUMNS]


SAME = "same"  # a moved key's value when the holder at 结案 is the current one
# a moved key of a level the pass does not group by: every group reads SAME (one holder)
NOT_MOVED = Key(None, literal(0), 1, lambda v: SAME, lambda v: SAME)


def _officer_of(column: ColumnElement[Any], court: ColumnElement[Any],
                courts: Collection[int] | None) -> ColumnElement[Any]:
    """An officer column, NULL outside `courts` (None: everywhere the officer)."""
    if courts is None:
        return column
    return case((noindex(court).in_(sorted(courts)), column), else_=null())


def moved_keys(session: Session, scope: str | None,
               grouped: Sequence[str] | None = None,
               officer_courts: Collection[int] | None = None) -> list[Key]:
    """Grouping keys (team, officer) of the holder at 结案, only for closed cases whose holder
    at the scope's level(s) (or the `grouped` levels) changed since: any other case reads
    SAME, so the groups multiply only by the few reassigned closed cases. The court's level
    never moves. `officer_courts`: as in holder_keys (elsewhere the officer never moves)."""
    levels = [lv for lv in ("team", "officer")
              if (scope == lv if scope is not None else grouped is None or lv in grouped)]
    if not levels:
        return [NOT_MOVED, NOT_MOVED]
    def held(lv: str, column: ColumnElement[Any]) -> ColumnElement[Any]:
        return _officer_of(noindex(column), C.court_id, officer_courts) \
            if lv == "officer" else noindex(column)

    moved = and_(C.closed_on.is_not(None), or_(*(
        held(lv, CLOSED_COLUMNS[lv]).is_distinct_from(held(lv, LEVEL_COLUMNS[lv]))
        for lv in levels)))
    top = session.execute(select(*(
        select(func.max(CLOSED_COLUMNS[lv])).scalar_subquery() for lv in levels))).one()
    found = {lv: _moved_key(moved, held(lv, CLOSED_COLUMNS[lv]), m)
             for lv, m in zip(levels, top, strict=True)}
    return [found.get("team", NOT_MOVED), found.get("officer", NOT_MOVED)]


def _moved_key(moved: ColumnElement[bool], column: ColumnElement[Any], max_id: int | None) -> Key:
    """SAME (not moved), None (moved to no one) or the id ("columns": −1, 0, id; "buckets":
    0, 1, id + 1)."""
    return Key(case((moved, func.coalesce(column, 0)), else_=-1),
               case((moved, func.coalesce(column + 1, 0) + 1), else_=0),
               (max_id or 0) + 3,
               lambda v: SAME if v == 0 else (None if v == 1 else v - 2),
               lambda v: SAME if v is None or int(v) == -1 else (None if int(v) == 0 else int(v)),
               -1)


def track_key(tracks: Sequence[str], first: Any) -> Key:
    """The case's track (`tracks` only, else None) as a grouping key of closed cases (closed
    on or after `first`, the pass's first day: the only ones a track row can be); open cases
    read None, so their groups do not multiply. No track needed: not grouped by."""
    if not tracks:
        return choice_key(C.track, ())
    closed = noindex(C.closed_on) >= first
    expression = case((closed, case(*((noindex(C.track) == t, literal(i + 1))
                                      for i, t in enumerate(tracks)), else_=0)), else_=0)
    known = set(tracks)
    return Key(case((closed, noindex(C.track))), expression, len(tracks) + 1,
               lambda v: tracks[v - 1] if v else None,
               lambda v: v if v in known else None)


def _matches(need: Need, methods: tuple[str, ...] | None, category: str, method: Any) -> bool:
    return category in need.categories and (methods is None or method in methods)


def team_in(column: Any, teams: Collection[int | None] | None) -> list[ColumnElement[bool]]:
    """Rows whose holder team (`column`) is listed (None in `teams`: no team); [] when `teams`
    is None (every row). The changed-teams filter of the incremental refresh's passes."""
    if teams is None:
        return []
    listed = sorted(t for t in teams if t is not None)
    parts: list[ColumnElement[bool]] = [column.in_(listed)] if listed else []
    if None in teams:
        parts.append(column.is_(None))
    return [or_(*parts) if parts else false()]


def holders_in(columns: Mapping[str, Any],
               holders: Mapping[str, Collection[int]] | None) -> list[ColumnElement[bool]]:
    """Rows of the groups that count for one of `holders` (per scope — court, team, officer —
    the entities wanted: a group counts for its court, its team and its officer, so these are
    every group an answer for them reads; None among the ids: the groups of no such entity,
    as in team_in); [] when `holders` is None (every row)."""
    if holders is None:
        return []
    parts = [cond for scope, ids in holders.items() if ids
             for cond in team_in(columns[scope], ids)]  # one scope's ids: as a team list
    return [or_(*parts) if parts else false()]


def union_teams(teams_of: Iterable[Collection[int | None] | None]) -> set[int | None] | None:
    """The teams of several passes together for one read; None (every team) if any pass
    reads every team."""
    every: set[int | None] = set()
    for teams in teams_of:
        if teams is None:
            return None
        every.update(teams)
    return every


def court_cases(court_id: int, teams: Collection[int]) -> ColumnElement[bool]:
    """The cases a court's own figures and its teams' figures are made of: the court's cases,
    and every case one of its `teams` holds now or held at 结案 (whatever court a case that
    moved between courts names; read through the court and holder indexes). Groups of other
    courts and teams made from these rows are partial: only the court's and its teams' are
    read (the snapshot's trend, db/snapshot/incremental.py)."""
    listed = sorted(teams)
    return or_(C.court_id == court_id,
               *([C.team_id.in_(listed), C.closed_team_id.in_(listed)] if listed else []))


def team_filter(teams: Collection[int | None] | None) -> list[Any]:
    """The rows of cases whose current or closing team is listed (indexed; None: no team)."""
    if teams is None:
        return []
    listed = sorted(t for t in teams if t is not None)
    parts: list[ColumnElement[bool]] = (
        [C.team_id.in_(listed), C.closed_team_id.in_(listed)] if listed else [])
    if None in teams:
        parts += [C.team_id.is_(None), and_(C.closed_on.is_not(None), C.closed_team_id.is_(None))]
    return [or_(*parts) if parts else false()]


def _where(periods: Sequence[Period], needs: Sequence[Need], scope: str | None,
           ids: Sequence[int] | None) -> list[Any]:
    where = [window(periods, {c for n in needs for c in n.categories})]
    if scope is not None and ids is not None:
        # a full scan, as above; a closed case may count for its holder at 结案 instead
        where.append(or_(noindex(LEVEL_COLUMNS[scope]).in_(list(ids)),
                         noindex(CLOSED_COLUMNS[scope]).in_(list(ids))))
    return where
