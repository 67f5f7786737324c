"""On the demo court, every team's drill-down lists hold exactly as many cases as the numbers shown."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import g

from callbacks.desk.data import court_today
from callbacks.desk.screens import analysis_screen, team_screen
from callbacks.desk.views import GRID_KEYS
from dashboard.app import create_app
from db import migrate
from db.demo import seed_demo
from db.demo.users import ensure_demo_users
from db.session import make_engine, make_session_factory, session_scope
from tests.callbacks.conftest import COURT_VIEWER
from tests.callbacks.test_desk import assert_lists_match, listed, query_of

ARTICLE = {"preset": "custom", "start": "2021-10-01", "end": "2022-09-30"}


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('desk-demo')) / 'demo.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    seed_demo(engine)
    with session_scope(make_session_factory(engine)) as session:
        ensure_demo_users(session)  # as `make run` does: also the demo 督办
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "CACHE_URL": "null://", "SCHEDULER_ENABLED": False})
    with app.server.test_request_context():
        g.principal = COURT_VIEWER
        yield app


def _grid_links_match(rows: list[dict[str, Any]], indicators_of: dict[int, list[dict[str, Any]]]) -> None:
    """Each count cell of a grid row opens a list as long as the count."""
    for row in rows:
        by_key = {r["key"]: r for r in indicators_of[row["id"]]}
        for key in GRID_KEYS:
            ind = by_key[key]
            if ind["unit"] == "件" and ind["denominator__href"] == "":
                assert len(listed(row[f"{key}__href"], court_today())) == ind["numerator"] == row[key], \
                    (row["name"], key)


def test_every_demo_team_drill_down_matches_its_numbers(demo_app) -> None:
    court = analysis_screen(ARTICLE, court_today())
    assert len(court.grid) == 5
    team_indicators = {}
    for row in court.grid:
        team = analysis_screen(query_of(row["name__href"]), court_today())
        assert team.level == "team" and team.title == row["name"]
        assert assert_lists_match(team.indicators) > 20
        team_indicators[row["id"]] = team.indicators
        officers = {o["id"]: analysis_screen(query_of(o["name__href"]), court_today()).indicators
                    for o in team.grid}
        _grid_links_match(team.grid, officers)
    _grid_links_match(court.grid, team_indicators)


def test_every_demo_team_desk_queue_counts_match_their_lists(demo_app) -> None:
    court = analysis_screen({}, court_today())
    supervision = 0
    for row in court.grid:
        desk = team_screen(str(row["id"]), {}, court_today())
        for count in desk.queue_counts:
            assert len(listed(count["href"], court_today())) == count["count"], (row["name"], count["key"])
        supervision += next(c["count"] for c in desk.queue_counts if c["key"] == "supervision")
    assert supervision > 0  # the demo's open 督办 show on their teams' desks
