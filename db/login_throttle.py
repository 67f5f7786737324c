"""Sign-in throttling kept in the database, so every worker agrees.

After `max_failures` failed sign-ins for one username, or from one address, within `window`,
further attempts are refused until `lockout` after the last of those failures.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from db.models.auth import LoginAttempt


def _locked_until(times: list[dt.datetime], max_failures: int, window: dt.timedelta,
                  lockout: dt.timedelta) -> dt.datetime | None:
    """Latest end of a lockout started by `max_failures` failures within `window` (times sorted)."""
    until = None
    for i in range(max_failures - 1, len(times)):
        if times[i] - times[i - max_failures + 1] <= window:
            until = times[i] + lockout
    return until


def locked_until(session: Session, username: str, ip: str, now: dt.datetime, *,
                 max_failures: int, window: dt.timedelta, lockout: dt.timedelta) -> dt.datetime | None:
    """When the lock on this username or address ends, or None when not locked (naive UTC)."""
    if max_failures <= 0:
        return None
    since = now - window - lockout
    rows = session.execute(
        select(LoginAttempt.username, LoginAttempt.ip, LoginAttempt.at)
        .where(LoginAttempt.ok.is_(False), LoginAttempt.at >= since,
               or_(LoginAttempt.username == username, LoginAttempt.ip == ip))
        .order_by(LoginAttempt.at)
    ).all()
    ends = [_locked_until([r.at for r in rows if getattr(r, key) == value], max_failures, window, lockout)
            for key, value in (("username", username), ("ip", ip)) if value]
    ends = [end for end in ends if end is not None and end > now]
    return max(ends) if ends else None


def note_attempt(session: Session, username: str, ip: str, ok: bool, now: dt.datetime,
                 keep: dt.timedelta = dt.timedelta(days=1)) -> None:
    """Record an attempt; a success clears the username's failures; rows older than `keep` go."""
    session.add(LoginAttempt(username=username[:64], ip=ip[:64], at=now, ok=ok))
    if ok:
        session.execute(delete(LoginAttempt).where(LoginAttempt.username == username,
                                                   LoginAttempt.ok.is_(False)))
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - keep))
    session.flush()
