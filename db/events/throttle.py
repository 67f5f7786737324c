"""The event API's rate limit, kept in the database so every worker agrees.

A key (``source:<id>`` for a known source, ``ip:<address>`` for a caller without a valid token)
may make `limit` calls within `window`; a refused call is not counted. Each counted call also
deletes up to `PRUNE` rows that have left the window, of any key: addresses that called once and
never again (every caller without a valid token has its own key) leave nothing behind. The rows
are deleted by id in id order, so concurrent calls lock them in the same order.

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

PRUNE = 500  # rows out of the window deleted per counted call


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
    stale = session.scalars(select(EventApiCall.id).where(EventApiCall.at <= since)
                            .order_by(EventApiCall.id).limit(PRUNE)).all()
    if stale:
        session.execute(delete(EventApiCall).where(EventApiCall.id.in_(stale)))
    session.add(EventApiCall(key=key, at=now))
    session.flush()
    return None
