"""Fixtures of the security tests: the sign-in tests' small court and app factory
(tests/auth/conftest.py), and `desk_court`, the crafted desk court of the callback access tests
(tests/callbacks/conftest.py `court`) for attacks through crafted callback POSTs."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dash
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.app import create_app
from db.models import Case
from tests.auth.conftest import court  # noqa: F401 - pytest fixture (app, app_factory: tests/conftest.py)
from tests.db.test_case_queries import TODAY, number, seed_desk


@pytest.fixture
def desk_court(sqlite_engine: Engine, migrated_urls: dict[str, str]) -> Iterator[tuple[dash.Dash, dict[str, Any], Engine]]:
    """(app, ids, engine) on the crafted desk court, for signed-in HTTP clients."""
    ids = seed_desk(sqlite_engine)
    with Session(sqlite_engine) as session:
        ids["case:2022执保1"] = session.scalar(select(Case.id).where(Case.case_number == number("2022执保1")))
    made = create_app({"DATABASE_URL": migrated_urls["sqlite"], "CACHE_URL": "null://",
                       "SCHEDULER_ENABLED": False, "TODAY": TODAY.isoformat()})
    yield made, ids, sqlite_engine
    made.server.extensions["dashboard"].engine.dispose()
