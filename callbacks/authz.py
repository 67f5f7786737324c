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

from callbacks.context import app_context
from callbacks.desk.params import ParamError
from db.auth import audit
from db.auth.access import (
    Principal,
    Scope,
    may_see_case,
    may_see_officer,
    may_see_team,
    scope_of,
)
from db.queries.holders import case_holder, officer_team
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


def require_team(team_id: int) -> None:
    if not may_see_team(current(), team_id):
        raise deny(f"团队 {team_id}")


def require_officer(officer_id: int, officer_team_id: int | None) -> None:
    if not may_see_officer(current(), officer_id, officer_team_id):
        raise deny(f"承办人 {officer_id}")


def require_case(case_id: int, team_id: int | None, officer_id: int | None) -> None:
    if not may_see_case(current(), team_id, officer_id):
        raise deny(f"案件 {case_id}")


def require_court() -> None:
    if not scope().court:
        raise deny("全院数据")


def require_permission(permission: str, target: str) -> None:
    who = current()
    if who is None or not who.can(permission):
        raise deny(target)


def _path_id(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


def _team_path(raw: str) -> str | None:
    team_id = _path_id(raw)
    return None if team_id is None or may_see_team(current(), team_id) else f"团队 {team_id}"


def _officer_path(raw: str) -> str | None:
    officer_id = _path_id(raw)
    if officer_id is None:
        return None
    with app_context().sessions() as session:
        exists, team_id = officer_team(session, officer_id)
    return None if not exists or may_see_officer(current(), officer_id, team_id) else f"承办人 {officer_id}"


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
