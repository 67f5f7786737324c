"""Authorization inside callbacks and exports: the request's scope, refusals and their audit entries.

`dashboard/guard.py` refuses whole pages and callbacks by permission (`layouts/access.py`); the
functions here refuse a particular team, officer or case outside the principal's scope. A refusal
raises `Denied` (a ParamError, so every page shows its Chinese message in its error box and no
data) after writing an audit entry with action "denied".
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask import g, has_request_context, request
from flask import session as flask_session

from callbacks.context import app_context
from callbacks.desk.params import ParamError
from db.auth import audit
from db.auth.access import (
    Principal,
    Scope,
    may_see_case,
    may_see_court,
    may_see_officer,
    may_see_team,
    scope_of,
)
from db.org.courts import court_tree
from db.queries.holders import case_holder, officer_court, officer_team, team_court
from layouts.access import normalize

log = logging.getLogger(__name__)
NO_ACCESS = "无权查看"


class Denied(ParamError):
    """The principal may not see what the request asks for (already written to the audit log)."""


def current() -> Principal | None:
    """The request's principal; None outside a request or when nobody is signed in."""
    return g.get("principal") if has_request_context() else None


def scope() -> Scope:
    return scope_of(current())


def client_ip() -> str:
    return (request.remote_addr or "") if has_request_context() else ""


def record(action: str, target: str = "", detail: str = "", outcome: str = "ok") -> None:
    """Write one audit entry for the current principal in its own short transaction."""
    who = current()
    try:
        with app_context().sessions() as session:
            audit.record(session, actor=who, action=action, target=target[:256], detail=detail,
                         ip=client_ip(), outcome=outcome)
            session.commit()
    except Exception:  # noqa: BLE001 - the refusal itself must still happen
        log.exception("audit entry %s %s could not be written", action, target)


def deny(target: str, detail: str = "") -> Denied:
    """Audit a refusal and return the exception to raise: `raise deny("团队 3")`."""
    record("denied", target, detail, outcome="denied")
    return Denied(f"{NO_ACCESS}：{target}不在您的权限范围内")


def _restricted() -> bool:
    """Whether the principal's whole-court scope is limited to some courts (a 辖区 user), so a
    team's, officer's or case's court must be looked up before it is shown."""
    who = current()
    return who is not None and who.court_ids is not None


def _lookup(fn: Callable[..., int | None], key: int) -> int | None:
    with app_context().sessions() as db:
        return fn(db, key)


def team_visible(team_id: int) -> bool:
    """may_see_team with the team's court looked up when the principal's courts are limited."""
    court = _lookup(team_court, team_id) if _restricted() else None
    return may_see_team(current(), team_id, court)


def require_team(team_id: int) -> None:
    if not team_visible(team_id):
        raise deny(f"团队 {team_id}")


def require_officer(officer_id: int, officer_team_id: int | None) -> None:
    court = _lookup(officer_court, officer_id) if _restricted() else None
    if not may_see_officer(current(), officer_id, officer_team_id, court):
        raise deny(f"承办人 {officer_id}")


def require_case(case_id: int, team_id: int | None, officer_id: int | None,
                 court_id: int | None = None) -> None:
    if court_id is None and _restricted():
        holder = _lookup(lambda db, cid: (case_holder(db, cid) or (None, None, None))[2], case_id)
        court_id = holder
    if not may_see_case(current(), team_id, officer_id, court_id):
        raise deny(f"案件 {case_id}")


COURT_KEY = "court"  # the Flask session's selected court (set by /court/<code>)


def visible_courts() -> list[int] | None:
    """The courts the principal may see, in 辖区 order; None: every court (unrestricted)."""
    who = current()
    return None if who is None or who.court_ids is None else sorted(who.court_ids)


def current_court_id() -> int | None:
    """The court the desk pages show: the one chosen with /court/<code> when the principal may
    see it, else the principal's own court; None: the installation's court (the setting)."""
    who = current()
    chosen = flask_session.get(COURT_KEY) if has_request_context() else None
    if isinstance(chosen, int) and may_see_court(who, chosen):
        return chosen
    return who.court_id if who is not None else None


def require_court(court_id: int | None = None) -> None:
    """Whole-court data of `court_id` (default: the court the pages show)."""
    court = court_id if court_id is not None else current_court_id()
    if not scope().sees_court(court):
        raise deny("全院数据")


def court_nodes() -> dict:
    """The court tree (db.org.courts.court_tree), read in a short session."""
    with app_context().sessions() as db:
        return court_tree(db)


def require_permission(permission: str, target: str) -> None:
    who = current()
    if who is None or not who.can(permission):
        raise deny(target)


def _path_id(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


def _team_path(raw: str) -> str | None:
    team_id = _path_id(raw)
    return None if team_id is None or team_visible(team_id) else f"团队 {team_id}"


def _officer_path(raw: str) -> str | None:
    officer_id = _path_id(raw)
    if officer_id is None:
        return None
    with app_context().sessions() as session:
        exists, team_id = officer_team(session, officer_id)
        court = officer_court(session, officer_id) if _restricted() else None
    return (None if not exists or may_see_officer(current(), officer_id, team_id, court)
            else f"承办人 {officer_id}")


def _case_path(raw: str) -> str | None:
    case_id = _path_id(raw)
    if case_id is None:
        return None
    with app_context().sessions() as session:
        holder = case_holder(session, case_id)
    return None if holder is None or may_see_case(current(), *holder) else f"案件 {case_id}"


# Pages whose path names one entity: (path prefix, check) — the check returns what is refused.
PATH_CHECKS: dict[str, Callable[[str], str | None]] = {
    "/team/": _team_path, "/officer/": _officer_path, "/case/": _case_path,
}


def may_open(path: str) -> bool:
    """Whether the principal may open a page path; no audit entry (used to hide links, not to refuse)."""
    return path_refusal(path) is None


def path_refusal(path: str) -> str | None:
    """What a page path names outside the principal's scope, or None (malformed or unknown ids
    are left to the page, which says so in Chinese)."""
    path = normalize(path)
    for prefix, check in PATH_CHECKS.items():
        if path.startswith(prefix):
            return check(path[len(prefix):].strip("/"))
    return None
