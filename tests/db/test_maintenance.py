"""`cluster_cases` / `python -m dashboard cluster-cases`: the case table in team order (PostgreSQL),
a clear outcome where there is no CLUSTER, and a table left as it was when the lock or the time
runs out."""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from dashboard.cli import cli
from db.maintenance import CLUSTER_INDEX, cluster_cases, team_order
from db.models import Officer, Team
from db.session import make_session_factory, session_scope
from tests.db.nodes_factory import make_case, make_org


@pytest.fixture(autouse=True)
def _plain_table(engine: Engine) -> Iterator[None]:
    """The session's shared database: the next test finds `cases` as migrated."""
    yield
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE cases RESET (fillfactor)"))
            conn.execute(text("ALTER TABLE cases SET WITHOUT CLUSTER"))


def _interleaved(engine: Engine, teams: int = 4, per_team: int = 30) -> None:
    """Cases of `teams` teams written round-robin: each team's rows on pages all over."""
    with session_scope(make_session_factory(engine)) as session:
        org = make_org(session)
        while len(org.teams) < teams:
            team = Team(court_id=org.court.id, name=f"团队{len(org.teams) + 1}", kind="simple",
                        sort_order=len(org.teams) + 1)
            session.add(team)
            session.flush()
            officer = Officer(court_id=org.court.id, team_id=team.id, name=f"法官{team.id}",
                              role="judge")
            session.add(officer)
            session.flush()
            org.teams.append(team)
            org.officers.append(officer)
        # reverse team order, so that even ascending ids do not give the team order by chance
        for i in range(per_team):
            for t in reversed(range(teams)):
                make_case(session, org, dt.date(2026, 1, 1) + dt.timedelta(days=i), team=t)


