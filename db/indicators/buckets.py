"""Row filters written once, read three ways: as SQL, as date boundaries, and per bucket.

A row filter (docs/data-model.md, 统计口径) only compares a row's dates with fixed days: 立案 ≤ 期末,
结案 ≥ 期初, … . Written against an `Ops` object it becomes

* SQL (`SqlOps`): the WHERE condition `explain` lists rows with;
* boundaries (`Boundaries`): every day the filter compares a date column with;
* a truth value for a bucket (`BucketOps`): the aggregate query groups rows by the interval
  between two boundaries each date falls into, so every row of a group answers every filter
  the same way; one representative day per interval gives that answer.

So one grouped pass answers every filter of every period, and both the aggregate and
`explain` use the same filter definitions.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import and_, case, literal, or_
from sqlalchemy.sql.expression import ColumnElement

DAY = dt.timedelta(days=1)


class SqlOps:
    """Row filters as SQLAlchemy conditions over the given date columns."""

    def __init__(self, columns: Mapping[str, ColumnElement[Any]]) -> None:
        self.columns = columns

    def lt(self, name: str, day: dt.date) -> Any:
        return self.columns[name] < day

    def le(self, name: str, day: dt.date) -> Any:
        return self.columns[name] <= day

    def ge(self, name: str, day: dt.date) -> Any:
        return self.columns[name] >= day

    def between(self, name: str, first: dt.date, last: dt.date) -> Any:
        return self.columns[name].between(first, last)

    def null_or_ge(self, name: str, day: dt.date) -> Any:
        column = self.columns[name]
        return or_(column.is_(None), column >= day)

    def null_or_gt(self, name: str, day: dt.date) -> Any:
        column = self.columns[name]
        return or_(column.is_(None), column > day)

    def all(self, *conditions: Any) -> Any:
        return and_(*conditions)

    def any(self, *conditions: Any) -> Any:
        return or_(*conditions)


class Boundaries:
    """Collects, per date column, the days a filter splits that column at (x < day)."""

    def __init__(self) -> None:
        self.days: dict[str, set[dt.date]] = {}

    def _split(self, name: str, *days: dt.date) -> bool:
        self.days.setdefault(name, set()).update(days)
        return True

    def lt(self, name: str, day: dt.date) -> bool:
        return self._split(name, day)

    def le(self, name: str, day: dt.date) -> bool:
        return self._split(name, day + DAY)

    def ge(self, name: str, day: dt.date) -> bool:
        return self._split(name, day)

    def between(self, name: str, first: dt.date, last: dt.date) -> bool:
        return self._split(name, first, last + DAY)

    def null_or_ge(self, name: str, day: dt.date) -> bool:
        return self._split(name, day)

    def null_or_gt(self, name: str, day: dt.date) -> bool:
        return self._split(name, day + DAY)

    def all(self, *conditions: Any) -> bool:
        return True

    def any(self, *conditions: Any) -> bool:
        return True


class BucketOps:
    """Row filters evaluated on one representative day per date column (None: no date)."""

    def __init__(self, days: Mapping[str, dt.date | None]) -> None:
        self.days = days

    def lt(self, name: str, day: dt.date) -> bool:
        value = self.days[name]
        return value is not None and value < day

    def le(self, name: str, day: dt.date) -> bool:
        value = self.days[name]
        return value is not None and value <= day

    def ge(self, name: str, day: dt.date) -> bool:
        value = self.days[name]
        return value is not None and value >= day

    def between(self, name: str, first: dt.date, last: dt.date) -> bool:
        value = self.days[name]
        return value is not None and first <= value <= last

    def null_or_ge(self, name: str, day: dt.date) -> bool:
        value = self.days[name]
        return value is None or value >= day

    def null_or_gt(self, name: str, day: dt.date) -> bool:
        value = self.days[name]
        return value is None or value > day

    def all(self, *conditions: bool) -> bool:
        return all(conditions)

    def any(self, *conditions: bool) -> bool:
        return any(conditions)


def bucket_expression(column: ColumnElement[Any], days: Sequence[dt.date]) -> Any:
    """The index of the interval of sorted `days` the value falls into; NULL: len(days) + 1."""
    whens: list[tuple[ColumnElement[bool], Any]] = [(column.is_(None), literal(len(days) + 1))]
    whens += [(column < day, literal(i)) for i, day in enumerate(days)]
    return case(*whens, else_=literal(len(days)))


def representative(days: Sequence[dt.date], bucket: int) -> dt.date | None:
    """A day inside bucket `bucket` of sorted `days` (its first day; date.min for the first)."""
    if bucket > len(days):
        return None
    return dt.date.min if bucket == 0 else days[bucket - 1]


Filter = Callable[[Any], Any]  # ops -> condition (the period and settings already bound)


def split_days(filters: Iterable[Filter]) -> dict[str, list[dt.date]]:
    """The sorted boundaries of every date column the filters compare."""
    collector = Boundaries()
    for row_filter in filters:
        row_filter(collector)
    return {name: sorted(days) for name, days in collector.days.items()}


class BucketMatcher:
    """Which (key of) filters hold for a combination of buckets, cached per combination."""

    def __init__(self, filters: Mapping[Any, Filter], days: Mapping[str, Sequence[dt.date]]):
        self.filters = filters
        self.days = days
        self.names = list(days)
        self._cache: dict[tuple[int, ...], list[Any]] = {}

    def matching(self, buckets: tuple[int, ...]) -> list[Any]:
        found = self._cache.get(buckets)
        if found is None:
            ops = BucketOps({name: representative(self.days[name], b)
                             for name, b in zip(self.names, buckets, strict=True)})
            found = [key for key, row_filter in self.filters.items() if row_filter(ops)]
            self._cache[buckets] = found
        return found
