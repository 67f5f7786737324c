"""Flask-Caching from DASHBOARD_CACHE_URL: which backend serves the snapshots.

simple://              in-process SimpleCache (one process: `make run`)
filesystem:///path     FileSystemCache (several workers on one host)
redis://host:port/db   RedisCache (several hosts; also holds the leader lock), behind
                       FailoverRedisCache: while Redis is down, a local copy answers
null://                NullCache (nothing is kept; tests of the uncached path)
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask_caching import Cache
from flask_caching.backends.base import BaseCache
from flask_caching.backends.rediscache import RedisCache
from flask_caching.backends.simplecache import SimpleCache

from dashboard.config import INSTANCE

log = logging.getLogger(__name__)
CACHE_DOWN = "缓存服务不可用，已改用本机缓存"


def _simple(_url: str) -> dict[str, Any]:
    return {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 5000}


def _filesystem(url: str) -> dict[str, Any]:
    path = urlsplit(url).path or str(INSTANCE / "cache")
    return {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": path, "CACHE_THRESHOLD": 5000}


def _redis(url: str) -> dict[str, Any]:
    return {"CACHE_TYPE": "dashboard.cache.FailoverRedisCache", "CACHE_REDIS_URL": url}


class FailoverRedisCache(BaseCache):
    """Redis, and a local copy of what was last read or written that answers while Redis is down.

    The copy keeps the last snapshot and state record, so pages keep showing them (marked stale
    once they age) instead of 「数据尚未就绪」. Redis is probed again at most every RETRY_S seconds;
    each change between Redis and the local copy is logged once, without a traceback.
    """

    RETRY_S = 2.0

    def __init__(self, primary: BaseCache, default_timeout: int = 300) -> None:
        super().__init__(default_timeout)
        self.primary = primary
        self.local = SimpleCache(threshold=5000, default_timeout=default_timeout)
        self.down_since: float | None = None
        self._retry_at = 0.0
        self._lock = threading.Lock()

    @classmethod
    def factory(cls, app: Flask, config: dict[str, Any], args: list[Any],
                kwargs: dict[str, Any]) -> FailoverRedisCache:
        import redis

        seconds = float(app.config.get("CACHE_TIMEOUT_S", 2))
        client = redis.Redis.from_url(config["CACHE_REDIS_URL"], socket_timeout=seconds,
                                      socket_connect_timeout=seconds)
        primary = RedisCache(host=client, key_prefix=config.get("CACHE_KEY_PREFIX"),
                             default_timeout=kwargs.get("default_timeout", 300))
        return cls(primary, kwargs.get("default_timeout", 300))

    @property
    def degraded(self) -> bool:
        return self.down_since is not None

    def _call(self, name: str, *args: Any, mirror: Callable[[Any], None] | None = None,
              **kwargs: Any) -> Any:
        import redis

        if self.down_since is not None and time.monotonic() < self._retry_at:
            return getattr(self.local, name)(*args, **kwargs)
        try:
            result = getattr(self.primary, name)(*args, **kwargs)
        except (redis.RedisError, OSError) as exc:
            with self._lock:
                self._retry_at = time.monotonic() + self.RETRY_S
                if self.down_since is None:
                    self.down_since = time.time()
                    log.warning("%s：%s", CACHE_DOWN, type(exc).__name__ + ": " + str(exc)[:120])
            return getattr(self.local, name)(*args, **kwargs)
        if self.down_since is not None:
            with self._lock:
                if self.down_since is not None:
                    log.warning("缓存服务已恢复（中断 %.0f 秒），改回共享缓存", time.time() - self.down_since)
                    self.down_since = None
        if mirror is not None:
            mirror(result)
        return result

    def get(self, key: str) -> Any:
        def keep(value: Any) -> None:
            if value is not None:
                self.local.set(key, value, timeout=0)
        return self._call("get", key, mirror=keep)

    def set(self, key: str, value: Any, timeout: Any = None) -> Any:
        self.local.set(key, value, timeout=timeout)
        return self._call("set", key, value, timeout=timeout)

    def add(self, key: str, value: Any, timeout: Any = None) -> Any:
        return self._call("add", key, value, timeout=timeout)

    def delete(self, key: str) -> Any:
        self.local.delete(key)
        return self._call("delete", key)

    def delete_many(self, *keys: str) -> Any:
        self.local.delete_many(*keys)
        return self._call("delete_many", *keys)

    def has(self, key: str) -> bool:
        return bool(self._call("has", key))

    def clear(self) -> bool:
        self.local.clear()
        return bool(self._call("clear"))

    def get_many(self, *keys: str) -> list[Any]:
        return self._call("get_many", *keys)

    def set_many(self, mapping: dict[str, Any], timeout: Any = None) -> Any:
        return self._call("set_many", mapping, timeout=timeout)

    def inc(self, key: str, delta: int = 1) -> Any:
        return self._call("inc", key, delta)

    def dec(self, key: str, delta: int = 1) -> Any:
        return self._call("dec", key, delta)


def degraded(cache: Any) -> bool:
    """Is this Flask-Caching Cache answering from its local copy because Redis is down?"""
    backend = getattr(cache, "cache", None)
    return isinstance(backend, FailoverRedisCache) and backend.degraded


def _null(_url: str) -> dict[str, Any]:
    return {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}


BACKENDS: dict[str, Callable[[str], dict[str, Any]]] = {
    "simple": _simple,
    "filesystem": _filesystem,
    "redis": _redis,
    "rediss": _redis,
    "null": _null,
}


def cache_config(url: str, prefix: str = "dash:") -> dict[str, Any]:
    """Translate a cache URL into Flask-Caching settings (Chinese error on a bad URL)."""
    scheme = urlsplit(url).scheme
    if scheme not in BACKENDS:
        choices = "、".join(f"{name}://" for name in BACKENDS)
        raise ValueError(f"环境变量 DASHBOARD_CACHE_URL“{url}”无法识别，应以 {choices} 开头")
    return {"CACHE_DEFAULT_TIMEOUT": 300, "CACHE_KEY_PREFIX": prefix, **BACKENDS[scheme](url)}


def is_redis(url: str) -> bool:
    return urlsplit(url).scheme in ("redis", "rediss")


def init_cache(server: Flask) -> Cache:
    """Bind a Cache to the server; it works outside requests too (scheduler threads)."""
    settings = server.config
    return Cache(server, config=cache_config(settings["CACHE_URL"], settings["CACHE_PREFIX"]))
