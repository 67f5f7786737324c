"""Portable SQL date arithmetic (SQLite, PostgreSQL, MySQL/MariaDB), shared by every query.

Each construct compiles to the dialect's own date functions, so day counts, deadlines and
month arithmetic are computed by the database in set-based SQL, never per row in Python.
The indicator engine (db/indicators) and the node checks (db/nodes, compliance, campaigns,
supervision) all import from here.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

MYSQL = ("mysql", "mariadb")


def _args(element: FunctionElement[Any], compiler: Any, **kw: Any) -> list[str]:
    return [compiler.process(arg, **kw) for arg in element.clauses]


def _compiles_for(construct: type, *dialects: str) -> Any:
    """Register one compile function for several dialects."""
    def decorate(fn: Any) -> Any:
        for name in dialects:
            compiles(construct, name)(fn)
        return fn
    return decorate


class datediff(FunctionElement[int]):  # noqa: N801 - reads like the SQL function
    """later − earlier in whole calendar days (argument order as in SQL's DATEDIFF)."""

    type = Integer()
    inherit_cache = True
    name = "datediff"


@compiles(datediff)
@compiles(datediff, "postgresql")
def _datediff_standard(element: datediff, compiler: Any, **kw: Any) -> str:
    later, earlier = _args(element, compiler, **kw)
    return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"


@compiles(datediff, "sqlite")
def _datediff_sqlite(element: datediff, compiler: Any, **kw: Any) -> str:
    later, earlier = _args(element, compiler, **kw)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@_compiles_for(datediff, *MYSQL)
def _datediff_mysql(element: datediff, compiler: Any, **kw: Any) -> str:
    later, earlier = _args(element, compiler, **kw)
    return f"DATEDIFF({later}, {earlier})"


def days_between(start: Any, end: Any) -> ColumnElement[int]:
    """Whole calendar days from `start` to `end` (end − start)."""
    return datediff(end, start)


class minutes_between(FunctionElement[int]):  # noqa: N801
    """Whole minutes from timestamp `start` to `end` (end − start, truncated)."""

    type = Integer()
    inherit_cache = True
    name = "minutes_between"


@compiles(minutes_between)
@compiles(minutes_between, "postgresql")
def _minutes_standard(element: minutes_between, compiler: Any, **kw: Any) -> str:
    start, end = _args(element, compiler, **kw)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({end} - {start})) / 60) AS INTEGER)"


@compiles(minutes_between, "sqlite")
def _minutes_sqlite(element: minutes_between, compiler: Any, **kw: Any) -> str:
    start, end = _args(element, compiler, **kw)
    return (f"((CAST(strftime('%s', {end}) AS INTEGER) - "
            f"CAST(strftime('%s', {start}) AS INTEGER)) / 60)")


@_compiles_for(minutes_between, *MYSQL)
def _minutes_mysql(element: minutes_between, compiler: Any, **kw: Any) -> str:
    start, end = _args(element, compiler, **kw)
    return f"TIMESTAMPDIFF(MINUTE, {start}, {end})"


class add_months(FunctionElement[Any]):  # noqa: N801
    """The date N months later (N may be negative), clamped to the target month's last day
    (08-31 + 6 → 02-28)."""

    type = Date()
    inherit_cache = True
    name = "add_months"
    # The month count is rendered into the SQL, so it must be part of the cache key.
    _traverse_internals = [
        *FunctionElement._traverse_internals, ("months", InternalTraversal.dp_plain_obj)
    ]

    def __init__(self, date: Any, months: int) -> None:
        self.months = int(months)
        super().__init__(date)


@compiles(add_months)
@compiles(add_months, "postgresql")
def _add_months_standard(element: add_months, compiler: Any, **kw: Any) -> str:
    (date,) = _args(element, compiler, **kw)
    return f"CAST(CAST({date} AS DATE) + INTERVAL '{element.months} months' AS DATE)"


