"""Bounded waits on the database: connect, statement and pool timeouts for all three backends.

Server-side limits (PostgreSQL `statement_timeout`, MariaDB `max_statement_time`, SQLite's busy
timeout) stop a statement that waits behind a lock. They cannot help when the server or the
network stops answering altogether (a hung host, a frozen proxy): the client then waits on its
socket forever. So every statement, commit, rollback and pool ping also runs under a client-side
deadline: one watchdog thread per process shuts down the socket of a call that outlives it (SQLite:
interrupts the statement), the driver raises, SQLAlchemy drops the connection, and the caller sees
`DatabaseTimeout`. A call may ask for a longer budget with the execution option `timeout_s`
(the refresher does, for its snapshot build).
"""
from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)

TIMEOUT_OPTION = "timeout_s"


@dataclass(frozen=True)
class Timeouts:
    """Seconds; `statement_s`/`pool_s` None: no limit (command-line tools, migrations)."""

    connect_s: float = 5
    statement_s: float | None = None
    pool_s: float | None = None


class DatabaseTimeout(OperationalError):
    """A database call outlived its deadline; its connection was cut and discarded."""


def connect_args(backend: str, timeouts: Timeouts) -> dict[str, Any]:
    """The driver's own connect timeout and the server-side statement limit."""
    connect = max(2, int(round(timeouts.connect_s)))  # libpq: 2 s minimum
    statement_ms = int(timeouts.statement_s * 1000) if timeouts.statement_s else 0
    if backend == "postgresql":
        args: dict[str, Any] = {"connect_timeout": connect}
        if statement_ms:
            args["options"] = f"-c statement_timeout={statement_ms} -c lock_timeout={statement_ms}"
        return args
    if backend in ("mysql", "mariadb"):
        args = {"connect_timeout": connect}
        if statement_ms:  # PyMySQL's socket timeout: also bounds the handshake a hung server never sends
            args["read_timeout"] = args["write_timeout"] = max(1, int(round(timeouts.statement_s or 1)))
        if statement_ms:  # a lock wait ends with an error; a long build is not cut server-side
            args["init_command"] = (f"SET SESSION innodb_lock_wait_timeout = "
                                    f"{max(1, int(timeouts.statement_s or 1))}")
        return args
    return {}


class _Watchdog:
    """Cuts the connection of a database call that outlives its deadline."""

    def __init__(self) -> None:
        self._calls: dict[int, tuple[float, Any, float]] = {}
        self._ids = itertools.count()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self.fired: set[int] = set()  # id() of DBAPI connections cut by the watchdog

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return
        self._pid = os.getpid()  # a forked worker needs its own thread
        self._thread = threading.Thread(target=self._loop, name="db-watchdog", daemon=True)
        self._thread.start()

    @contextlib.contextmanager
    def watch(self, dbapi_conn: Any, seconds: float | None):
        if not seconds or dbapi_conn is None:
            yield
            return
        token = next(self._ids)
        with self._lock:
            self._ensure_thread()
            self._calls[token] = (time.monotonic() + seconds, dbapi_conn, seconds)
        self._wake.set()
        try:
            yield
        finally:
            with self._lock:
                self._calls.pop(token, None)

    def _loop(self) -> None:
        while True:
            self._wake.wait(0.2)
            self._wake.clear()
            now = time.monotonic()
            with self._lock:
                due = [(t, c) for t, c in self._calls.items() if c[0] <= now]
                for token, _call in due:
                    del self._calls[token]
            for _token, (_deadline, conn, seconds) in due:
                log.warning("数据库在 %s 秒内没有响应，已断开该连接", f"{seconds:g}")
                self.fired.add(id(conn))
                _cut(conn)


def _cut(conn: Any) -> None:
    """Make a blocked call on `conn` return with an error (socket shutdown; SQLite interrupt)."""
    try:
        if hasattr(conn, "interrupt"):  # sqlite3
            conn.interrupt()
            return
        fd = None
        pgconn = getattr(conn, "pgconn", None)
        if pgconn is not None:
            fd = pgconn.socket
        elif getattr(conn, "_sock", None) is not None:  # PyMySQL
            fd = conn._sock.fileno()
        if fd is None or fd < 0:
            return
        sock = socket.socket(fileno=os.dup(fd))
        try:
            sock.shutdown(socket.SHUT_RDWR)
        finally:
            sock.close()
    except Exception:  # noqa: BLE001 - the connection may already be gone
        log.debug("cutting a database connection failed", exc_info=True)


WATCHDOG = _Watchdog()


@contextlib.contextmanager
def _socket_timeout(conn: Any, budget: float | None, default: float):
    """PyMySQL reads with a socket timeout of DB_STATEMENT_TIMEOUT_S: widen it for a longer budget."""
    sock = getattr(conn, "_sock", None)
    if sock is None or not budget or budget == default:
        yield
        return
    sock.settimeout(budget)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            if conn._sock is not None:
                conn._sock.settimeout(default)


def _budget(context: Any, default: float | None) -> float | None:
    options = getattr(context, "execution_options", None) or {}
    return options.get(TIMEOUT_OPTION, default)


def install(engine: Engine, timeouts: Timeouts) -> None:
    """Put every statement, commit, rollback and ping of `engine` under the watchdog."""
    if not timeouts.statement_s:
        return
    dialect = engine.dialect
    default = timeouts.statement_s

    def wrap_cursor(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def run(cursor: Any, statement: str, *args: Any, **kwargs: Any) -> Any:
            context = kwargs.get("context", args[-1] if args else None)
            budget = _budget(context, default)
            conn = getattr(cursor, "connection", None)
            with WATCHDOG.watch(conn, budget), _socket_timeout(conn, budget, default):
                return method(cursor, statement, *args, **kwargs)
        return run

    def wrap_conn(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def run(dbapi_conn: Any) -> Any:
            with WATCHDOG.watch(dbapi_conn, default):
                return method(dbapi_conn)
        return run

    for name in ("do_execute", "do_execute_no_params", "do_executemany"):
        setattr(dialect, name, wrap_cursor(getattr(dialect, name)))
    for name in ("do_commit", "do_rollback", "do_ping"):
        setattr(dialect, name, wrap_conn(getattr(dialect, name)))

    @event.listens_for(engine, "handle_error")
    def _timed_out(ctx: Any) -> Any:
        conn = getattr(ctx.connection, "connection", None) if ctx.connection is not None else None
        dbapi_conn = getattr(conn, "dbapi_connection", None)
        socket_timeout = "timed out" in str(ctx.original_exception)  # PyMySQL's read timeout
        if not socket_timeout and (dbapi_conn is None or id(dbapi_conn) not in WATCHDOG.fired):
            return None
        WATCHDOG.fired.discard(id(dbapi_conn))
        ctx.is_disconnect = True
        seconds = _budget(ctx.execution_context, default)
        return DatabaseTimeout(ctx.statement, ctx.parameters,
                               TimeoutError(f"数据库在 {seconds:g} 秒内没有响应"))


def server_statement_limit(session_conn: Any, seconds: float) -> None:
    """Raise this transaction's server-side statement limit (PostgreSQL) for a long build."""
    if session_conn.dialect.name == "postgresql":
        from sqlalchemy import text

        ms = int(seconds * 1000)
        session_conn.execute(text(f"SET LOCAL statement_timeout = {ms}"))
