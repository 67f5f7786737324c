"""An app on a small migrated SQLite court (two teams, three officers) for the sign-in tests."""
from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from db.session import make_session_factory, session_scope
from tests.db.snapshot_data import seed


@pytest.fixture
def court(sqlite_engine: Engine) -> dict[str, int]:
    """Ids of the seeded court: team_simple, team_keep, officer_zhang."""
    with session_scope(make_session_factory(sqlite_engine)) as session:
        org = seed(session)
        return {"team_simple": org["simple"].id, "team_keep": org["keep"].id,
                "officer_zhang": org["officers"][0].id}


