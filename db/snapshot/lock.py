"""The leader lock: a lease with a TTL so exactly one refresher computes at a time.

The holder renews the lease well before it expires; when it dies the lease runs out and
a standby takes it. Redis (SET NX PX + compare-and-renew script) when the deployment has
Redis, otherwise a row in the database. Lease times use the processes' UTC clocks.
"""
from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from db.models import LeaderLock
from db.session import affected, session_scope

LOCK_NAME = "refresh_snapshot"


def holder_id() -> str:
    """Name this process uniquely: host, pid and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class LeaderLease(Protocol):
    holder: str

    def acquire(self) -> bool:
        """Take the lease if free or renew our own; True while this process leads."""
        ...

    def release(self) -> None:
        """Give the lease up (on clean shutdown) so a standby takes over at once."""
        ...


_ACQUIRE = """
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class RedisLease:
    """Lease in one Redis key; get-check-set runs atomically as a Lua script."""

    def __init__(self, client: Any, key: str, ttl_s: float, holder: str | None = None) -> None:
        self.client, self.key, self.holder = client, key, holder or holder_id()
        self.ttl_ms = max(1, int(ttl_s * 1000))
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)

    def acquire(self) -> bool:
        return bool(self._acquire(keys=[self.key], args=[self.holder, self.ttl_ms]))

    def release(self) -> None:
        self._release(keys=[self.key], args=[self.holder])


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class DatabaseLease:
    """Lease in the leader_locks table: conditional UPDATE, INSERT when the row is missing."""

    def __init__(self, sessions: sessionmaker[Session], ttl_s: float, *,
                 name: str = LOCK_NAME, holder: str | None = None,
                 clock: Callable[[], dt.datetime] = _utcnow) -> None:
        self.sessions, self.name, self.ttl_s = sessions, name, ttl_s
        self.holder, self.clock = holder or holder_id(), clock

    def _expiry(self, now: dt.datetime) -> dt.datetime:
        # Round up to a whole second: MariaDB DATETIME drops fractions, and rounding down
        # would let a standby see a live lease as expired.
        end = now + dt.timedelta(seconds=self.ttl_s)
        if end.microsecond:
            end = end.replace(microsecond=0) + dt.timedelta(seconds=1)
        return end

    def acquire(self) -> bool:
        now = self.clock()
        values = {"holder": self.holder, "expires_at": self._expiry(now)}
        with session_scope(self.sessions) as session:
            taken = affected(session.execute(
                update(LeaderLock)
                .where(LeaderLock.name == self.name,
                       or_(LeaderLock.holder == self.holder, LeaderLock.expires_at < now))
                .values(**values)
            ))
        if taken:
            return True
        try:
            with session_scope(self.sessions) as session:
                session.add(LeaderLock(name=self.name, **values))
        except IntegrityError:
            return False  # someone else holds a live lease
        return True

    def release(self) -> None:
        with session_scope(self.sessions) as session:
            session.execute(delete(LeaderLock).where(LeaderLock.name == self.name,
                                                     LeaderLock.holder == self.holder))
