"""Portable date arithmetic for the node SQL (SQLite, PostgreSQL, MySQL/MariaDB).

Each construct compiles to the dialect's own date functions, so statuses for every case are
computed by the database in one statement instead of in Python.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement, literal_column


class add_days(FunctionElement):  # noqa: N801 - reads like a SQL function
    """date + n calendar days (n may be an expression)."""

    type = Date()
    inherit_cache = True
    name = "add_days"


class add_months(FunctionElement):  # noqa: N801
    """date + n months, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29)."""

    type = Date()
    inherit_cache = True
    name = "add_months"


class days_between(FunctionElement):  # noqa: N801
    """later - earlier in whole days."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


class local_date(FunctionElement):  # noqa: N801
    """The court-local calendar date of a UTC timestamp, given the zone's offset in minutes."""

    type = Date()
    inherit_cache = True
    name = "local_date"


def _args(element: FunctionElement, compiler: Any, **kw: Any) -> list[str]:
    return [compiler.process(arg, **kw) for arg in element.clauses]


def _first(element: FunctionElement, compiler: Any, **kw: Any) -> str:
    return compiler.process(list(element.clauses)[0], **kw)


def _int_literal(element: FunctionElement, index: int) -> int:
    """Month counts and zone offsets are inline literal columns (part of the cache key)."""
    return int(list(element.clauses)[index].name)


@compiles(add_days)
def _add_days_default(element: add_days, compiler: Any, **kw: Any) -> str:
    d, n = _args(element, compiler, **kw)
    return f"CAST(DATE_ADD({d}, INTERVAL ({n}) DAY) AS DATE)"


@compiles(add_days, "sqlite")
def _add_days_sqlite(element: add_days, compiler: Any, **kw: Any) -> str:
    d, n = _args(element, compiler, **kw)
    return f"date(julianday({d}) + ({n}))"


@compiles(add_days, "postgresql")
def _add_days_pg(element: add_days, compiler: Any, **kw: Any) -> str:
    d, n = _args(element, compiler, **kw)
    return f"(CAST({d} AS DATE) + CAST({n} AS INTEGER))"


@compiles(add_months)
def _add_months_default(element: add_months, compiler: Any, **kw: Any) -> str:
    d = _first(element, compiler, **kw)
    return f"CAST(DATE_ADD({d}, INTERVAL {_int_literal(element, 1)} MONTH) AS DATE)"


@compiles(add_months, "sqlite")
def _add_months_sqlite(element: add_months, compiler: Any, **kw: Any) -> str:
    d = _first(element, compiler, **kw)
    n = _int_literal(element, 1)
    month_end = f"date({d}, 'start of month', '{n + 1:+d} months', '-1 day')"
    return f"min(date({d}, '{n:+d} months'), {month_end})"


@compiles(add_months, "postgresql")
def _add_months_pg(element: add_months, compiler: Any, **kw: Any) -> str:
    d = _first(element, compiler, **kw)
    return f"CAST(CAST({d} AS DATE) + INTERVAL '{_int_literal(element, 1)} months' AS DATE)"


@compiles(days_between)
def _days_between_default(element: days_between, compiler: Any, **kw: Any) -> str:
    a, b = _args(element, compiler, **kw)
    return f"DATEDIFF({a}, {b})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    a, b = _args(element, compiler, **kw)
    return f"CAST(julianday({a}) - julianday({b}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_between_pg(element: days_between, compiler: Any, **kw: Any) -> str:
    a, b = _args(element, compiler, **kw)
    return f"(CAST({a} AS DATE) - CAST({b} AS DATE))"


@compiles(local_date)
def _local_date_default(element: local_date, compiler: Any, **kw: Any) -> str:
    ts = _first(element, compiler, **kw)
    return f"DATE(DATE_ADD({ts}, INTERVAL {_int_literal(element, 1)} MINUTE))"


@compiles(local_date, "sqlite")
def _local_date_sqlite(element: local_date, compiler: Any, **kw: Any) -> str:
    ts = _first(element, compiler, **kw)
    return f"date({ts}, '{_int_literal(element, 1):+d} minutes')"


@compiles(local_date, "postgresql")
def _local_date_pg(element: local_date, compiler: Any, **kw: Any) -> str:
    ts = _first(element, compiler, **kw)
    return f"CAST({ts} + INTERVAL '{_int_literal(element, 1)} minutes' AS DATE)"


def months(date_expr: Any, n: int) -> ColumnElement[Any]:
    """add_months with the month count as an inline literal."""
    return add_months(date_expr, literal_column(str(int(n)), Integer))


def local_day(ts_expr: Any, offset_minutes: int) -> ColumnElement[Any]:
    """local_date with the offset as an inline literal."""
    return local_date(ts_expr, literal_column(str(int(offset_minutes)), Integer))


class as_date(FunctionElement):  # noqa: N801
    """A DATE-typed value (SQLite keeps its ISO text: CAST AS DATE would make it a number)."""

    type = Date()
    inherit_cache = True
    name = "as_date"


@compiles(as_date)
def _as_date_default(element: as_date, compiler: Any, **kw: Any) -> str:
    return f"CAST({_first(element, compiler, **kw)} AS DATE)"


@compiles(as_date, "sqlite")
def _as_date_sqlite(element: as_date, compiler: Any, **kw: Any) -> str:
    return _first(element, compiler, **kw)
