"""The desk pages' own queries take turns while a snapshot build reads the database
(callbacks/desk/data.memoized, db/turns.py, DASHBOARD_DESK_BUILD_SLOTS): they wait for a turn,
look in the shared cache again before they run, run anyway when the wait runs out, and do not
wait at all when no build runs or the bound is off."""
from __future__ import annotations

import datetime as dt
import functools
import logging
import pickle
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import dash
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from callbacks.desk import data
from dashboard.app import create_app
from db.session import data_version, make_session_factory, session_scope
from db.snapshot import store
from db.turns import take_turn
from tests.db.test_case_queries import TODAY, seed_desk


@pytest.fixture
def make_app(sqlite_engine: Engine, migrated_urls: dict[str, str]) -> Iterator[Callable[..., dash.Dash]]:
    seed_desk(sqlite_engine)
    made: list[dash.Dash] = []

    def _make(**settings: Any) -> dash.Dash:
        app = create_app({"DATABASE_URL": migrated_urls["sqlite"], "CACHE_URL": "simple://",
                          "SCHEDULER_ENABLED": False, "TODAY": TODAY.isoformat(), **settings})
        made.append(app)
        return app

    yield _make
    for app in made:
        app.server.extensions["dashboard"].engine.dispose()


@contextmanager
def _turn_held(app: dash.Dash) -> Iterator[None]:
    """Another page holding the only turn (slots=1) in a transaction of its own."""
    engine = app.server.extensions["dashboard"].engine
    with session_scope(make_session_factory(engine)) as session, take_turn(session, 1, 0) as turn:
        assert turn.granted
        yield


class Watch:
    """Stands in for db.turns' sleep: tells when a reader waits for its turn."""

    def __init__(self) -> None:
        self.waiting = threading.Event()

    def sleep(self, seconds: float) -> None:
        self.waiting.set()
        threading.Event().wait(min(seconds, 0.05))


@pytest.fixture
def watch(monkeypatch: pytest.MonkeyPatch) -> Watch:
    found = Watch()
    monkeypatch.setattr(data, "take_turn", functools.partial(take_turn, sleep=found.sleep))
    return found


def _building(app: dash.Dash) -> None:
    with app.server.app_context():
        store.mark_building(data._cache(), dt.datetime.now(dt.UTC), 60)


def _read(session: Session) -> int:
    return int(session.scalar(text("SELECT count(*) FROM cases")))


def _memoized(app: dash.Dash, name: str, fn: Callable[[Session], Any] = _read) -> Any:
    with app.server.app_context():
        return data.memoized(name, (1,), fn)


def test_while_a_build_reads_a_desk_query_waits_for_its_turn(make_app, watch: Watch) -> None:
    app = make_app(DESK_BUILD_SLOTS=1, DESK_BUILD_WAIT_S=60)
    _building(app)
    done: list[int] = []
    with _turn_held(app):
        reader = threading.Thread(target=lambda: done.append(_memoized(app, "cases")))
        reader.start()
        assert watch.waiting.wait(30), "the desk query did not wait for its turn"
        assert not done  # still waiting while the turn is held
    reader.join(60)
    assert done and done[0] > 0


def test_a_waiter_finds_what_the_page_before_it_read(make_app, watch: Watch) -> None:
    """It looks in the cache again once it has its turn: the same read is not run twice."""
    app = make_app(DESK_BUILD_SLOTS=1, DESK_BUILD_WAIT_S=60)
    _building(app)
    ran: list[int] = []
    done: list[Any] = []

    def counted(session: Session) -> str:
        ran.append(1)
        return "read here"

    with _turn_held(app):
        reader = threading.Thread(target=lambda: done.append(_memoized(app, "same", counted)))
        reader.start()
        assert watch.waiting.wait(30)
        with app.server.app_context(), app.server.extensions["dashboard"].sessions() as session:
            key = data.memo_key("same", data_version(session)[0], (1,))
            data._cache().set(key, pickle.dumps("read by the page before"))
    reader.join(60)
    assert done == ["read by the page before"] and ran == []


def test_when_the_wait_runs_out_the_query_runs_anyway(make_app, watch: Watch, caplog) -> None:
    app = make_app(DESK_BUILD_SLOTS=1, DESK_BUILD_WAIT_S=1)
    _building(app)
    with caplog.at_level(logging.INFO, logger="callbacks.desk.data"), _turn_held(app):
        assert _memoized(app, "cases") > 0
    assert watch.waiting.is_set()
    assert any("等待轮次" in r.getMessage() and "未果" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("case", ["no build", "bound off"])
def test_no_turns_without_a_build_or_with_the_bound_off(make_app, watch: Watch, case: str) -> None:
    app = make_app(DESK_BUILD_SLOTS=0 if case == "bound off" else 1, DESK_BUILD_WAIT_S=60)
    if case == "bound off":
        _building(app)
    with _turn_held(app):  # the only turn is taken, yet nobody waits
        assert _memoized(app, "cases") > 0
    assert not watch.waiting.is_set()


def test_the_build_mark_goes_with_the_build(make_app, watch: Watch) -> None:
    app = make_app(DESK_BUILD_SLOTS=1, DESK_BUILD_WAIT_S=60)
    _building(app)
    with app.server.app_context():
        store.clear_building(data._cache())
    with _turn_held(app):
        assert _memoized(app, "cases") > 0
    assert not watch.waiting.is_set()
