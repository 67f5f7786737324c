"""Who may do what with a 督办: the permission of each action, and whether an order is addressed
to the principal. Pure functions over `db.auth.access.Principal`; callbacks call `refusal` before acting.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from db.auth.access import (
    ANSWER_SUPERVISION,
    ISSUE_SUPERVISION,
    VIEW_TEAM,
    Principal,
    scope_of,
)

# action → (permission, Chinese verb)
ACTIONS: dict[str, tuple[str, str]] = {
    "issue": (ISSUE_SUPERVISION, "下发督办"),
    "answer": (ANSWER_SUPERVISION, "反馈督办"),
    "close": (ISSUE_SUPERVISION, "办结督办"),
    "send_back": (ISSUE_SUPERVISION, "退回督办"),
}


def addressed_to(principal: Principal, order: Mapping[str, Any]) -> bool:
    """True when the order must be answered by this principal: their own officer, or their team
    (a 团队长 answers for the whole team; an officer also for team orders that name no officer)."""
    if principal.officer_id is not None and order.get("officer_id") == principal.officer_id:
        return True
    if principal.team_id is None or order.get("team_id") != principal.team_id:
        return False
    return principal.can(VIEW_TEAM) or order.get("officer_id") is None


def may_view(principal: Principal | None, order: Mapping[str, Any]) -> bool:
    """An order is visible when it lies in the principal's data scope (a 辖区 user's: when the
    order's court, `order["court_id"]`, is one of its courts)."""
    scope = scope_of(principal)
    return (scope.sees_court(order.get("court_id"))
            or (scope.team_id is not None and scope.team_id == order.get("team_id"))
            or (scope.officer_id is not None and scope.officer_id == order.get("officer_id")))


def refusal(principal: Principal | None, action: str, order: Mapping[str, Any] | None = None) -> str | None:
    """None when `principal` may do `action` (to `order`), else the Chinese reason it may not."""
    if action not in ACTIONS:
        return f"未知的督办操作“{action}”"
    permission, verb = ACTIONS[action]
    if principal is None:
        return f"请先登录后再{verb}"
    if not principal.can(permission):
        return f"无权{verb}：角色“{principal.role_label}”没有此权限"
    if action == "answer" and order is not None and not principal.can(ISSUE_SUPERVISION) \
            and not addressed_to(principal, order):
        return f"无权{verb}：督办 {order.get('id')} 不是下发给您或您所在团队的"
    return None
