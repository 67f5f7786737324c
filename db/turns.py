"""Turns: at most N reads of one kind at once across every process of a deployment.

While the refresher's snapshot build reads the database, the desk pages' own queries (custom
periods, case lists: callbacks/desk/data.py) take turns, so the build keeps a core on a small
database host (issue #21: the build under 200 walls and 20 desk users). A turn is held until
the caller's transaction ends:

- PostgreSQL: a transaction-level advisory lock `pg_try_advisory_xact_lock(NAMESPACE, slot)`
  (released by the commit or rollback, also when the connection drops); the turn's queries run
  without parallel workers, so a turn is one backend, not three.
- MariaDB/MySQL: a named lock `GET_LOCK('<database>:desk-turn:<slot>', 0)`, released on the way
  out (and by the server when the connection drops).
- SQLite (one process reads and builds): a semaphore of the process.

Waiting never fails the read: after `wait_s` without a free slot it runs anyway (`Turn.granted`
False), so a slow or stuck turn holder costs the others at most that wait.
"""
from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

NAMESPACE = 0x4445534B  # "DESK": the first key of the advisory locks (int4)
_FIRST_SLEEP_S, _MAX_SLEEP_S = 0.02, 0.25


@dataclass(frozen=True)
class Turn:
    granted: bool  # False: no slot came free within the wait; the read ran anyway
    waited_s: float


# -- one slot, per database -----------------------------------------------------------------
def _pg_take(session: Session, slot: int) -> bool:
    return bool(session.execute(text("SELECT pg_try_advisory_xact_lock(:ns, :slot)"),
                                {"ns": NAMESPACE, "slot": slot}).scalar())


def _pg_give(_session: Session, _slot: int) -> None:
    """Released by the transaction's end."""


def _pg_prepare(session: Session) -> None:
    session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))


def _lock_name(slot: int) -> str:
    return f"desk-turn:{slot}"


def _maria_take(session: Session, slot: int) -> bool:
    got = session.execute(text("SELECT GET_LOCK(CONCAT(IFNULL(DATABASE(), ''), ':', :name), 0)"),
                          {"name": _lock_name(slot)}).scalar()
    return got == 1


def _maria_give(session: Session, slot: int) -> None:
    session.execute(text("SELECT RELEASE_LOCK(CONCAT(IFNULL(DATABASE(), ''), ':', :name))"),
                    {"name": _lock_name(slot)})


_LOCAL: dict[tuple[str, int], threading.BoundedSemaphore] = {}
_LOCAL_GUARD = threading.Lock()


def _semaphore(session: Session, slots: int) -> threading.BoundedSemaphore:
    key = (str(session.get_bind().engine.url), slots)
    with _LOCAL_GUARD:
        return _LOCAL.setdefault(key, threading.BoundedSemaphore(slots))


def _no_prepare(_session: Session) -> None:
    """Nothing to set: no parallel workers on this database."""


@dataclass(frozen=True)
class _Slots:
    take: Callable[[Session, int], bool]
    give: Callable[[Session, int], None]
    prepare: Callable[[Session], None]


_BY_DIALECT: dict[str, _Slots] = {
    "postgresql": _Slots(_pg_take, _pg_give, _pg_prepare),
    "mysql": _Slots(_maria_take, _maria_give, _no_prepare),
    "mariadb": _Slots(_maria_take, _maria_give, _no_prepare),
}


def _local_slots(session: Session, slots: int) -> _Slots:
    semaphore = _semaphore(session, slots)
    return _Slots(lambda _s, _slot: semaphore.acquire(blocking=False),
                  lambda _s, _slot: semaphore.release(), _no_prepare)


# -- a turn ----------------------------------------------------------------------------------
@contextmanager
def take_turn(session: Session, slots: int, wait_s: float, *,
              sleep: Callable[[float], None] = time.sleep,
              clock: Callable[[], float] = time.monotonic) -> Iterator[Turn]:
    """Wait up to `wait_s` for one of `slots` turns, run the body, give the turn back.

    The caller owns the session; on PostgreSQL the turn lasts until its transaction ends."""
    if slots < 1:
        raise ValueError("slots must be at least 1")
    dialect = session.get_bind().dialect.name
    kind = _BY_DIALECT.get(dialect) or _local_slots(session, slots)
    began = clock()
    order = random.sample(range(slots), slots)  # spread the waiters over the slots
    held, delay = None, _FIRST_SLEEP_S
    while held is None:
        held = next((slot for slot in order if kind.take(session, slot)), None)
        left = began + wait_s - clock()
        if held is not None or left <= 0:
            break
        sleep(min(delay, left))
        delay = min(delay * 1.5, _MAX_SLEEP_S)
    kind.prepare(session)
    try:
        yield Turn(granted=held is not None, waited_s=clock() - began)
    finally:
        if held is not None:
            try:
                kind.give(session, held)
            except SQLAlchemyError:  # a dropped connection's locks went with it
                log.warning("归还查询轮次失败（连接已断开时锁随之释放）", exc_info=True)
