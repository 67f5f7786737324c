"""The leader lease: one holder at a time, renewal, expiry takeover, release (DB and Redis)."""
from __future__ import annotations

import datetime as dt
import time

from db.session import make_session_factory
from db.snapshot.lock import DatabaseLease, RedisLease
from tests.redis_backend import redis_prefix  # noqa: F401 (fixture)


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 20, 2, 0, 0, 500_000)

    def __call__(self) -> dt.datetime:
        return self.now


def test_database_lease(engine) -> None:
    sessions, clock = make_session_factory(engine), Clock()
    first = DatabaseLease(sessions, 2, holder="a", clock=clock)
    second = DatabaseLease(sessions, 2, holder="b", clock=clock)
    assert first.acquire() and not second.acquire()
    clock.now += dt.timedelta(seconds=1.5)
    assert first.acquire()  # renewal moves the expiry on
    clock.now += dt.timedelta(seconds=2)
    assert not second.acquire()  # still inside the renewed lease (expiry rounded up)
    clock.now += dt.timedelta(seconds=1.5)
    assert second.acquire() and not first.acquire()  # the holder stopped renewing
    second.release()
    assert first.acquire()


def test_redis_lease(redis_prefix) -> None:  # noqa: F811
    client, prefix = redis_prefix
    key = f"{prefix}leader"
    first = RedisLease(client, key, ttl_s=0.4, holder="a")
    second = RedisLease(client, key, ttl_s=0.4, holder="b")
    assert first.acquire() and not second.acquire()
    time.sleep(0.25)
    assert first.acquire()  # renewed: a fresh 0.4 s
    time.sleep(0.25)
    assert not second.acquire()
    time.sleep(0.3)  # the holder died: its lease ran out
    assert second.acquire() and not first.acquire()
    second.release()
    assert client.get(key) is None
    first.release()  # releasing a lease we do not hold changes nothing
    assert first.acquire() and client.get(key) == b"a"
