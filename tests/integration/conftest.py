"""Fixtures of the integration tests (real processes)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db import migrate
from db.session import make_engine, make_session_factory, session_scope
from tests.backends import server_database
from tests.db.snapshot_data import seed


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    """A throw-away PostgreSQL database, migrated and seeded with the snapshot test court."""
    with server_database("postgresql", str(tmp_path)) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        with session_scope(make_session_factory(engine)) as session:
            seed(session)
        engine.dispose()
        yield url
