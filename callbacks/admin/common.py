"""What the admin callbacks share: the ADMIN check, a committing session, local times."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from callbacks import authz
from callbacks.context import app_context
from db.auth.access import ADMIN
from db.session import session_scope

T = TypeVar("T")


def require_admin(what: str) -> None:
    """Refuse (audited) unless the principal holds ADMIN; the guard has refused already, this
    keeps the admin callbacks safe even if they are ever wired elsewhere."""
    authz.require_permission(ADMIN, what)


@contextmanager
def writing() -> Iterator[Session]:
    """A session that commits the change and its audit entry together, or neither. Afterwards this
    process re-reads sign-in states at once (a disabled user's or revoked token's sessions end now)."""
    with session_scope(app_context().sessions) as session:
        yield session
    recheck = app_context().extras.get("auth_recheck")
    if recheck is not None:
        recheck.clear()


def reading(fn: Callable[[Session], T]) -> T:
    with app_context().sessions() as session:
        return fn(session)


def zone() -> ZoneInfo:
    return ZoneInfo(app_context().settings.get("TIMEZONE") or "Asia/Shanghai")


def local(moment: dt.datetime | None) -> str:
    """A stored naive-UTC timestamp as 'YYYY-MM-DD HH:MM:SS' in the court's zone."""
    if moment is None:
        return ""
    return moment.replace(tzinfo=dt.UTC).astimezone(zone()).strftime("%Y-%m-%d %H:%M:%S")


def with_local_times(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    return [r | {k: local(r[k]) for k in keys if isinstance(r.get(k), dt.datetime)} for r in rows]