def _physical_teams(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT team_id FROM cases ORDER BY ctid"))]


def _case_rows(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT id, team_id, filed_on, case_number FROM cases ORDER BY id"))]


def test_postgresql_puts_each_team_on_adjacent_pages(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("CLUSTER is PostgreSQL's")
    _interleaved(engine)
    before, rows = _physical_teams(engine), _case_rows(engine)
    assert before != sorted(before)  # the premise: written interleaved
    outcome = cluster_cases(engine)
    assert outcome.done, outcome.message
    assert "已按团队重排" in outcome.message
    after = _physical_teams(engine)
    assert after == sorted(after)  # every team's rows together, teams in order
    assert _case_rows(engine) == rows  # same rows, same ids
    assert team_order(engine) == pytest.approx(1.0)  # analyzed afterwards
    with engine.connect() as conn:  # PostgreSQL remembers the index: a plain CLUSTER reuses it
        assert conn.execute(text(
            f"SELECT indisclustered FROM pg_index WHERE indexrelid = "
            f"'{CLUSTER_INDEX}'::regclass")).scalar() is True
        assert _fillfactor(conn) == ["fillfactor=90"]


def _fillfactor(conn) -> list[str] | None:
    return conn.execute(text("SELECT reloptions FROM pg_class WHERE relname = 'cases'")).scalar()


def _team_pages(engine: Engine) -> dict[int, set[int]]:
    """The heap pages each team's cases lie on."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT team_id, (ctid::text::point)[0]::int FROM cases"))
        pages: dict[int, set[int]] = {}
        for team, page in rows:
            pages.setdefault(team, set()).add(page)
    return pages


@pytest.mark.parametrize(("fillfactor", "kept"), [(90, True), (100, False)])
def test_postgresql_room_left_on_each_page_keeps_updated_cases_in_place(
        engine: Engine, fillfactor: int, kept: bool) -> None:
    """With 10 % of each page free, a case closed after the rewrite keeps its page (its new row
    version is written there), so its team's cases stay on the same pages; with full pages the
    new version goes to another page."""
    if engine.dialect.name != "postgresql":
        pytest.skip("CLUSTER is PostgreSQL's")
    _interleaved(engine)
    assert cluster_cases(engine, fillfactor=fillfactor).done
    before = _team_pages(engine)
    with engine.begin() as conn:  # the first case on the first page
        first = conn.execute(text("SELECT id FROM cases ORDER BY ctid LIMIT 1")).scalar()
        conn.execute(text("UPDATE cases SET closed_on = filed_on + 30, closing_method = 'paid', "
                          "updated_at = now() WHERE id = :id"), {"id": first})
    assert (_team_pages(engine) == before) is kept


def _hold_lock(engine: Engine, ready: threading.Event, release: threading.Event) -> None:
    """A reader in an open transaction: its lock on cases lasts until `release`."""
    with engine.connect() as conn, conn.begin():
        conn.execute(text("SELECT count(*) FROM cases")).scalar()
        ready.set()
        release.wait(30)


@pytest.mark.parametrize(("lock_s", "limit_s", "said"), [
    (1, 60, "1 秒内未能加锁"),  # gives up waiting for the lock
    (30, 1, "被取消"),  # the time limit ends it while it still waits
], ids=["lock-timeout", "statement-timeout"])
def test_postgresql_leaves_the_table_as_it_was_when_it_cannot_finish(
        engine: Engine, lock_s: float, limit_s: float, said: str) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("CLUSTER is PostgreSQL's")
    _interleaved(engine, teams=3, per_team=10)
    before = _physical_teams(engine)
    with engine.connect() as conn:
        options = _fillfactor(conn)
    ready, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(engine, ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        outcome = cluster_cases(engine, lock_timeout_s=lock_s, timeout_s=limit_s)
    finally:
        release.set()
        holder.join(30)
    assert not outcome.done
    assert said in outcome.message and "表未改变" in outcome.message
    assert _physical_teams(engine) == before
    with engine.connect() as conn:  # the fillfactor was set in the same transaction: undone too
        assert _fillfactor(conn) == options


def test_other_databases_say_why_nothing_was_done(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL clusters")
    _interleaved(engine, teams=2, per_team=3)
    rows = _case_rows(engine)
    outcome = cluster_cases(engine)
    assert not outcome.done
    word = "SQLite" if engine.dialect.name == "sqlite" else "MariaDB"
    assert word in outcome.message and "PostgreSQL" in outcome.message
    assert _case_rows(engine) == rows


def test_the_command_reports_in_chinese(engine: Engine) -> None:
    """Exit 0 with what was done (or why there is nothing to do); exit 1 when PostgreSQL could
    not finish."""
    url = engine.url.render_as_string(hide_password=False)
    _interleaved(engine, teams=2, per_team=3)
    env = {"DASHBOARD_DATABASE_URL": url}
    done = CliRunner().invoke(cli, ["cluster-cases"], env=env)
    assert done.exit_code == 0, done.output
    expected = "已按团队重排" if engine.dialect.name == "postgresql" else "未整理" \
        if engine.dialect.name != "sqlite" else "无需整理"
    assert expected in done.output
    if engine.dialect.name != "postgresql":
        return
    ready, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(engine, ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        failed = CliRunner().invoke(cli, ["cluster-cases", "--lock-timeout", "1"], env=env)
    finally:
        release.set()
        holder.join(30)
    assert failed.exit_code == 1
    assert "未能加锁" in failed.output


def test_postgresql_a_failed_vacuum_leaves_the_rewrite_and_says_so(engine: Engine) -> None:
    """The VACUUM after the rewrite fails (here: pointed at a missing table): the rewrite stands,
    and the outcome says the statistics still need a VACUUM ANALYZE."""
    if engine.dialect.name != "postgresql":
        pytest.skip("CLUSTER is PostgreSQL's")
    _interleaved(engine, teams=3, per_team=10)

    def broken_vacuum(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("VACUUM"):
            statement = "VACUUM (ANALYZE) no_such_table"
        return statement, parameters

    event.listen(engine, "before_cursor_execute", broken_vacuum, retval=True)
    try:
        outcome = cluster_cases(engine)
    finally:
        event.remove(engine, "before_cursor_execute", broken_vacuum)
    assert outcome.done
    assert "已按团队重排" in outcome.message and "VACUUM ANALYZE 失败" in outcome.message
    after = _physical_teams(engine)
    assert after == sorted(after)
