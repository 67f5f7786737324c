"""An app on the crafted desk court (SQLite file), for calling desk callbacks as functions."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dash
import pytest
from flask import g
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.app import create_app
from db.auth.access import Principal
from db.models import Case
from tests.auth_helpers import login, make_user
from tests.db.test_case_queries import TODAY, number, seed_desk

COURT_VIEWER = Principal(user_id=None, username="center-test", display_name="指挥中心（测试）", role="center")


@pytest.fixture
def desk_app(sqlite_engine: Engine, migrated_urls: dict[str, str]) -> Iterator[tuple[dash.Dash, dict[str, Any]]]:
    """(app, ids) with today pinned to the crafted data's date; run callbacks in its request context."""
    ids = seed_desk(sqlite_engine)
    app = create_app({"DATABASE_URL": migrated_urls["sqlite"], "CACHE_URL": "null://",
                      "SCHEDULER_ENABLED": False, "TODAY": TODAY.isoformat()})
    with app.server.test_request_context():
        g.principal = COURT_VIEWER  # whole-court scope; tests/callbacks/test_access.py covers the others
        yield app, ids
    app.server.extensions["dashboard"].engine.dispose()


def signed_client(app: dash.Dash, role: str = "center", **binding: Any) -> Any:
    """A test client signed in as a new user with `role` (binding: team_id / officer_id).

    Call its requests inside `with app.server.app_context():` when the test also calls callbacks
    directly: a request reuses the surrounding app context, so its flask.g would otherwise replace
    the fixture's principal."""
    user = make_user(app.server.extensions["dashboard"].engine, role, **binding)
    client = app.server.test_client()
    with app.server.app_context():
        login(client, user.username, user.password)
    return client


@pytest.fixture
def court(sqlite_engine: Engine, migrated_urls: dict[str, str]) -> Iterator[tuple[dash.Dash, dict[str, Any], Engine]]:
    """(app, ids, engine) on the crafted desk court, for signed-in HTTP clients (no request context)."""
    ids = seed_desk(sqlite_engine)
    with Session(sqlite_engine) as session:
        ids["case:2022执保1"] = session.scalar(select(Case.id).where(Case.case_number == number("2022执保1")))
    assert ids["case:2022执保1"]
    app = create_app({"DATABASE_URL": migrated_urls["sqlite"], "CACHE_URL": "null://",
                      "SCHEDULER_ENABLED": False, "TODAY": TODAY.isoformat()})
    yield app, ids, sqlite_engine
    app.server.extensions["dashboard"].engine.dispose()
