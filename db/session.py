"""Engine and session factories. The caller owns the session (begin/commit/close)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine, create_engine, event, select, update
from sqlalchemy.engine import CursorResult, Result, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from db import timeouts as bounded
from db.models import DataState
from db.timeouts import Timeouts


def make_engine(url: str, timeouts: Timeouts | None = None, **kwargs: object) -> Engine:
    """Create an engine for any SQLAlchemy URL; SQLite gets WAL and foreign keys.

    `timeouts` bounds connecting (always, 5 s by default), each statement and the wait for a
    pooled connection (the web app's engine; command-line tools leave those unbounded).
    """
    parsed = make_url(url)
    timeouts = timeouts or Timeouts()
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        engine = _sqlite_engine(url, parsed.database, timeouts, **kwargs)
    else:
        connect = {**bounded.connect_args(backend, timeouts), **dict(kwargs.pop("connect_args", {}) or {})}  # type: ignore[call-overload]
        _keep_url_options(parsed.query, connect)
        if timeouts.pool_s and "poolclass" not in kwargs:
            kwargs.setdefault("pool_timeout", timeouts.pool_s)
        engine = create_engine(url, pool_pre_ping=True, future=True, connect_args=connect, **kwargs)
    bounded.install(engine, timeouts)
    return engine


def _keep_url_options(query: Mapping[str, str | tuple[str, ...]], connect: dict[str, Any]) -> None:
    """PostgreSQL: server settings in the URL (`?options=-c default_transaction_read_only=on`, as
    a read-only URL may carry) are kept next to the timeouts' `options`, which would otherwise
    replace them (SQLAlchemy lets connect_args win over the URL's query). The timeouts come last,
    so they win over the same setting in the URL."""
    given = query.get("options")
    if not given or "options" not in connect:
        return
    parts = [given] if isinstance(given, str) else list(given)
    connect["options"] = " ".join([*parts, str(connect["options"])])


def _sqlite_engine(url: str, database: str | None, timeouts: Timeouts, **kwargs: object) -> Engine:
    memory = not database or database == ":memory:"
    if memory:
        kwargs.setdefault("poolclass", StaticPool)
    else:
        Path(str(database)).parent.mkdir(parents=True, exist_ok=True)
        if timeouts.pool_s and "poolclass" not in kwargs:
            kwargs.setdefault("pool_timeout", timeouts.pool_s)
    busy = timeouts.statement_s or 30  # waiting for another writer's lock
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": busy}, **kwargs
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # noqa: ANN001
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        if not memory:
            # WAL lets the web process read while the scheduler or simulator writes.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    return engine


def begin_consistent_read(session: Session) -> None:
    """Make the session's (new) transaction one consistent read of the whole database.

    Every statement of the transaction then sees the data as of its first read, whatever
    other connections commit meanwhile: REPEATABLE READ on PostgreSQL (a snapshot per
    transaction) and on MariaDB/MySQL (a consistent snapshot per transaction), and an
    explicit read transaction on SQLite, which in WAL mode keeps one snapshot from its
    first read to its end (pysqlite alone would run each SELECT in its own transaction).
    Call it before the session's first statement; the caller still commits or rolls back.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN")
    else:
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


@contextmanager
def session_scope(factory: Callable[[], Session]) -> Iterator[Session]:
    """Commit on success, roll back on any error, always close."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


DATA_KEY = "cases"


def bump_data_version(session: Session, key: str = DATA_KEY) -> None:
    """Mark case data as changed; call inside the writer's own transaction."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    result = session.execute(
        update(DataState)
        .where(DataState.key == key)
        .values(version=DataState.version + 1, changed_at=now)
    )
    if affected(result) == 0:
        session.add(DataState(key=key, version=1, changed_at=now))
    session.flush()


def data_version(session: Session, key: str = DATA_KEY) -> tuple[int, dt.datetime | None]:
    """Return (version, changed_at) with one primary-key lookup: the cheap change check."""
    row = session.execute(
        select(DataState.version, DataState.changed_at).where(DataState.key == key)
    ).first()
    return (row[0], row[1]) if row else (0, None)


def affected(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE touched (its result is a CursorResult)."""
    return cast(CursorResult[Any], result).rowcount or 0
