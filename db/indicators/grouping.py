"""One grouped pass that sums rows for many row filters (all periods) at once.

`grouped_sums` returns {key values: {filter key: [sum, …]}} in one of three query shapes,
chosen per dialect (SHAPES); all read the same filter definitions (buckets.py):

* "columns": one SUM(CASE WHEN <filter> THEN <value> ELSE 0 END) per needed (filter, sum),
  grouped by the plain key columns. PostgreSQL and MariaDB hash-aggregate that in parallel
  because they know how few groups the plain columns make.
* "buckets": the rows are grouped by the key columns and by the bucket each date falls into,
  packed into one BIGINT; Python adds each group to every filter that holds for its buckets.
  SQLite groups by sorting every row, and one integer sort key with a handful of sums is
  far cheaper to sort and aggregate than many conditional sums with a multi-column key.
* "staged" (PostgreSQL): the "buckets" grouping in SQL (each date's bucket by width_bucket,
  a few plain sums per group: a parallel hash aggregate), then the "columns" conditional
  sums over those groups, their conditions comparing bucket numbers. The per-row work is a
  few sums instead of one conditional sum per (filter, sum); the conditional sums run once
  per group (docs/operations.md, bench-scale).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from db.indicators.buckets import (
    DAY,
    BucketMatcher,
    SqlOps,
    bucket_expression,
    split_days,
)
from db.indicators.dialect import aggregate_settings, summand

SHAPES: dict[str, str] = {"sqlite": "buckets", "postgresql": "staged"}  # else: "columns"
NO_LIMIT: dict[str, int] = {"sqlite": -1}  # a LIMIT that limits nothing, per dialect
Sums = dict[tuple[Any, ...], dict[Any, list[int]]]


@dataclass(frozen=True)
class Key:
    """A grouping column. `column` is grouped by as is ("columns" shape; None: not grouped);
    `expression` maps it to 0 … size − 1 ("buckets" shape) and `decode` maps that back."""

    column: Any
    expression: Any
    size: int
    decode: Callable[[int], Any]
    accept: Callable[[Any], Any] = lambda v: v  # a raw column value as the caller sees it
    # the column's value of a group whose rows did not move (a moved key, sql.moved_keys):
    # the "staged" shape sums a `moved_only` filter only over the groups of moved rows
    unmoved: Any = None


NO_KEY = Key(None, literal(0), 1, lambda v: None, lambda v: None)  # a level not grouped by


def id_key(column: ColumnElement[Any], max_id: int | None) -> Key:
    """An id column (NULL allowed) whose values are at most `max_id`."""
    size = (max_id or 0) + 2
    return Key(column, func.coalesce(column + 1, 0), size, lambda v: None if v == 0 else v - 1)


def choice_key(column: ColumnElement[Any], values: Sequence[str]) -> Key:
    """A text column of which only `values` matter; anything else (or NULL) reads as None."""
    if not values:
        return Key(None, literal(0), 1, lambda v: None, lambda v: None)
    expression = case(*((column == v, literal(i + 1)) for i, v in enumerate(values)), else_=0)
    known = set(values)
    return Key(column, expression, len(values) + 1, lambda v: values[v - 1] if v else None,
               lambda v: v if v in known else None)


def _bucket_key(column: ColumnElement[Any], days: Sequence[Any]) -> Key:
    return Key(column, bucket_expression(column, days), len(days) + 2, int)


PACKED_LIMIT = 2 ** 62  # products of the key sizes below this fit a signed 64-bit integer


def _packed(keys: Sequence[Key]) -> Any:
    packed = cast(keys[0].expression, BigInteger)
    for key in keys[1:]:
        packed = packed * key.size + key.expression
    return packed


def _unpack(value: int, keys: Sequence[Key]) -> list[int]:
    parts = []
    for key in reversed(keys):
        value, part = divmod(value, key.size)
        parts.append(part)
    return parts[::-1]


def _add(target: dict[Any, list[int]], filter_key: Any, values: Sequence[int]) -> None:
    found = target.get(filter_key)
    if found is None:
        target[filter_key] = list(values)
    else:
        for j, v in enumerate(values):
            found[j] += v


def grouped_sums(
    session: Session, *, select_from: Any, keys: Sequence[Key],
    dates: Mapping[str, ColumnElement[Any]], filters: Mapping[Any, Callable[[Any], Any]],
    values: Sequence[Any], wanted: Mapping[Any, set[int]], where: Sequence[Any],
    moved_only: Collection[Any] = (),
) -> Sums:
    """Return {key values: {filter key: [Σ values[j] over its rows, …]}}.

    `filters` maps a key to a row filter (see buckets.py), `values` are row-level
    expressions to sum, `wanted` says which sums each filter key needs. `moved_only`: filter
    keys the caller reads only for groups with a moved key (Key.unmoved): their sums of other
    groups may be left out (the "staged" shape does, the others need not).
    """
    shape = SHAPES.get(session.get_bind().dialect.name, "columns")
    if shape == "staged":
        return _staged_pass(session, select_from, keys, dates, filters, values, wanted, where,
                            moved_only)
    run = _bucket_pass if shape == "buckets" else _column_pass
    return run(session, select_from, keys, dates, filters, values, wanted, where)


def _sum(value: Any, column: Any = None) -> Any:
    """SUM(value) (or of `column`, where the value was computed); a plain row count as
    COUNT(*), which needs no value per row."""
    is_one = getattr(value, "value", None) == 1 and not isinstance(value.value, bool)
    return func.count() if is_one else func.sum(value if column is None else column)


def _case_sum(condition: Any, value: Any) -> Any:
    return func.sum(case((condition, value), else_=0))


def _filter_sum(condition: Any, value: Any) -> Any:
    """An aggregate FILTER (WHERE …): PostgreSQL skips the rows it rejects before the
    aggregate, which costs less than a CASE per row and aggregate; a count needs no value."""
    return _sum(value).filter(condition)


def _scaled(total: Any, factor: int) -> Any:
    return total if factor == 1 else total * factor


# How a "columns" pass writes a sum over the rows of one filter, per dialect (default: CASE).
CONDITIONAL_SUMS: dict[str, Callable[[Any, Any], Any]] = {"postgresql": _filter_sum}


def _execute(session: Session, stmt: Any) -> list[Any]:
    with aggregate_settings(session):
        return list(session.execute(stmt).all())


def _column_pass(session: Session, select_from: Any, keys: Sequence[Key],
                 dates: Mapping[str, Any], filters: Mapping[Any, Any], values: Sequence[Any],
                 wanted: Mapping[Any, set[int]], where: Sequence[Any]) -> Sums:
    ops = SqlOps(dates)
    dialect = session.get_bind().dialect.name
    conditional = CONDITIONAL_SUMS.get(dialect, _case_sum)
    summands = [summand(v, dialect) for v in values]
    columns = [(fk, j, _scaled(conditional(filters[fk](ops), summands[j][0]), summands[j][1]))
               for fk in wanted for j in sorted(wanted[fk])]
    grouped = [k.column for k in keys if k.column is not None]
    stmt = (
        select(*(null() if k.column is None else k.column for k in keys),
               *(c for _, _, c in columns))
        .select_from(select_from).where(*where).group_by(*grouped)
    )
    return _collect(_execute(session, stmt), keys, [(fk, j) for fk, j, _ in columns],
                    len(values))


def _collect(rows: Sequence[Any], keys: Sequence[Key], columns: Sequence[tuple[Any, int]],
             width: int) -> Sums:
    """{key values: {filter key: [sum, …]}} from rows of the key values and one sum per
    (filter key, sum index) of `columns`; a filter key is listed for a group where one of its
    sums is not 0 (as the "buckets" shape lists only the filters a group's buckets match)."""
    start = len(keys)
    accept = [k.accept for k in keys]
    positions = range(len(columns))
    out: Sums = {}
    for row in rows:
        group = tuple(a(v) for a, v in zip(accept, row, strict=False))
        target = out.get(group)
        if target is None:
            target = out[group] = {}
        sums = row[start:]
        for c in compress(positions, sums):
            fk, j = columns[c]
            found = target.get(fk)
            if found is None:
                found = target[fk] = [0] * width
            found[j] += int(sums[c])
    return out


class StagedOps:
    """Row filters over bucket numbers: `columns[name]` is the number of `days[name]` (sorted)
    that are <= the date (NULL for no date; width_bucket), so x < days[k] is bucket <= k."""

    def __init__(self, columns: Mapping[str, Any], days: Mapping[str, Sequence[Any]]) -> None:
        self.columns = columns
        self.index = {name: {day: k for k, day in enumerate(found)}
                      for name, found in days.items()}

    def _below(self, name: str, day: Any) -> Any:  # date < day
        return self.columns[name] <= self.index[name][day]

    def _from(self, name: str, day: Any) -> Any:  # date >= day
        return self.columns[name] > self.index[name][day]

    def lt(self, name: str, day: Any) -> Any:
        return self._below(name, day)

    def le(self, name: str, day: Any) -> Any:
        return self._below(name, day + DAY)

    def ge(self, name: str, day: Any) -> Any:
        return self._from(name, day)

    def between(self, name: str, first: Any, last: Any) -> Any:
        low, high = self.index[name][first], self.index[name][last + DAY]
        if high == low + 1:  # one bucket (a month of the trend): one comparison, not two
            return self.columns[name] == high
        return and_(self._from(name, first), self._below(name, last + DAY))

    def null_or_ge(self, name: str, day: Any) -> Any:
        return or_(self.columns[name].is_(None), self._from(name, day))

    def null_or_gt(self, name: str, day: Any) -> Any:
        return or_(self.columns[name].is_(None), self._from(name, day + DAY))

    def all(self, *conditions: Any) -> Any:
        return and_(*conditions)

    def any(self, *conditions: Any) -> Any:
        return or_(*conditions)


def staged_bucket(column: Any, days: Sequence[Any], dialect: str) -> Any:
    """How many of the sorted `days` are <= the date; NULL stays NULL."""
    if dialect == "postgresql":
        return func.width_bucket(column, bindparam(None, list(days), type_=ARRAY(Date)))
    whens: list[tuple[Any, Any]] = [(column.is_(None), null())]
    whens += [(column < day, literal(k)) for k, day in enumerate(days)]
    return case(*whens, else_=literal(len(days)))


def _staged_pass(session: Session, select_from: Any, keys: Sequence[Key],
                 dates: Mapping[str, Any], filters: Mapping[Any, Any], values: Sequence[Any],
                 wanted: Mapping[Any, set[int]], where: Sequence[Any],
                 moved_only: Collection[Any] = ()) -> Sums:
    """The "columns" answer in two stages: the rows grouped by the key columns and the
    interval of each date between the filters' days (buckets.py), a few plain sums per group;
    then, over those groups, one conditional sum per needed (filter, sum) whose condition
    compares bucket numbers. Every row of a bucket group answers every filter alike, so the
    sums are the same; the per-row work is a few sums instead of hundreds of conditional
    ones (PostgreSQL: the first stage is a parallel hash aggregate)."""
    dialect = session.get_bind().dialect.name
    days = split_days(filters[fk] for fk in wanted)
    names = [name for name in dates if name in days]
    summands = [summand(v, dialect) for v in values]
    key_labels = [f"key_{i}" for i, k in enumerate(keys) if k.column is not None]
    key_columns = [k.column.label(n) for k, n in
                   zip([k for k in keys if k.column is not None], key_labels, strict=True)]
    buckets = [staged_bucket(dates[n], days[n], dialect).label(f"bucket_{n}") for n in names]
    sums = [_sum(v).label(f"sum_{j}") for j, (v, _) in enumerate(summands)]
    inner = (select(*key_columns, *buckets, *sums).select_from(select_from).where(*where)
             .group_by(*(c.element for c in key_columns), *(b.element for b in buckets))
             .subquery("staged"))
    ops = StagedOps({n: inner.c[f"bucket_{n}"] for n in names}, days)
    conditional = CONDITIONAL_SUMS.get(dialect, _case_sum)
    moved = [inner.c[n] != k.unmoved for k, n in
             zip([k for k in keys if k.column is not None], key_labels, strict=True)
             if k.unmoved is not None]

    def condition(fk: Any) -> Any:
        found = filters[fk](ops)
        return and_(or_(*moved), found) if fk in moved_only and moved else found

    columns = [(fk, j, _scaled(conditional(condition(fk), inner.c[f"sum_{j}"]),
                               summands[j][1]))
               for fk in wanted for j in sorted(wanted[fk])]
    labels = iter(key_labels)
    stmt = (select(*(null() if k.column is None else inner.c[next(labels)] for k in keys),
                   *(c for _, _, c in columns))
            .group_by(*(inner.c[n] for n in key_labels)))
    return _collect(_execute(session, stmt), keys, [(fk, j) for fk, j, _ in columns],
                    len(values))


def _bucket_pass(session: Session, select_from: Any, keys: Sequence[Key],
                 dates: Mapping[str, Any], filters: Mapping[Any, Any], values: Sequence[Any],
                 wanted: Mapping[Any, set[int]], where: Sequence[Any]) -> Sums:
    days = split_days(filters.values())
    names = [name for name in dates if name in days]
    every = [*keys, *(_bucket_key(dates[n], days[n]) for n in names)]
    packed = math.prod(k.size for k in every) < PACKED_LIMIT
    labels = ["group_key"] if packed else [f"group_key_{j}" for j in range(len(every))]
    groups = [_packed(every)] if packed else [k.expression for k in every]
    # The rows' keys and values are computed in a subquery that SQLite does not flatten
    # (it has a LIMIT, of "no limit"): its sorter then holds a few integers per row, not
    # the columns the sums are computed from.
    keyed = (
        select(*(g.label(n) for g, n in zip(groups, labels, strict=True)),
               *(v.label(f"value_{j}") for j, v in enumerate(values)))
        .select_from(select_from).where(*where)
    )
    no_limit = NO_LIMIT.get(session.get_bind().dialect.name)
    rows = (keyed if no_limit is None else keyed.limit(no_limit)).subquery("keyed")
    stmt = select(*(rows.c[n] for n in labels),
                  *(_sum(v, rows.c[f"value_{j}"]) for j, v in enumerate(values))
                  ).group_by(*(rows.c[n] for n in labels))
    matcher = BucketMatcher(filters, {n: days[n] for n in names})
    width, depth = len(keys), len(groups)
    out: Sums = {}
    for row in _execute(session, stmt):
        parts = _unpack(int(row[0]), every) if packed else [int(v) for v in row[:depth]]
        matched = matcher.matching(tuple(parts[width:]))
        if not matched:
            continue
        sums = [int(v or 0) for v in row[depth:]]
        decoded = tuple(k.decode(v) for k, v in zip(keys, parts, strict=False))
        target = out.setdefault(decoded, {})
        for filter_key in matched:
            _add(target, filter_key, sums)
    return out
