"""Shared fixtures: the app factory with test settings and migrated databases per backend."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from db import migrate
from db.session import make_engine
from tests.backends import BACKENDS, clear_all, server_database


@pytest.fixture(scope="session")
def migrated_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Lazily create and migrate one database per backend for the whole session."""
    tmp = str(tmp_path_factory.mktemp("db"))
    made: dict[str, str] = {}
    stack = []

    class _Lazy(dict):
        def __missing__(self, backend: str) -> str:
            ctx = server_database(backend, tmp)
            url = ctx.__enter__()
            stack.append(ctx)
            migrate.upgrade(url)
            self[backend] = url
            return url

    lazy = _Lazy(made)
    yield lazy
    for ctx in reversed(stack):
        ctx.__exit__(None, None, None)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def engine(backend: str, migrated_urls: dict[str, str]) -> Iterator[Engine]:
    """An empty, migrated database on the parametrized backend."""
    eng = make_engine(migrated_urls[backend])
    clear_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(migrated_urls: dict[str, str]) -> Iterator[Engine]:
    eng = make_engine(migrated_urls["sqlite"])
    clear_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def app_factory(sqlite_engine: Engine, court: Any) -> Iterator[Callable[..., Any]]:
    """Apps on the SQLite test database after the directory's own `court` fixture seeded it
    (no scheduler, a process-local cache); each is disposed of afterwards."""
    from dashboard.app import create_app

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
