"""The Alembic history is one straight line, and every revision after 0005 goes down and up again
on each database (branches developed in parallel are re-chained at merge; this keeps them so)."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from db import migrate
from db.session import make_engine
from tests.backends import server_database


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))


def test_history_is_one_line() -> None:
    script = _script()
    assert len(script.get_heads()) == 1, f"several heads: {script.get_heads()}"
    assert len(script.get_bases()) == 1


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mariadb"])
def test_down_to_0005_and_up_again(backend: str, tmp_path: Path) -> None:
    with server_database(backend, str(tmp_path)) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            tables = set(inspect(engine).get_table_names())
            command.downgrade(migrate.alembic_config(url), "0005_case_rollups")
            engine.dispose()
            assert "import_batches" not in set(inspect(engine).get_table_names())
            migrate.upgrade(url)
            engine.dispose()
            assert set(inspect(engine).get_table_names()) == tables
        finally:
            engine.dispose()
