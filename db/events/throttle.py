"""The event API's rate limit, kept in the database so every worker agrees.

A key (``source:<id>`` for a known source, ``ip:<address>`` for a caller without a valid token)
may make `limit` calls within `window`; a refused call is not counted. Rows older than the window
are deleted for the key on each counted call.

Exact per source: the caller locks the source's row first in the same transaction
(`sources.source_for_token`), so concurrent calls of one source queue on that row lock
(PostgreSQL, MariaDB) or on the database's write lock (SQLite). Callers without a valid token have no such
row: under a burst from one address on several workers a few calls more may pass.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from db.models.events import EventApiCall


def take(session: Session, key: str, now: dt.datetime, *, limit: int,
         window: dt.timedelta) -> dt.datetime | None:
    """Count this call and return None, or refuse it: return when the key may call again (naive
    UTC). `limit` ≤ 0 turns the limit off. The caller commits."""
    if limit <= 0:
        return None
    key = key[:80]
    since = now - window
    count = session.scalar(
        select(func.count()).where(EventApiCall.key == key, EventApiCall.at > since)) or 0
    if count >= limit:  # free again when enough of the counted calls have left the window
        freed = session.scalars(
            select(EventApiCall.at).where(EventApiCall.key == key, EventApiCall.at > since)
            .order_by(EventApiCall.at).offset(count - limit).limit(1)).first()
        return (freed or now) + window
    session.execute(delete(EventApiCall).where(EventApiCall.key == key, EventApiCall.at <= since))
    session.add(EventApiCall(key=key, at=now))
    session.flush()
    return None
