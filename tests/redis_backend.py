"""Real Redis for the tests: a unique key prefix per test, removed afterwards."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from tests.backends import unavailable

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_prefix() -> Iterator[tuple[object, str]]:
    """Yield (client, prefix); skip loudly (fail under CI=true) when Redis is absent."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"Redis at {REDIS_URL}: {exc}")
    prefix = f"test-{uuid.uuid4().hex[:10]}:"
    yield client, prefix
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()
