"""An app on a small migrated SQLite court (two teams, three officers) for the sign-in tests."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from dashboard.app import create_app
from db.session import make_session_factory, session_scope
from tests.db.snapshot_data import seed


@pytest.fixture
def court(sqlite_engine: Engine) -> dict[str, int]:
    """Ids of the seeded court: team_simple, team_keep, officer_zhang."""
    with session_scope(make_session_factory(sqlite_engine)) as session:
        org = seed(session)
        return {"team_simple": org["simple"].id, "team_keep": org["keep"].id,
                "officer_zhang": org["officers"][0].id}


@pytest.fixture
def app_factory(sqlite_engine: Engine, court: dict[str, int]) -> Iterator[Callable[..., Any]]:
    made = []

    def _make(**overrides: Any) -> Any:
        url = sqlite_engine.url.render_as_string(hide_password=False)
        app = create_app({"DATABASE_URL": url, "CACHE_URL": "simple://", "SCHEDULER_ENABLED": False,
                          **overrides})
        made.append(app)
        return app

    yield _make
    for app in made:
        app.server.extensions["dashboard"].engine.dispose()


@pytest.fixture
def app(app_factory: Callable[..., Any]) -> Any:
    return app_factory()
