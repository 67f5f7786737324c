"""The indicator history: values of published snapshots, appended with a retention window."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from db.models import DataState, IndicatorHistory
from db.session import affected

# Court and team scopes of these periods are kept; officers would multiply the rows ~10×.
HISTORY_PERIODS = ("ytd", "mtd")


def _number(item: Any) -> float | None:
    """The engine gives values as decimal strings ("81.21"); None when undefined."""
    value = item.get("value") if isinstance(item, dict) else item
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def history_rows(snapshot: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Yield one row per (period, court/team scope, indicator) of a snapshot."""
    for period in HISTORY_PERIODS:
        view = snapshot.get("views", {}).get(period) or {}
        scopes = ([view["court"]] if view.get("court") else []) + list(view.get("teams", []))
        for result in scopes:
            for key, item in (result.get("indicators") or {}).items():
                yield {"period": period, "scope": result["scope"], "scope_id": result["id"],
                       "key": key, "value": _number(item)}


def append_history(session: Session, snapshot: dict[str, Any], computed_at: dt.datetime) -> int:
    """Insert the snapshot's court and team values; return the number of rows."""
    rows = [dict(r, snapshot_version=snapshot["version"], computed_at=computed_at)
            for r in history_rows(snapshot)]
    if rows:
        session.execute(insert(IndicatorHistory), rows)
    return len(rows)


def prune_history(session: Session, now: dt.datetime, keep_days: int) -> int:
    """Delete rows older than `keep_days`; return how many went."""
    cutoff = now - dt.timedelta(days=keep_days)
    result = session.execute(delete(IndicatorHistory).where(IndicatorHistory.computed_at < cutoff))
    return affected(result)


def last_history_at(session: Session) -> dt.datetime | None:
    """Return when history was last appended (None when empty)."""
    return session.scalar(select(func.max(IndicatorHistory.computed_at)))


VERSION_KEY = "snapshot_version"


def last_version(session: Session) -> int:
    """Return the last published snapshot version kept in the database (0 when none).

    Kept beside the cache so versions stay monotonic when the cache is flushed.
    """
    stored = session.scalar(select(DataState.version).where(DataState.key == VERSION_KEY))
    return stored or 0


def record_version(session: Session, version: int, now: dt.datetime) -> None:
    """Remember `version` as the last published one."""
    done = affected(session.execute(update(DataState).where(DataState.key == VERSION_KEY)
                                    .values(version=version, changed_at=now)))
    if not done:
        session.add(DataState(key=VERSION_KEY, version=version, changed_at=now))


def series(session: Session, *, scope: str, scope_id: int, key: str, period: str = "ytd",
           since: dt.datetime | None = None) -> list[tuple[str, float | None]]:
    """Return (computed_at ISO, value) pairs of one indicator, oldest first."""
    stmt = (select(IndicatorHistory.computed_at, IndicatorHistory.value)
            .where(IndicatorHistory.scope == scope, IndicatorHistory.scope_id == scope_id,
                   IndicatorHistory.key == key, IndicatorHistory.period == period)
            .order_by(IndicatorHistory.computed_at))
    if since is not None:
        stmt = stmt.where(IndicatorHistory.computed_at >= since)
    return [(at.isoformat(), value) for at, value in session.execute(stmt)]
