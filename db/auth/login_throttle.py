"""Sign-in throttling kept in the database, so every worker agrees.

After `max_failures` failed sign-ins for one username, or `max_ip_failures` from one address,
within `window`, further attempts are refused until `lockout` after the last of those failures.
The address limit is the higher one: many people behind one NAT address or proxy share it.
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
                 max_failures: int, window: dt.timedelta, lockout: dt.timedelta,
                 max_ip_failures: int | None = None) -> dt.datetime | None:
    """When the lock on this username or address ends, or None when not locked (naive UTC).

    `max_ip_failures` (default: `max_failures`) applies to the address; 0 or less turns a
    limit off."""
    limits = {"username": max_failures,
              "ip": max_failures if max_ip_failures is None else max_ip_failures}
    if max(limits.values()) <= 0:
        return None
    since = now - window - lockout
    rows = session.execute(
        select(LoginAttempt.username, LoginAttempt.ip, LoginAttempt.at)
        .where(LoginAttempt.ok.is_(False), LoginAttempt.at >= since,
               or_(LoginAttempt.username == username, LoginAttempt.ip == ip))
        .order_by(LoginAttempt.at)
    ).all()
    ends = [_locked_until([r.at for r in rows if getattr(r, key) == value], limits[key], window, lockout)
            for key, value in (("username", username), ("ip", ip)) if value and limits[key] > 0]
    future = [end for end in ends if end is not None and end > now]
    return max(future) if future else None


def note_attempt(session: Session, username: str, ip: str, ok: bool, now: dt.datetime,
                 keep: dt.timedelta = dt.timedelta(days=1)) -> None:
    """Record an attempt; a success clears the username's failures; rows older than `keep` go."""
    session.add(LoginAttempt(username=username[:64], ip=ip[:64], at=now, ok=ok))
    if ok:
        session.execute(delete(LoginAttempt).where(LoginAttempt.username == username,
                                                   LoginAttempt.ok.is_(False)))
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - keep))
    session.flush()
