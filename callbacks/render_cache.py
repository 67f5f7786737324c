"""Outputs of snapshot-only callbacks, serialized once per snapshot version.

A wall callback's output depends only on the snapshot version (and on settings, which every
process of a deployment shares), so it is built once per version and then served as plain
JSON data: no Dash component or Plotly figure is built or walked again per request.

Three levels, fastest first: this process's memo (the latest few versions), the shared cache
(``render:<name>:v:<version>``, a compact JSON string, written by whoever built it first —
normally the refresher right after publishing, see `callbacks.wall.wall.prerender`), and building
it. Concurrent requests of one process for the same entry build it once; the others wait.
"""
from __future__ import annotations

import json
import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

from plotly.io.json import to_json_plotly

log = logging.getLogger(__name__)

KEEP_VERSIONS = 3  # versions kept per process (current, previous, one being switched to)
SHARED_TIMEOUT_S = 3600  # shared entries also expire, in case a deletion was missed


def shared_key(name: str, version: int) -> str:
    return f"render:{name}:v:{version}"


def plain(value: Any) -> Any:
    """Components and figures as the JSON data Dash would send (tuples become lists)."""
    return json.loads(to_json_plotly(value))


class RenderMemo:
    """The render entries of one cache (one deployment), with one builder per entry."""

    def __init__(self, cache: Any) -> None:
        self._cache = weakref.ref(cache)
        self._guard = threading.Lock()
        self._entries: dict[tuple[str, int], Any] = {}
        self._building: dict[tuple[str, int], threading.Lock] = {}

    def get(self, name: str, version: int, build: Callable[[], Any]) -> Any:
        """The plain output of `build()` for (name, version), built at most once here."""
        key = (name, version)
        found = self._entries.get(key)
        if found is not None:
            return found
        with self._guard:
            lock = self._building.setdefault(key, threading.Lock())
        with lock:
            found = self._entries.get(key)
            if found is None:
                found = self._shared(name, version)
            if found is None:
                found = plain(build())
                self._share(name, version, found)
            self._keep(key, found)
        return found

    def _shared(self, name: str, version: int) -> Any:
        cache = self._cache()
        try:
            text = cache.get(shared_key(name, version)) if cache is not None else None
        except Exception:  # noqa: BLE001 - a cache blip means building it here
            log.warning("读取渲染缓存失败：%s", shared_key(name, version), exc_info=True)
            return None
        return json.loads(text) if isinstance(text, str) else None

    def _share(self, name: str, version: int, value: Any) -> None:
        cache = self._cache()
        if cache is None:
            return
        try:
            cache.set(shared_key(name, version), json.dumps(value, separators=(",", ":")),
                      timeout=SHARED_TIMEOUT_S)
            cache.delete(shared_key(name, version - 2))  # versions are consecutive
        except Exception:  # noqa: BLE001
            log.warning("写入渲染缓存失败：%s", shared_key(name, version), exc_info=True)

    def _keep(self, key: tuple[str, int], value: Any) -> None:
        with self._guard:
            self._entries[key] = value
            newest = sorted({v for _n, v in self._entries}, reverse=True)[:KEEP_VERSIONS]
            for old in [k for k in self._entries if k[1] not in newest]:
                del self._entries[old]
            for old in [k for k in self._building if k[1] not in newest]:
                del self._building[old]

    def versions(self) -> list[int]:
        """Versions held by this process (tests, diagnostics)."""
        return sorted({v for _n, v in self._entries})


_MEMOS: weakref.WeakKeyDictionary[Any, RenderMemo] = weakref.WeakKeyDictionary()
_MEMOS_GUARD = threading.Lock()


def memo_for(cache: Any) -> RenderMemo:
    """The process's RenderMemo of `cache` (one per app, like the snapshot's local copy)."""
    with _MEMOS_GUARD:
        memo = _MEMOS.get(cache)
        if memo is None:
            memo = _MEMOS[cache] = RenderMemo(cache)
        return memo
