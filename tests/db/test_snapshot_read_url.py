"""The refresher's read URL (DASHBOARD_READ_DATABASE_URL): the change check and the build read there,
every write stays on the primary, and the read engine keeps the primary's timeouts.

The stand-in for a streaming replica is a read-only connection to the same database: PostgreSQL
`default_transaction_read_only` in the URL's `options`, MariaDB `SET SESSION TRANSACTION READ ONLY`,
SQLite `PRAGMA query_only`. A build that wrote anything there would fail.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from cachelib import SimpleCache
from sqlalchemy import event, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from db.models import Case
from db.session import (
    bump_data_version,
    make_engine,
    make_session_factory,
    session_scope,
)
from db.snapshot import store
from db.snapshot.builder import build_snapshot, default_port
from db.snapshot.refresh import PUBLISHED, UNCHANGED, Refresher
from db.timeouts import Timeouts
from tests.db.snapshot_data import seed

TZ = ZoneInfo("Asia/Shanghai")
READ_ONLY_PG = "options=-c%20default_transaction_read_only%3Don"
WRITES = ("INSERT", "UPDATE", "DELETE")


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def read_only_engine(url: str, timeouts: Timeouts | None = None) -> Engine:
    """A read-only connection to the database of `url` (the replica's stand-in)."""
    backend = url.split(":", 1)[0].split("+", 1)[0]
    if backend == "postgresql":
        return make_engine(url + ("&" if "?" in url else "?") + READ_ONLY_PG, timeouts)
    engine = make_engine(url, timeouts)
    statement = "PRAGMA query_only=ON" if backend == "sqlite" else "SET SESSION TRANSACTION READ ONLY"

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_conn, _record) -> None:  # noqa: ANN001
        cur = dbapi_conn.cursor()
        cur.execute(statement)
        cur.close()

    return engine


class Statements:
    """The SQL an engine ran, upper-cased."""

    def __init__(self, engine: Engine) -> None:
        self.seen: list[str] = []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, _conn, _cursor, statement: str, *_args) -> None:  # noqa: ANN001
        self.seen.append(" ".join(statement.split()).upper())

    def touching(self, table: str) -> list[str]:
        return [s for s in self.seen if f" {table.upper()}" in s]

    def writes(self) -> list[str]:
        return [s for s in self.seen if s.startswith(WRITES)]


@pytest.fixture
def replica(engine: Engine) -> Iterator[Engine]:
    read = read_only_engine(_url(engine), Timeouts(statement_s=30))
    yield read
    read.dispose()


def test_build_reads_on_the_read_url_and_writes_on_the_primary(engine: Engine, replica: Engine) -> None:
    with session_scope(make_session_factory(engine)) as session:
        seed(session)
    primary, reads = Statements(engine), Statements(replica)
    clock = [dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)]
    refresher = Refresher(sessions=make_session_factory(engine), cache=SimpleCache(),
                          read_sessions=make_session_factory(replica),
                          port_factory=lambda: default_port(None), tz=TZ, clock=lambda: clock[0])
    marks: list[bool] = []
    refresher.build = lambda *a, **kw: (marks.append(store.building(refresher.cache)),
                                        build_snapshot(*a, **kw))[1]
    assert refresher.run() == PUBLISHED, store.read_state(refresher.cache)
    assert marks == [False]  # the build reads elsewhere: desk queries on the primary need no turns
    assert store.current_snapshot(refresher.cache)["court"]["code"] == "内0221"
    # every read of the change check and the build went to the read connection …
    assert reads.touching("cases") and reads.touching("snapshot_changes")
    assert not reads.writes(), reads.writes()
    # … and the primary got the writes and the leader's own bookkeeping only
    assert not primary.touching("cases") and not primary.touching("payments"), primary.touching("cases")
    assert primary.writes() and all(s.startswith(WRITES) or " DATA_STATE" in s or " INDICATOR_HISTORY" in s
                                    for s in primary.seen if not s.startswith(("SAVEPOINT", "RELEASE"))), primary.seen

    clock[0] += dt.timedelta(seconds=30)
    assert refresher.run() == UNCHANGED
    with session_scope(refresher.sessions) as session:  # a case changes on the primary
        session.execute(update(Case).where(Case.serial == 1).values(cause="借款合同纠纷（变更）"))
        bump_data_version(session)
    clock[0] += dt.timedelta(seconds=30)
    assert refresher.run() == PUBLISHED
    assert store.current_snapshot(refresher.cache)["version"] == 2
    assert not reads.writes()


def test_the_stand_in_refuses_writes(engine: Engine, replica: Engine) -> None:
    """The read-only connection really is one: so a build that publishes through it wrote nothing."""
    with pytest.raises(DBAPIError), replica.begin() as conn:
        conn.execute(text("UPDATE data_state SET version = version + 1"))


def test_read_engine_keeps_the_url_options_and_the_timeouts(migrated_urls: dict[str, str]) -> None:
    """PostgreSQL: `options` in the URL and the statement/lock timeouts are both in force (the
    timeouts' own `options` used to replace the URL's)."""
    read = read_only_engine(migrated_urls["postgresql"], Timeouts(statement_s=7))
    try:
        with read.connect() as conn:
            assert conn.execute(text("SHOW default_transaction_read_only")).scalar() == "on"
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "7s"
            assert conn.execute(text("SHOW lock_timeout")).scalar() == "7s"
    finally:
        read.dispose()


def test_scheduler_builds_the_read_engine_from_the_setting(migrated_urls: dict[str, str]) -> None:
    from dashboard.config import load_settings
    from dashboard.scheduler import make_refresher
    from db.context import AppContext

    url = migrated_urls["postgresql"]
    settings = load_settings({"DATABASE_URL": url, "READ_DATABASE_URL": f"{url}?{READ_ONLY_PG}",
                              "DB_STATEMENT_TIMEOUT_S": 9, "DB_POOL_TIMEOUT_S": 4})
    engine = make_engine(url)
    state = AppContext(settings=settings, engine=engine, sessions=make_session_factory(engine),
                       extras={"cache": SimpleCache()})
    try:
        refresher = make_refresher(state)
        assert refresher.read_sessions is not None and refresher.reads() is refresher.read_sessions
        with session_scope(refresher.reads()) as session:
            assert session.execute(text("SHOW default_transaction_read_only")).scalar() == "on"
            assert session.execute(text("SHOW statement_timeout")).scalar() == "9s"
        read = state.extras["read_engine"]
        assert read.pool.timeout() == 4  # DB_POOL_TIMEOUT_S, as the primary's engine of a web process
        assert make_refresher(state).read_sessions.kw["bind"] is read  # one engine per process
        state.settings["READ_DATABASE_URL"] = ""
        assert make_refresher(state).reads() is state.sessions  # unset: the primary reads too
    finally:
        engine.dispose()
        if "read_engine" in state.extras:
            state.extras["read_engine"].dispose()
