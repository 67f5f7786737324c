"""An app on the small seeded SQLite court (tests/db/snapshot_data) and event-source tokens."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from db.events.sources import issue_source_token
from db.models import Case
from db.session import make_session_factory, session_scope
from tests.db.snapshot_data import seed


@pytest.fixture
def court(sqlite_engine: Engine) -> dict[str, Any]:
    """The seeded court: its id and its case numbers (oldest first)."""
    with session_scope(make_session_factory(sqlite_engine)) as session:
        org = seed(session)
        numbers = list(session.scalars(select(Case.case_number).order_by(Case.id)))
        return {"court_id": org["court"].id, "numbers": numbers}




@pytest.fixture
def token(sqlite_engine: Engine) -> Callable[[str], str]:
    """Issue a source token (plaintext) for a source name."""
    def _issue(name: str = "执行110") -> str:
        with session_scope(make_session_factory(sqlite_engine)) as session:
            return issue_source_token(session, name, None)[1]
    return _issue
