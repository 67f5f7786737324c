"""Is the current snapshot fresh? Shared by /healthz and the shell's stale banner."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from db.snapshot.store import RefreshState, parse_iso

STALE_AFTER_INTERVALS = 3


@dataclass(frozen=True)
class Freshness:
    stale: bool
    age_s: float | None  # seconds since the snapshot was last confirmed current
    last_good_at: dt.datetime | None
    state: RefreshState | None


def assess(state: RefreshState | None, now: dt.datetime, interval_s: float) -> Freshness:
    """Stale when there is no snapshot, the last refresh failed, or no check for 3 intervals."""
    if state is None or state.version is None:
        return Freshness(True, None, None, state)
    checked = parse_iso(state.checked_at)
    age = (now - checked).total_seconds() if checked else None
    too_old = age is None or age > STALE_AFTER_INTERVALS * interval_s
    return Freshness(too_old or state.status != "ok", age, checked, state)


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
