"""The bulk write path of large CSV imports: rows go to the database by the driver's fastest
route (PostgreSQL ``COPY … FROM STDIN``, SQLite and MariaDB one ``executemany`` of plain
tuples) instead of SQLAlchemy's per-row parameter handling.

Every value passes its column type's own bind conversion first (the same the ORM and Core
apply, including the money limit), so the stored rows are the rows the per-row path writes;
row-level triggers fire for COPY and executemany alike.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

MEMO_SIZE = 20_000  # distinct values remembered per column (memory stays flat)


def insert_rows(session: Session, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]],
                memos: dict[str, dict[Any, Any]] | None = None) -> None:
    """Insert `rows` (tuples in `columns` order) into `table` inside the session's transaction.

    A column's bind conversion is a pure function of the value, and an import's dates, amounts
    and flags repeat: each distinct value is converted once and remembered (at most MEMO_SIZE
    per column) in `memos` — {column: {value: converted}}, kept by a caller that inserts in
    chunks so the next chunk finds them. Equal values convert alike (Decimal 1.5 and 1.50 both
    become NUMERIC 1.5). The values must be hashable (dates, numbers, text, flags)."""
    conn = session.connection()
    dialect = conn.dialect
    memos = {} if memos is None else memos
    convert: list[tuple[int, dict[Any, Any]]] = []
    for i, c in enumerate(columns):
        p = table.c[c].type._cached_bind_processor(dialect)  # noqa: SLF001
        if p is not None:
            memo = memos.get(c)
            if not isinstance(memo, _Converted):
                memo = memos[c] = _Converted(p)
            convert.append((i, memo))

    def plain(row: Sequence[Any]) -> Sequence[Any]:
        if not convert:
            return row
        out = list(row)
        for i, memo in convert:
            out[i] = memo[out[i]]
        return out

    names = ", ".join(dialect.identifier_preparer.quote(c) for c in columns)
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    if dialect.name == "postgresql":
        with dbapi.cursor() as cur, cur.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for row in rows:
                copy.write_row(plain(row))
        return
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join([mark] * len(columns))})"
    cur = dbapi.cursor()
    try:
        cur.executemany(sql, [plain(r) for r in rows])
    finally:
        cur.close()


class _Converted(dict[Any, Any]):
    """{value: the column type's bind conversion of it}; a missing value is converted on
    look-up and remembered while the memo holds fewer than MEMO_SIZE values."""

    def __init__(self, process: Callable[[Any], Any]) -> None:
        super().__init__({None: None})
        self.process = process

    def __missing__(self, value: Any) -> Any:
        done = self.process(value)
        if len(self) < MEMO_SIZE:
            self[value] = done
        return done


def ids_after(session: Session, table: Table, top: int) -> list[int] | range:
    """The ids above `top` (the rows this import just inserted), in order; a range when they
    are consecutive, as they are unless another writer inserted meanwhile."""
    # three index look-ups: min/max/count over `id > top` in one aggregate is planned as a scan
    # of the whole table on PostgreSQL while the table has no statistics yet (a first import
    # filling it in this transaction) — once per chunk, quadratic in the file
    low = session.scalar(select(table.c.id).where(table.c.id > top).order_by(table.c.id).limit(1))
    if low is None:
        return []
    high = top_id(session, table)
    count = session.scalar(select(func.count()).select_from(table).where(table.c.id.between(low, high))) or 0
    if high - low + 1 == count:
        return range(low, high + 1)
    return list(session.execute(select(table.c.id).where(table.c.id > top).order_by(table.c.id)).scalars())


def top_id(session: Session, table: Table) -> int:
    return int(session.scalar(select(table.c.id).order_by(table.c.id.desc()).limit(1)) or 0)



def drop_indexes(session: Session, table: Table) -> list[str]:
    """On SQLite, drop `table`'s secondary indexes for the load and return their CREATE
    statements: rebuilding an index once from the finished table (a sort) is about five times
    cheaper than keeping eleven indexes current row by row, in random key order. SQLite's DDL
    is part of the transaction, so a rolled-back import gets the indexes back as they were, and
    readers (WAL) keep seeing the committed schema meanwhile. Other databases keep their
    indexes: PostgreSQL would lock the table against readers, MariaDB would commit."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return []
    saved = [(name, sql) for name, sql in conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
        (table.name,))]
    for name, _ in saved:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _, sql in saved]


def restore_indexes(session: Session, statements: list[str]) -> None:
    """Run the CREATE statements `drop_indexes` / `drop_triggers` returned."""
    conn = session.connection()
    for sql in statements:
        conn.exec_driver_sql(sql)


def drop_triggers(session: Session, names: Sequence[str]) -> list[str]:
    """On SQLite, drop the named triggers (those that exist) for a load whose caller does their
    work set-based, and return their CREATE statements for `restore_indexes`; transactional like
    `drop_indexes`. Other databases keep them."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return []
    saved = []
    for name in names:
        sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                                   (name,)).scalar()
        if sql:
            conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
            saved.append(sql)
    return saved
