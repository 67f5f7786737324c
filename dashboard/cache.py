"""Flask-Caching from DASHBOARD_CACHE_URL: which backend serves the snapshots.

simple://              in-process SimpleCache (one process: `make run`)
filesystem:///path     FileSystemCache (several workers on one host)
redis://host:port/db   RedisCache (several hosts; also holds the leader lock)
null://                NullCache (nothing is kept; tests of the uncached path)
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask_caching import Cache

from dashboard.config import INSTANCE


def _simple(_url: str) -> dict[str, Any]:
    return {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 5000}


def _filesystem(url: str) -> dict[str, Any]:
    path = urlsplit(url).path or str(INSTANCE / "cache")
    return {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": path, "CACHE_THRESHOLD": 5000}


def _redis(url: str) -> dict[str, Any]:
    return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url}


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
        raise ValueError(f"DASHBOARD_CACHE_URL“{url}”无法识别，应以 {choices} 开头")
    return {"CACHE_DEFAULT_TIMEOUT": 300, "CACHE_KEY_PREFIX": prefix, **BACKENDS[scheme](url)}


def is_redis(url: str) -> bool:
    return urlsplit(url).scheme in ("redis", "rediss")


def init_cache(server: Flask) -> Cache:
    """Bind a Cache to the server; it works outside requests too (scheduler threads)."""
    settings = server.config
    return Cache(server, config=cache_config(settings["CACHE_URL"], settings["CACHE_PREFIX"]))
