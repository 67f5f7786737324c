"""Dialect-aware SQL expressions: day differences, month arithmetic, exact money sums."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal


class days_between(FunctionElement[int]):  # noqa: N801 - reads like a SQL function
    """Whole calendar days from the first date to the second (second − first)."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_default(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(CAST({end} AS DATE) - CAST({start} AS DATE))"


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"


@compiles(days_between, "mysql")
@compiles(days_between, "mariadb")
def _days_mysql(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"DATEDIFF({end}, {start})"


class add_months(FunctionElement[Any]):  # noqa: N801
    """The date N months later, clamped to the month's last day (08-31 + 6 → 02-28)."""

    type = Date()
    inherit_cache = True
    # The month count is rendered into the SQL, so it must be part of the cache key.
    _traverse_internals = [
        *FunctionElement._traverse_internals, ("months", InternalTraversal.dp_plain_obj)
    ]

    def __init__(self, date: ColumnElement[Any], months: int) -> None:
        self.months = int(months)
        super().__init__(date)


@compiles(add_months)
def _months_default(element: add_months, compiler: Any, **kw: Any) -> str:
    (date,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST({date} + INTERVAL '{element.months} months' AS DATE)"


@compiles(add_months, "sqlite")
def _months_sqlite(element: add_months, compiler: Any, **kw: Any) -> str:
    # SQLite rolls 08-31 + 6 months over into March; clamp to the target month's last day.
    (date,) = (compiler.process(arg, **kw) for arg in element.clauses)
    n = element.months
    return (
        f"min(date({date}, '+{n} months'), "
        f"date({date}, 'start of month', '+{n + 1} months', '-1 day'))"
    )


@compiles(add_months, "mysql")
@compiles(add_months, "mariadb")
def _months_mysql(element: add_months, compiler: Any, **kw: Any) -> str:
    (date,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"DATE_ADD({date}, INTERVAL {element.months} MONTH)"


class cents(FunctionElement[int]):  # noqa: N801
    """A money column as exact whole cents, so sums are exact on every backend."""

    type = Integer()
    inherit_cache = True


@compiles(cents)
def _cents_default(element: cents, compiler: Any, **kw: Any) -> str:
    (amount,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(ROUND(COALESCE({amount}, 0) * 100) AS BIGINT)"


@compiles(cents, "sqlite")
def _cents_sqlite(element: cents, compiler: Any, **kw: Any) -> str:
    # SQLite keeps NUMERIC as REAL; rounding to whole cents removes the float error.
    (amount,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(ROUND(COALESCE({amount}, 0) * 100) AS INTEGER)"


@compiles(cents, "mysql")
@compiles(cents, "mariadb")
def _cents_mysql(element: cents, compiler: Any, **kw: Any) -> str:
    (amount,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(ROUND(COALESCE({amount}, 0) * 100) AS SIGNED)"


class noindex(FunctionElement[Any]):  # noqa: N801
    """A column the SQLite planner must not use an index for (forces the full scan)."""

    inherit_cache = True

    def __init__(self, column: ColumnElement[Any]) -> None:
        self.type = column.type
        super().__init__(column)


@compiles(noindex)
def _noindex_default(element: noindex, compiler: Any, **kw: Any) -> str:
    (column,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return column


@compiles(noindex, "sqlite")
def _noindex_sqlite(element: noindex, compiler: Any, **kw: Any) -> str:
    # A unary plus is SQLite's documented way to disqualify a term from index use.
    (column,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"+{column}"
