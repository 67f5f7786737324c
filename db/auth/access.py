"""Who is asking, and what they may see: roles as data, the signed-in principal, scope checks.

This module is the contract between sign-in (dashboard/auth), the callbacks and exports that enforce
scope, and the 督办 actions that record who acted. It holds no Flask and no SQL: callbacks read the
current principal with `callbacks.context.principal()`; queries narrow themselves with `scope_of`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# permission keys (checked with Principal.can)
VIEW_COURT = "view_court"  # every team and officer of the court
VIEW_TEAM = "view_team"  # the principal's own team
VIEW_OWN = "view_own"  # the principal's own cases and indicators
VIEW_CASES = "view_cases"  # case lists and the case page (within scope)
EXPORT = "export"  # .xlsx exports (within scope)
ISSUE_SUPERVISION = "issue_supervision"  # 下发/办结 督办
ANSWER_SUPERVISION = "answer_supervision"  # 反馈 督办 addressed to oneself (or one's team)
ADMIN = "admin"  # users, wall tokens, rules, imports, audit log
WALL = "wall"  # the video wall only (snapshot figures, masked)
IMPORT_DATA = "import_data"  # the 数据导入 page: upload, confirm and undo imports
MANAGE_CAMPAIGNS = "manage_campaigns"  # launch, edit and end 专项行动
TRIAGE = "triage"  # the 分流台: confirm/override 繁简分流, 分案, 转繁/转简


@dataclass(frozen=True)
class Role:
    key: str
    label: str  # Chinese name shown in the UI
    permissions: frozenset[str]
    description: str = ""


def _role(key: str, label: str, perms: set[str], description: str) -> Role:
    return Role(key, label, frozenset(perms), description)


# The registry: one place that says what each role may do.
ROLES: dict[str, Role] = {r.key: r for r in (
    _role("admin", "管理员", {VIEW_COURT, VIEW_CASES, EXPORT, ADMIN, IMPORT_DATA, WALL, MANAGE_CAMPAIGNS, TRIAGE},
          "用户、大屏令牌、规则、导入与审计日志"),
    _role("center", "指挥中心", {VIEW_COURT, VIEW_CASES, EXPORT, ISSUE_SUPERVISION, ANSWER_SUPERVISION, WALL,
                                 MANAGE_CAMPAIGNS, TRIAGE},
          "全院数据，下发与办结督办，繁简分流与分案，专项行动"),
    _role("lead", "团队长", {VIEW_TEAM, VIEW_CASES, EXPORT, ANSWER_SUPERVISION, WALL},
          "本团队的数据与案件，反馈督办"),
    _role("officer", "承办人", {VIEW_OWN, VIEW_CASES, EXPORT, ANSWER_SUPERVISION},
          "本人承办的案件与本人指标，反馈督办"),
    _role("leader", "领导", {VIEW_COURT, VIEW_CASES, EXPORT, WALL}, "全院数据，只读"),
    _role("wall", "大屏", {WALL}, "大屏显示终端：只读、无案件清单、当事人脱敏"),
)}


# Permissions a deployment adds to roles by setting (DASHBOARD_IMPORT_CENTER gives 指挥中心
# IMPORT_DATA); `configure_grants` (create_app) replaces them as a whole, so an app built with
# other settings in the same process starts from its own.
_GRANTS: dict[str, frozenset[str]] = {}
CONFIGURABLE = frozenset({IMPORT_DATA})


def configure_grants(grants: dict[str, set[str] | frozenset[str]]) -> None:
    """Set the extra permissions per role key; only CONFIGURABLE permissions may be granted."""
    for role, perms in grants.items():
        if role not in ROLES or not set(perms) <= CONFIGURABLE:
            raise ValueError(f"不能给角色“{role}”追加权限 {sorted(perms)}")
    _GRANTS.clear()
    _GRANTS.update({role: frozenset(perms) for role, perms in grants.items()})


@dataclass(frozen=True)
class Principal:
    """The signed-in user (or wall screen) of the current request."""

    user_id: int | None
    username: str
    display_name: str
    role: str
    team_id: int | None = None
    officer_id: int | None = None
    screen: str | None = None  # wall token's screen name, for role "wall"
    extra: dict = field(default_factory=dict, compare=False, hash=False)
    # the court the user or wall token belongs to, and the courts it may see (that court and the
    # courts below it: db.org.courts.subtree_ids); None: every court of the installation
    court_id: int | None = None
    court_ids: frozenset[int] | None = None
    # the court is the top of the installation's court tree (a 中院 installation's 中院): its
    # admin may change what every court shares (rules, 分流规则, event sources, figure check)
    top_court: bool = False

    @property
    def installation_wide(self) -> bool:
        """Sees every court of the installation: no court, or the top court."""
        return self.court_id is None or self.top_court

    def can(self, permission: str) -> bool:
        role = ROLES.get(self.role)
        return role is not None and (permission in role.permissions
                                     or permission in _GRANTS.get(self.role, ()))

    @property
    def role_label(self) -> str:
        role = ROLES.get(self.role)
        return role.label if role else self.role


@dataclass(frozen=True)
class Scope:
    """What a principal may see: whole courts, one team, or one officer; empty means nothing.

    `court` is the whole-court scope; `court_ids` narrows it to the principal's courts (its own
    and those below it); None there means every court of the installation."""

    court: bool = False
    team_id: int | None = None
    officer_id: int | None = None
    court_ids: frozenset[int] | None = None

    @property
    def empty(self) -> bool:
        return not self.court and self.team_id is None and self.officer_id is None

    def sees_court(self, court_id: int | None) -> bool:
        """Whole-court scope over `court_id` (a court outside the principal's 辖区 is refused;
        with a restricted scope an unknown court is refused too)."""
        if not self.court:
            return False
        return self.court_ids is None or (court_id is not None and court_id in self.court_ids)


def scope_of(principal: Principal | None) -> Scope:
    """The data scope of a principal; an unknown or missing principal sees nothing."""
    if principal is None:
        return Scope()
    if principal.can(VIEW_COURT):
        return Scope(court=True, court_ids=principal.court_ids)
    if principal.can(VIEW_TEAM) and principal.team_id is not None:
        return Scope(team_id=principal.team_id)
    if principal.can(VIEW_OWN) and principal.officer_id is not None:
        return Scope(officer_id=principal.officer_id)
    return Scope()


def may_see_court(principal: Principal | None, court_id: int | None) -> bool:
    """The whole-court figures of `court_id` (辖区 users: their court and the courts below it)."""
    return scope_of(principal).sees_court(court_id)


def may_see_team(principal: Principal | None, team_id: int, court_id: int | None = None) -> bool:
    """`court_id` is the team's court: a court-wide principal restricted to some courts (a 中院's
    user) sees a team only when its court is one of them, and never without knowing it."""
    scope = scope_of(principal)
    return scope.sees_court(court_id) or scope.team_id == team_id


def may_see_officer(principal: Principal | None, officer_id: int, officer_team_id: int | None,
                    court_id: int | None = None) -> bool:
    scope = scope_of(principal)
    return (scope.sees_court(court_id) or (scope.team_id is not None and scope.team_id == officer_team_id)
            or scope.officer_id == officer_id)


def may_see_case(principal: Principal | None, team_id: int | None, officer_id: int | None,
                 court_id: int | None = None) -> bool:
    """A case is in scope when its court is (court-wide roles), or its team or its 承办人 is (the
    case row's current team and officer)."""
    scope = scope_of(principal)
    return (scope.sees_court(court_id) or (scope.team_id is not None and scope.team_id == team_id)
            or (scope.officer_id is not None and scope.officer_id == officer_id))
