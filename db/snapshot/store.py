"""Snapshots in the shared cache: an immutable entry per version plus one small state record.

Keys (under the cache's own prefix): ``snapshot:v:<version>`` holds a whole snapshot and
never changes; ``snapshot:state`` holds the refresher's bookkeeping (current version, data
fingerprint, last check, last error). Pages poll only the state record; the snapshot itself
is read once per version and process (it is immutable, so a local copy is always right).
``snapshot:building`` is there while a build reads the database (with an expiry, so a refresher
that dies mid-build does not leave it behind): the desk pages' own queries take turns meanwhile
(callbacks/desk/data.py).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
import weakref
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger(__name__)

STATE_KEY = "snapshot:state"
BUILDING_KEY = "snapshot:building"


class CacheLike(Protocol):
    def get(self, key: str) -> Any: ...
    def set(self, key: str, value: Any, timeout: int | None = None) -> Any: ...
    def has(self, key: str) -> bool: ...
    def delete(self, key: str) -> Any: ...


def snapshot_key(version: int) -> str:
    return f"snapshot:v:{version}"


def iso(moment: dt.datetime | None) -> str | None:
    """Render a naive-UTC or aware datetime as an ISO string with a UTC offset."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat(timespec="seconds")


def parse_iso(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


@dataclass(frozen=True)
class RefreshState:
    """What the refresher last did; kept as a plain dict in the cache."""

    version: int | None = None  # the current (last good) snapshot
    previous_version: int | None = None  # kept for readers caught mid-switch
    fingerprint: str | None = None  # data version + newest case update seen by it
    day: str | None = None  # court-local date the snapshot was computed for
    computed_at: str | None = None
    as_of: str | None = None
    checked_at: str | None = None  # last time the snapshot was confirmed current
    status: str = "ok"  # ok | error
    last_error: str | None = None
    failed_at: str | None = None
    duration_ms: int | None = None  # how long the current snapshot took to compute
    computing_since: str | None = None  # a new snapshot is being computed since then

    def computing(self, now: dt.datetime) -> RefreshState:
        """Mark that a new snapshot is being computed from `now` on (the old one stays)."""
        return dataclasses.replace(self, computing_since=iso(now))

    def confirmed(self, now: dt.datetime) -> RefreshState:
        """Mark the current snapshot as checked and up to date at `now`."""
        return dataclasses.replace(
            self, checked_at=iso(now), status="ok", last_error=None, failed_at=None
        )

    def failed(self, now: dt.datetime, error: str) -> RefreshState:
        """Record a failed refresh; the last good snapshot stays current."""
        return dataclasses.replace(self, status="error", last_error=error, failed_at=iso(now),
                                   computing_since=None)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RefreshState:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def read_state(cache: CacheLike) -> RefreshState | None:
    """Return the refresher state, or None when absent or the cache is unreachable."""
    try:
        raw = cache.get(STATE_KEY)
    except Exception:  # noqa: BLE001 - a down cache degrades to "no data", never a 500
        log.warning("读取缓存失败：%s", STATE_KEY, exc_info=True)
        return None
    return RefreshState.from_dict(raw) if isinstance(raw, dict) else None


def write_state(cache: CacheLike, state: RefreshState) -> None:
    """Store the refresher state (no expiry: it is overwritten every tick)."""
    cache.set(STATE_KEY, state.to_dict(), timeout=0)


def mark_building(cache: CacheLike, started: dt.datetime, expires_s: float) -> None:
    """Say that a build reads the database from now on, for at most `expires_s` seconds.
    Best effort: a cache that refuses it only means the desk queries do not take turns."""
    try:
        cache.set(BUILDING_KEY, iso(started), timeout=max(1, int(expires_s)))
    except Exception:  # noqa: BLE001 - the build must not fail for a hint
        log.warning("写入缓存失败：%s", BUILDING_KEY, exc_info=True)


def clear_building(cache: CacheLike) -> None:
    """The build's reads are over (best effort; the mark expires anyway)."""
    try:
        cache.delete(BUILDING_KEY)
    except Exception:  # noqa: BLE001
        log.warning("删除缓存键失败：%s", BUILDING_KEY, exc_info=True)


def building(cache: CacheLike) -> bool:
    """True while a snapshot build reads the database (False when the cache is unreachable)."""
    try:
        return cache.get(BUILDING_KEY) is not None
    except Exception:  # noqa: BLE001 - a down cache: no turns, the page still answers
        return False


def publish(cache: CacheLike, snapshot: dict[str, Any], state: RefreshState) -> None:
    """Store an immutable snapshot under its version and drop the one two versions back.

    Only the current and the previous snapshot are kept, so cache memory stays bounded
    however often the data changes; the state record is switched by the caller.
    """
    if not cache.set(snapshot_key(snapshot["version"]), snapshot, timeout=0):
        raise RuntimeError(f"缓存拒绝写入快照 {snapshot['version']}")
    if state.previous_version is not None:
        cache.delete(snapshot_key(state.previous_version))


def has_snapshot(cache: CacheLike, version: int | None) -> bool:
    """Tell whether the cache still holds `version` (it may have been flushed)."""
    return version is not None and bool(cache.has(snapshot_key(version)))


class _LocalCopies:
    """Per-process copy of the last snapshot read from each cache (immutable by version)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_cache: weakref.WeakKeyDictionary[Any, tuple[int, dict]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, cache: CacheLike, version: int) -> dict[str, Any] | None:
        with self._lock:
            held = self._by_cache.get(cache)
        return held[1] if held and held[0] == version else None

    def put(self, cache: CacheLike, version: int, snapshot: dict[str, Any]) -> None:
        with self._lock:
            self._by_cache[cache] = (version, snapshot)


_LOCAL = _LocalCopies()


def read_snapshot(cache: CacheLike, version: int) -> dict[str, Any] | None:
    """Return the snapshot stored under `version` (local copy when already read)."""
    local = _LOCAL.get(cache, version)
    if local is not None:
        return local
    try:
        snapshot = cache.get(snapshot_key(version))
    except Exception:  # noqa: BLE001
        log.warning("读取缓存快照失败：版本 %s", version, exc_info=True)
        return None
    if isinstance(snapshot, dict):
        _LOCAL.put(cache, version, snapshot)
        return snapshot
    return None


def current_snapshot(cache: CacheLike) -> dict[str, Any] | None:
    """Return the current snapshot with the live status/last_error, or None before the first."""
    state = read_state(cache)
    if state is None or state.version is None:
        return None
    snapshot = read_snapshot(cache, state.version)
    if snapshot is None:
        return None
    return {**snapshot, "status": state.status, "last_error": state.last_error}
