"""Dialect-aware SQL for the indicator engine: exact money sums and index hints.

Date arithmetic (days_between, add_months, …) lives in db/sqldates.py, shared with the
node checks.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Integer, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.sql.visitors import iterate, replacement_traverse


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


# Databases that SUM a DECIMAL column exactly: a grouped pass sums the money as stored and
# turns the group's sum into cents once, instead of rounding and casting every row (on
# PostgreSQL that per-row numeric work was a sixth of the case pass).
EXACT_DECIMAL_SUMS = frozenset({"postgresql", "mysql", "mariadb"})


def summand(value: ColumnElement[Any], dialect: str) -> tuple[ColumnElement[Any], int]:
    """(what to SUM per row, factor for the sum) so that factor × SUM is the sum in cents
    (or the plain sum, for values that are not money)."""
    if dialect not in EXACT_DECIMAL_SUMS or not any(isinstance(e, cents) for e in iterate(value)):
        return value, 1
    def unwrap(e: Any) -> Any:
        return next(iter(e.clauses)) if isinstance(e, cents) else None

    raw: ColumnElement[Any] = replacement_traverse(value, {}, unwrap)  # type: ignore[call-overload]
    return raw, 100


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


# Per-statement settings for the big grouped passes, per dialect. PostgreSQL: JIT
# compilation of the many conditional aggregates costs more (0.1-0.2 s a statement) than it
# saves on one pass; more work_mem lets it hash rather than sort.
AGGREGATE_SETTINGS: dict[str, dict[str, str]] = {
    "postgresql": {"jit": "off", "work_mem": "64MB"},
}


@contextmanager
def aggregate_settings(session: Session) -> Iterator[None]:
    """Apply AGGREGATE_SETTINGS for the statements inside, then restore the old values."""
    wanted = AGGREGATE_SETTINGS.get(session.get_bind().dialect.name)
    if not wanted:
        yield
        return
    names = sorted(wanted)
    old = session.execute(select(*(func.current_setting(n) for n in names))).one()
    session.execute(select(*(func.set_config(n, wanted[n], True) for n in names)))
    try:
        yield
    finally:
        session.execute(select(*(func.set_config(n, v, True)
                                 for n, v in zip(names, old, strict=True))))
