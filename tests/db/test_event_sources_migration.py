"""Migration 0007_event_sources goes down to the revision before it and up again on SQLite,
PostgreSQL and MariaDB (MariaDB refuses to drop a foreign key's index on its own)."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from db import migrate
from db.session import make_engine
from tests.backends import BACKENDS, server_database

TABLES = {"event_sources", "event_receipts", "event_api_calls", "import_jobs"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_event_sources_migration_round_trip(backend: str, tmp_path: Path) -> None:
    with server_database(backend, str(tmp_path)) as url:
        migrate.upgrade(url)
        cfg = migrate.alembic_config(url)
        before = ScriptDirectory.from_config(cfg).get_revision("0007_event_sources").down_revision
        command.downgrade(cfg, str(before))
        engine = make_engine(url)
        try:
            assert not TABLES & set(inspect(engine).get_table_names())
            migrate.upgrade(url)
            inspector = inspect(engine)
            assert TABLES <= set(inspector.get_table_names())
            assert "ix_event_api_calls_key_at" in {ix["name"] for ix in inspector.get_indexes("event_api_calls")}
        finally:
            engine.dispose()
