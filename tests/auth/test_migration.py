"""Migration 0004_auth goes down to 0003 and up again on SQLite, PostgreSQL and MariaDB."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect

from db import migrate
from db.session import make_engine
from tests.backends import BACKENDS, server_database

TABLES = {"audit_log", "wall_tokens", "login_attempts"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_auth_migration_round_trip(backend: str, tmp_path: Path) -> None:
    with server_database(backend, str(tmp_path)) as url:
        migrate.upgrade(url)
        cfg = migrate.alembic_config(url)
        command.downgrade(cfg, "0003_origin_index")
        engine = make_engine(url)
        try:
            assert not TABLES & set(inspect(engine).get_table_names())
            migrate.upgrade(url)
            inspector = inspect(engine)
            assert TABLES <= set(inspector.get_table_names())
            indexes = {ix["name"] for ix in inspector.get_indexes("audit_log")}
            assert {"ix_audit_log_at", "ix_audit_log_action_at", "ix_audit_log_actor_at"} <= indexes
        finally:
            engine.dispose()
