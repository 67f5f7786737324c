"""Dialect-aware SQL for the indicator engine: exact money sums and index hints.

Date arithmetic (days_between, add_months, …) lives in db/sqldates.py, shared with the
node checks.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement


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
