"""Is the current snapshot fresh? Shared by /healthz and the shell's stale banner."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from db.snapshot.store import RefreshState, parse_iso

STALE_AFTER_INTERVALS = 3
# a refresh in progress is "on time" for this many times the last snapshot's duration
COMPUTE_GRACE_FACTOR = 2


@dataclass(frozen=True)
class Freshness:
    stale: bool
    age_s: float | None  # seconds since the snapshot was last confirmed current
    last_good_at: dt.datetime | None
    state: RefreshState | None
    refreshing: bool = False  # a new snapshot is being computed within its expected time


def compute_allowance_s(state: RefreshState, interval_s: float) -> float:
    """How long a refresh in progress may run before the data counts as stale."""
    last = (state.duration_ms or 0) / 1000
    return max(STALE_AFTER_INTERVALS * interval_s, COMPUTE_GRACE_FACTOR * last)


def _refreshing(state: RefreshState, now: dt.datetime, interval_s: float,
                age: float | None) -> bool:
    """A refresh started and still within its allowance, on a snapshot that was current then.

    A refresher that dies mid-computation leaves `computing_since` behind; the allowance
    bounds how long that hides the age, and the age itself may exceed three intervals by at
    most the allowance.
    """
    since = parse_iso(state.computing_since)
    if since is None or age is None:
        return False
    allowance = compute_allowance_s(state, interval_s)
    running = (now - since).total_seconds()
    return running <= allowance and age <= allowance + STALE_AFTER_INTERVALS * interval_s


def assess(state: RefreshState | None, now: dt.datetime, interval_s: float) -> Freshness:
    """Stale when there is no snapshot, the last refresh failed, or no check for 3 intervals
    (unless a refresh is in progress and still within its expected duration)."""
    if state is None or state.version is None:
        return Freshness(True, None, None, state)
    checked = parse_iso(state.checked_at)
    age = (now - checked).total_seconds() if checked else None
    refreshing = _refreshing(state, now, interval_s, age)
    too_old = (age is None or age > STALE_AFTER_INTERVALS * interval_s) and not refreshing
    return Freshness(too_old or state.status != "ok", age, checked, state, refreshing)


def health_report(fresh: Freshness) -> tuple[dict[str, Any], int]:
    """Return the /healthz body and its HTTP status (200 fresh, 503 stale)."""
    state = fresh.state or RefreshState()
    body = {
        "status": "stale" if fresh.stale else "ok",
        "snapshot_version": state.version,
        "as_of": state.as_of,
        "computed_at": state.computed_at,
        "age_s": None if fresh.age_s is None else round(fresh.age_s, 1),
        "last_error": state.last_error,
        "computing_since": state.computing_since,  # a new snapshot is being computed
        "refreshing": fresh.refreshing,  # … and still within its expected duration
        "last_duration_ms": state.duration_ms,
    }
    return body, 503 if fresh.stale else 200


def banner_text(fresh: Freshness, tz: dt.tzinfo) -> str | None:
    """Return the Chinese stale-data banner, or None when the data is fresh."""
    if not fresh.stale:
        return None
    if fresh.last_good_at is None:
        return "数据尚未就绪：正在等待首次数据刷新"
    local = fresh.last_good_at.astimezone(tz)
    return f"数据已过期：最后成功更新于 {local:%H:%M:%S}"
