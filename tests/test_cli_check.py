"""`python -m dashboard check` on the demo court: nothing found; a planted contradiction found."""
from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import update
from sqlalchemy.orm import Session

from dashboard.cli import cli
from db.models import Case
from db.session import make_session_factory
from db.snapshot.builder import build_snapshot, default_port
from db.snapshot.check import snapshot_violations
from db.snapshot.refresh import Refresher
from tests.db.nodes_factory import demo_court

TODAY = dt.date(2026, 12, 3)


@pytest.fixture(scope="module")
def demo(migrated_urls):
    yield from demo_court(migrated_urls["sqlite"], TODAY)


def _invoke(engine, *args: str, env: dict | None = None):
    env = {"DASHBOARD_DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "DASHBOARD_INDICATOR_SETTINGS": "", "DASHBOARD_CACHE_URL": "simple://",
           "DASHBOARD_TIMEZONE": "UTC", **(env or {})}
    return CliRunner().invoke(cli, ["check", "--today", TODAY.isoformat(), *args], env=env)


def test_check_passes_on_the_demo(demo) -> None:
    result = _invoke(demo)
    assert result.exit_code == 0, result.output
    assert "共享缓存中没有快照" in result.output and "已从数据库现算" in result.output
    assert "核对通过" in result.output


def test_check_reports_a_drill_down_that_disagrees(demo, monkeypatch) -> None:
    """A drill-down list that lost a row (as a wrong filter would) is named, exit 1."""
    from db.snapshot import check

    real = check.explain

    def short(*args, **kwargs):
        rows = real(*args, **kwargs)
        if args[1] == "closed" and args[2] == "court":
            rows["numerator"] = rows["numerator"][1:]
        return rows

    monkeypatch.setattr(check, "explain", short)
    result = _invoke(demo)
    assert result.exit_code == 1
    assert "[明细]" in result.output and "结案数 · 分子" in result.output


def test_check_finds_cases_behind_the_teams_back(demo) -> None:
    """A case with no team shows in 未分配/其他 and the court still adds up (the demo's cases
    waiting for 分流 are there already)."""
    with Session(demo) as session:
        before = build_snapshot(session, default_port(None), today=TODAY)
    waiting = before["views"]["ytd"]["court_parts"]["other"]["indicators"]["pending"]["numerator"]
    with demo.begin() as conn:
        first = conn.execute(Case.__table__.select().where(Case.closed_on.is_(None))
                             .order_by(Case.id).limit(1)).first()
        conn.execute(update(Case).where(Case.id == first.id).values(team_id=None))
    try:
        with Session(demo) as session:
            body = build_snapshot(session, default_port(None), today=TODAY)
        other = body["views"]["ytd"]["court_parts"]["other"]["indicators"]
        assert other["pending"]["numerator"] == waiting + 1
        assert snapshot_violations(body) == []
        result = _invoke(demo)
        assert result.exit_code == 0, result.output
    finally:
        with demo.begin() as conn:
            conn.execute(update(Case).where(Case.id == first.id).values(team_id=first.team_id))


def test_check_uses_the_shared_cache_snapshot(demo, tmp_path) -> None:
    """With a shared cache holding the current snapshot, that snapshot is the one checked."""
    from flask import Flask

    from dashboard.cache import init_cache

    url = f"filesystem://{tmp_path}/cache"
    server = Flask(__name__)
    server.config.update(CACHE_URL=url, CACHE_PREFIX="dash:")
    refresher = Refresher(
        sessions=make_session_factory(demo), cache=init_cache(server).cache,
        port_factory=lambda: default_port(None), tz=dt.UTC,
        clock=lambda: dt.datetime.combine(TODAY, dt.time(4), tzinfo=dt.UTC))
    assert refresher.run() == "published"
    result = _invoke(demo, env={"DASHBOARD_CACHE_URL": url})
    assert result.exit_code == 0, result.output
    assert "共享缓存中的当前快照（第 " in result.output


def test_start_page_counts_use_the_walls_scope(demo) -> None:
    """本年新收/本年结案 of the start page equal the wall's 新收/结案 (same case scope)."""
    from db.indicators import Period, compute, load_indicator_settings
    from db.queries.overview import loaded_courts, period_counts

    settings = load_indicator_settings(None)
    cats = settings.scope_categories["court"]
    with Session(demo) as session:
        court = loaded_courts(session, categories=cats)[0]
        counts = period_counts(session, TODAY.replace(month=1, day=1), TODAY, categories=cats)
        (wall,) = compute(session, "court", period=Period(TODAY.replace(month=1, day=1), TODAY),
                          compare=False, settings=settings)
        everything = period_counts(session, TODAY.replace(month=1, day=1), TODAY)
    assert counts[court["id"]]["filed"] == wall["indicators"]["new"]["numerator"]
    assert counts[court["id"]]["closed"] == wall["indicators"]["closed"]["numerator"]
    assert court["open_cases"] == wall["indicators"]["pending"]["numerator"]
    assert everything[court["id"]]["filed"] > counts[court["id"]]["filed"]  # 执保 left out


def test_the_demos_holder_at_closure_agrees_with_its_assignment_history(demo) -> None:
    """The trigger-kept holder at 结案 (migration 0010) of every demo case matches the rule
    `rollups check` reads from case_assignments (the demo's 改派 history)."""
    from db.models import rollups
    with Session(demo) as session:
        assert rollups.check(session)["closed_holder"] == 0


def test_rebuild_asks_for_a_full_build(demo) -> None:
    """`rebuild` leaves a request the refresher reads at its next tick (any process)."""
    from sqlalchemy import func, select

    from db.models import SnapshotChange
    from db.snapshot.changes import EVERYTHING

    env = {"DASHBOARD_DATABASE_URL": demo.url.render_as_string(hide_password=False),
           "DASHBOARD_CACHE_URL": "simple://"}
    result = CliRunner().invoke(cli, ["rebuild"], env=env)
    assert result.exit_code == 0, result.output and "已请求全量重算" in result.output
    with Session(demo) as session:
        asked = session.scalar(select(func.count()).select_from(SnapshotChange)
                               .where(SnapshotChange.team_id == EVERYTHING))
        session.execute(SnapshotChange.__table__.delete().where(
            SnapshotChange.team_id == EVERYTHING))
        session.commit()
    assert asked == 1
