"""db.turns: at most N readers at once across connections (advisory locks on PostgreSQL, named
locks on MariaDB, a process semaphore on SQLite), a bounded wait that never fails the read, and
the turn given back however the body ends."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.session import make_session_factory, session_scope
from db.turns import Turn, take_turn

NAME = {"name": ":desk-turn:0"}


class FakeTime:
    """A clock that moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now, self.sleeps = 100.0, []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@contextmanager
def _held(engine: Engine, slots: int = 1) -> Iterator[Turn]:
    """A turn taken in a session (and transaction) of its own, held until the block ends."""
    with session_scope(make_session_factory(engine)) as session, take_turn(session, slots, 0) as turn:
        yield turn


def _try(engine: Engine, slots: int = 1, wait_s: float = 1.0) -> tuple[Turn, FakeTime]:
    fake = FakeTime()
    with session_scope(make_session_factory(engine)) as session, \
            take_turn(session, slots, wait_s, sleep=fake.sleep, clock=fake.clock) as turn:
        return turn, fake


def test_one_slot_admits_one_reader_until_its_transaction_ends(engine: Engine) -> None:
    with _held(engine) as first:
        assert first.granted
        second, fake = _try(engine, wait_s=1.0)
        assert not second.granted  # the wait ran out: the read runs anyway
        assert second.waited_s == pytest.approx(1.0) and sum(fake.sleeps) == pytest.approx(1.0)
        assert len(fake.sleeps) > 3 and max(fake.sleeps) <= 0.25  # it kept asking
    third, fake = _try(engine)
    assert third.granted and fake.sleeps == []  # given back: the next reader takes it at once


def test_slots_bound_the_readers_at_once(engine: Engine) -> None:
    with _held(engine, slots=2) as first, _held(engine, slots=2) as second:
        assert first.granted and second.granted
        third, _ = _try(engine, slots=2, wait_s=0.5)
        assert not third.granted
    assert _try(engine, slots=2)[0].granted


def test_a_waiter_gets_the_slot_when_it_comes_free(engine: Engine) -> None:
    waiting = threading.Event()
    got: list[Turn] = []

    def sleep(seconds: float) -> None:
        waiting.set()
        threading.Event().wait(seconds)

    def reader() -> None:
        with session_scope(make_session_factory(engine)) as session, \
                take_turn(session, 1, 60, sleep=sleep) as turn:
            got.append(turn)

    with _held(engine):
        thread = threading.Thread(target=reader)
        thread.start()
        assert waiting.wait(30), "the second reader never waited"
    thread.join(60)
    assert got and got[0].granted and got[0].waited_s > 0


def test_the_turn_is_given_back_when_the_body_fails(engine: Engine) -> None:
    with pytest.raises(ZeroDivisionError), session_scope(make_session_factory(engine)) as session, \
            take_turn(session, 1, 0):
        raise ZeroDivisionError
    assert _try(engine, wait_s=0)[0].granted


def test_mariadb_gives_the_named_lock_back_on_the_same_connection(engine: Engine) -> None:
    if engine.dialect.name not in ("mysql", "mariadb"):
        pytest.skip("GET_LOCK is MariaDB's")
    with Session(engine) as session:
        with take_turn(session, 1, 0) as turn:
            assert turn.granted
            assert session.scalar(text("SELECT IS_USED_LOCK(CONCAT(DATABASE(), :name))"), NAME)
        assert session.scalar(text("SELECT IS_FREE_LOCK(CONCAT(DATABASE(), :name))"), NAME) == 1


def test_a_postgresql_turn_is_one_backend_for_its_transaction_only(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("parallel workers are PostgreSQL's")
    with session_scope(make_session_factory(engine)) as session:
        default = session.scalar(text("SHOW max_parallel_workers_per_gather"))
    assert default != "0"  # else this test could not tell
    with session_scope(make_session_factory(engine)) as session:
        with take_turn(session, 1, 0):
            assert session.scalar(text("SHOW max_parallel_workers_per_gather")) == "0"
            held = session.scalar(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"))
            assert held == 1
    with session_scope(make_session_factory(engine)) as session:
        assert session.scalar(text("SHOW max_parallel_workers_per_gather")) == default


def test_at_least_one_slot() -> None:
    with pytest.raises(ValueError), take_turn(None, 0, 1):  # type: ignore[arg-type]
        pass