@compiles(add_months, "sqlite")
def _add_months_sqlite(element: add_months, compiler: Any, **kw: Any) -> str:
    # SQLite rolls 08-31 + 6 months over into March; clamp to the target month's last day.
    # Days 1-28 exist in every month, so they need no clamp (one date() call, not two).
    (date,) = _args(element, compiler, **kw)
    n = element.months
    month_end = f"date({date}, 'start of month', '{n + 1:+d} months', '-1 day')"
    clamped = f"min(date({date}, '{n:+d} months'), {month_end})"
    return (f"CASE WHEN substr({date}, 9, 2) <= '28' THEN date({date}, '{n:+d} months') "
            f"ELSE {clamped} END")


@_compiles_for(add_months, *MYSQL)
def _add_months_mysql(element: add_months, compiler: Any, **kw: Any) -> str:
    (date,) = _args(element, compiler, **kw)
    return f"CAST(DATE_ADD({date}, INTERVAL {element.months} MONTH) AS DATE)"


def months(date_expr: Any, n: int) -> ColumnElement[Any]:
    """`date_expr` + n months, clamped to the month end (see add_months)."""
    return add_months(date_expr, n)


class add_days(FunctionElement[Any]):  # noqa: N801
    """date + n calendar days (n may be an expression)."""

    type = Date()
    inherit_cache = True
    name = "add_days"


@compiles(add_days)
@compiles(add_days, "postgresql")
def _add_days_standard(element: add_days, compiler: Any, **kw: Any) -> str:
    d, n = _args(element, compiler, **kw)
    return f"(CAST({d} AS DATE) + CAST({n} AS INTEGER))"


@compiles(add_days, "sqlite")
def _add_days_sqlite(element: add_days, compiler: Any, **kw: Any) -> str:
    d, n = _args(element, compiler, **kw)
    return f"date(julianday({d}) + ({n}))"


@_compiles_for(add_days, *MYSQL)
def _add_days_mysql(element: add_days, compiler: Any, **kw: Any) -> str:
    d, n = _args(element, compiler, **kw)
    return f"CAST(DATE_ADD({d}, INTERVAL ({n}) DAY) AS DATE)"


class local_date(FunctionElement[Any]):  # noqa: N801
    """The court-local calendar date of a UTC timestamp, given the zone's offset in minutes."""

    type = Date()
    inherit_cache = True
    name = "local_date"
    _traverse_internals = [
        *FunctionElement._traverse_internals, ("offset", InternalTraversal.dp_plain_obj)
    ]

    def __init__(self, ts: Any, offset_minutes: int) -> None:
        self.offset = int(offset_minutes)
        super().__init__(ts)


@compiles(local_date)
@compiles(local_date, "postgresql")
def _local_date_standard(element: local_date, compiler: Any, **kw: Any) -> str:
    (ts,) = _args(element, compiler, **kw)
    return f"CAST({ts} + INTERVAL '{element.offset} minutes' AS DATE)"


@compiles(local_date, "sqlite")
def _local_date_sqlite(element: local_date, compiler: Any, **kw: Any) -> str:
    (ts,) = _args(element, compiler, **kw)
    return f"date({ts}, '{element.offset:+d} minutes')"


@_compiles_for(local_date, *MYSQL)
def _local_date_mysql(element: local_date, compiler: Any, **kw: Any) -> str:
    (ts,) = _args(element, compiler, **kw)
    return f"DATE(DATE_ADD({ts}, INTERVAL {element.offset} MINUTE))"


def local_day(ts_expr: Any, offset_minutes: int) -> ColumnElement[Any]:
    """The court-local date of a UTC timestamp column (see local_date)."""
    return local_date(ts_expr, offset_minutes)


class as_date(FunctionElement[Any]):  # noqa: N801
    """A DATE-typed value (SQLite keeps its ISO text: CAST AS DATE would make it a number)."""

    type = Date()
    inherit_cache = True
    name = "as_date"


@compiles(as_date)
def _as_date_standard(element: as_date, compiler: Any, **kw: Any) -> str:
    (value,) = _args(element, compiler, **kw)
    return f"CAST({value} AS DATE)"


@compiles(as_date, "sqlite")
def _as_date_sqlite(element: as_date, compiler: Any, **kw: Any) -> str:
    (value,) = _args(element, compiler, **kw)
    return value


__all__ = [
    "add_days", "add_months", "as_date", "datediff", "days_between", "local_date", "local_day",
    "minutes_between", "months",
]
