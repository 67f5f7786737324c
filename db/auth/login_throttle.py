"""Sign-in throttling kept in the database, atomic, so parallel guesses and every worker agree.

Each attempt first RESERVES a failure for its username and for its address with one conditional
UPDATE (`failures = failures + 1 … WHERE failures < limit`): the database serialises those
updates, so of twelve parallel guesses at a limit of five exactly five are checked and seven are
refused before their password is looked at. A success then settles: the username's count goes back
to zero and the address gets its reservation back. After `limit` failures within `window`
(counted from the first failure of the window) the username or address is refused until `lockout`
after the last failure. The address limit is the higher one: people behind one NAT address share it.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db.models.auth import LoginCounter
from db.session import affected, session_scope

USER, IP = "user", "ip"


@dataclass(frozen=True)
class Limits:
    max_failures: int  # per username; 0 or less: no limit
    max_ip_failures: int  # per address; 0 or less: no limit
    window: dt.timedelta
    lockout: dt.timedelta


def _keys(username: str, ip: str, limits: Limits) -> list[tuple[str, str, int]]:
    pairs = ((USER, username[:64], limits.max_failures), (IP, ip[:64], limits.max_ip_failures))
    return [(kind, key, limit) for kind, key, limit in pairs if key and limit > 0]


def ensure_counter(session: Session, kind: str, key: str, now: dt.datetime) -> None:
    """The counter row exists afterwards, whoever inserted it (no error when a parallel request did)."""
    found = session.execute(select(LoginCounter.id).where(LoginCounter.kind == kind,
                                                          LoginCounter.key == key)).first()
    if found is not None:  # no insert, so no shared lock on the row (MariaDB would deadlock on it)
        return
    values = {"kind": kind, "key": key, "failures": 0, "first_at": now, "last_at": now}
    dialect = session.get_bind().dialect.name
    stmt: Any
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt = pg_insert(LoginCounter).values(values).on_conflict_do_nothing(index_elements=["kind", "key"])
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(LoginCounter).values(values).on_conflict_do_nothing(index_elements=["kind", "key"])
    else:  # MySQL / MariaDB
        stmt = insert(LoginCounter).values(values).prefix_with("IGNORE")
    session.execute(stmt)


def _retrying(sessions: sessionmaker[Session], work: Callable[[Session], Any], tries: int = 5) -> Any:
    """Run `work(session)` in its own short transaction; a deadlock victim (MariaDB) tries again."""
    for attempt in range(tries):
        try:
            with session_scope(sessions) as session:
                return work(session)
        except OperationalError:
            if attempt == tries - 1:
                raise
    return None


def _reserve_one(sessions: sessionmaker[Session], kind: str, key: str, limit: int,
                 now: dt.datetime, limits: Limits) -> bool:
    mine = and_(LoginCounter.kind == kind, LoginCounter.key == key)
    _retrying(sessions, lambda s: ensure_counter(s, kind, key, now))

    def take(session: Session) -> bool:
        # a window that has run out, or a lock that has ended, starts over (idempotent: once
        # reset, the condition no longer holds, so a parallel reset cannot erase a reservation)
        session.execute(update(LoginCounter).where(mine, or_(
            and_(LoginCounter.failures < limit, LoginCounter.first_at < now - limits.window),
            and_(LoginCounter.failures >= limit, LoginCounter.last_at < now - limits.lockout),
        )).values(failures=0, first_at=now))
        taken = session.execute(update(LoginCounter).where(mine, LoginCounter.failures < limit)
                                .values(failures=LoginCounter.failures + 1, last_at=now))
        return bool(affected(taken))

    return bool(_retrying(sessions, take))


def _refund_in(session: Session, *, kind: str, key: str) -> None:
    _refund(session, kind, key)


def _refund(session: Session, kind: str, key: str) -> None:
    session.execute(update(LoginCounter).where(LoginCounter.kind == kind, LoginCounter.key == key,
                                               LoginCounter.failures > 0)
                    .values(failures=LoginCounter.failures - 1))


def locked_until(session: Session, username: str, ip: str, now: dt.datetime,
                 limits: Limits) -> dt.datetime | None:
    """When the lock on this username or address ends, or None when neither is locked."""
    ends = []
    for kind, key, limit in _keys(username, ip, limits):
        row = session.execute(select(LoginCounter.failures, LoginCounter.last_at)
                              .where(LoginCounter.kind == kind, LoginCounter.key == key)).first()
        if row is not None and row.failures >= limit and row.last_at + limits.lockout > now:
            ends.append(row.last_at + limits.lockout)
    return max(ends) if ends else None


def reserve_attempt(sessions: sessionmaker[Session], username: str, ip: str, now: dt.datetime,
                    limits: Limits) -> dt.datetime | None:
    """Count this attempt as a failure of its username and address BEFORE its password is checked.

    Commits on its own (one short transaction per counter, so the reservation is visible to
    parallel requests at once and no two counter rows are ever locked together). Returns None
    when the attempt may go on, else when the lock ends (nothing stays counted then). Call
    `settle_attempt` after the check."""
    taken: list[tuple[str, str]] = []
    for kind, key, limit in _keys(username, ip, limits):
        if not _reserve_one(sessions, kind, key, limit, now, limits):
            for done_kind, done_key in taken:
                _retrying(sessions, functools.partial(_refund_in, kind=done_kind, key=done_key))
            with session_scope(sessions) as session:
                return locked_until(session, username, ip, now, limits) or now + limits.lockout
        taken.append((kind, key))
    return None


def settle_attempt(session: Session, username: str, ip: str, ok: bool) -> None:
    """After the password check: a success clears the username's failures and gives the address
    its reservation back; a failure stays counted."""
    if not ok:
        return
    session.execute(update(LoginCounter).where(LoginCounter.kind == USER, LoginCounter.key == username[:64])
                    .values(failures=0))
    if ip:
        _refund(session, IP, ip[:64])
    session.flush()


def take_burst(session: Session, key: str, now: dt.datetime, burst: int,
               window: dt.timedelta) -> tuple[bool, tuple[dt.datetime, int] | None]:
    """Rate-limit something per `key` (the audit entries of anonymous failures): (whether this
    one is within the first `burst` of its window, (start, how many beyond `burst`) of the window
    that has just ended when that number is positive). One conditional UPDATE decides, so
    parallel requests never let more than `burst` through."""
    kind, key = "audit", key[:64]
    mine = and_(LoginCounter.kind == kind, LoginCounter.key == key)
    ensure_counter(session, kind, key, now)
    old = session.execute(select(LoginCounter.failures, LoginCounter.first_at).where(mine)).one()
    dropped = None
    if old.first_at < now - window:
        reset = session.execute(update(LoginCounter).where(
            mine, LoginCounter.failures == old.failures, LoginCounter.first_at == old.first_at,
        ).values(failures=0, first_at=now))
        if affected(reset) and old.failures > burst:
            dropped = (old.first_at, old.failures - burst)
    taken = session.execute(update(LoginCounter).where(mine, LoginCounter.failures < burst)
                            .values(failures=LoginCounter.failures + 1, last_at=now))
    if not affected(taken):
        session.execute(update(LoginCounter).where(mine).values(failures=LoginCounter.failures + 1,
                                                                last_at=now))
    session.flush()
    return bool(affected(taken)), dropped
