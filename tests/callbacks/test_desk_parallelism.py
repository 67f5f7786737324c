"""DESK_PG_PARALLEL: a desk page's own queries on PostgreSQL run with at most that many
parallel workers (default 0), in their transaction only; other databases are untouched."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from callbacks.desk.data import memoized
from dashboard.app import create_app


def _seen(engine: Engine, **overrides: Any) -> tuple[str | None, str | None]:
    """(the setting inside a desk query, the setting of a later plain session)."""
    url = engine.url.render_as_string(hide_password=False)
    app = create_app({"DATABASE_URL": url, "CACHE_URL": "null://", "SCHEDULER_ENABLED": False,
                      **overrides})
    state = app.server.extensions["dashboard"]
    try:
        with app.server.app_context():
            inside = memoized("parallel-test", (), lambda s: s.scalar(
                text("SHOW max_parallel_workers_per_gather")))
            with state.sessions() as session:
                after = session.scalar(text("SHOW max_parallel_workers_per_gather"))
        return inside, after
    finally:
        state.engine.dispose()


def test_desk_queries_run_without_parallel_workers_by_default(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("max_parallel_workers_per_gather is a PostgreSQL setting")
    with engine.connect() as conn:
        server_default = conn.scalar(text("SHOW max_parallel_workers_per_gather"))
    assert server_default != "0"  # else this test could not tell the setting worked
    assert _seen(engine) == ("0", server_default)
    assert _seen(engine, DESK_PG_PARALLEL=1) == ("1", server_default)
    assert _seen(engine, DESK_PG_PARALLEL=-1) == (server_default, server_default)


def test_other_databases_run_desk_queries_unchanged(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        pytest.skip("covered above")
    url = engine.url.render_as_string(hide_password=False)
    app = create_app({"DATABASE_URL": url, "CACHE_URL": "null://", "SCHEDULER_ENABLED": False})
    try:
        with app.server.app_context():
            assert memoized("parallel-test", (), lambda s: s.scalar(text("SELECT 7"))) == 7
    finally:
        app.server.extensions["dashboard"].engine.dispose()


def test_the_setting_is_bounded() -> None:
    from dashboard.config import SettingsError, load_settings
    with pytest.raises(SettingsError, match="DESK_PG_PARALLEL"):
        load_settings({"DESK_PG_PARALLEL": -2})
