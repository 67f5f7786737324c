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
from db.auth.court_bind import ALL_COURTS, CourtRefused
from db.org.courts import CourtNode, ancestors, court_tree, descendants, roots
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


INDENT = "\u3000"  # a full-width space per level below the top court shown


def _ordered(tree: dict[int, CourtNode], court_ids: frozenset[int] | None) -> list[tuple[int, int]]:
    """(court id, depth) in 辖区 order: from the installation's top courts, or (an admin of a
    court) from the courts it may see whose parent it may not."""
    tops = ([n.id for n in roots(tree)] if court_ids is None
            else [c for c in sorted(court_ids, key=lambda c: (tree[c].sort_order, c))
                  if c in tree and tree[c].parent_id not in court_ids])
    out: list[tuple[int, int]] = []
    for top in tops:
        base = len(ancestors(tree, top))
        out += [(c, len(ancestors(tree, c)) - base) for c in descendants(tree, top)
                if court_ids is None or c in court_ids]
    return out


def court_options(session: Session) -> list[dict[str, Any]]:
    """The courts the admin may give a user or token, indented by level (empty value: every
    court, offered only to an admin who is not bound to a court)."""
    who = authz.current()
    court_ids = who.court_ids if who is not None else frozenset()
    tree = court_tree(session)
    options = [] if court_ids is not None else [{"value": "", "label": ALL_COURTS}]
    return options + [{"value": cid, "label": INDENT * depth + tree[cid].name}
                      for cid, depth in _ordered(tree, court_ids)]


def court_value(raw: Any) -> int | None:
    """The form's 所属法院 value: an id, or None for every court."""
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ValueError(f"所属法院：“{raw}”不是有效的法院编号") from None


def refused(exc: CourtRefused, target: str) -> str:
    """Audit an admin's attempt outside its courts; the Chinese message to show."""
    authz.record("denied", target, exc.detail, outcome="denied")
    return str(exc)


def visible_court_ids() -> frozenset[int] | None:
    """The courts the admin manages (None: every court)."""
    who = authz.current()
    return who.court_ids if who is not None else frozenset()
