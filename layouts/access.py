"""Which role may open which page: the page-access registry (data, no Flask, no SQL).

Every page path, export route and callback belongs to one rule. The server enforces the rules for
page requests, for `/_dash-update-component` (by the callback's output IDs) and for exports
(`dashboard/guard.py`); the navigation and the home cards show only what `may_open` allows.
A rule only says whether a role may open the page at all; which team, officer or case it may see
there is the scope check inside the page's data functions (`callbacks/authz.py`).
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import unquote

from db.auth.access import (
    ADMIN,
    ANSWER_SUPERVISION,
    EXPORT,
    IMPORT_DATA,
    ISSUE_SUPERVISION,
    TRIAGE,
    VIEW_CASES,
    VIEW_COURT,
    VIEW_OWN,
    VIEW_TEAM,
    WALL,
    Principal,
)

SIGNED_IN = "signed_in"  # pseudo-permission: any signed-in principal
DESK = frozenset({VIEW_COURT, VIEW_TEAM, VIEW_OWN})


@dataclass(frozen=True)
class PageRule:
    """A path template (`/team/<team_id>`), the permissions of which one is enough, and the
    prefixes of the component IDs whose callbacks serve that page."""

    key: str
    path: str
    any_of: frozenset[str]
    label: str
    id_prefixes: tuple[str, ...] = ()
    # settings every court of the installation shares: only an admin of the top court (or of
    # no court) may open them; a basic court's admin would change its neighbours' rules
    installation: bool = False

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile("^" + re.sub(r"<[^>/]+>", "[^/]+", re.escape(self.path)) + "/?$")


def _rule(key: str, path: str, perms: set[str] | frozenset[str], label: str, *prefixes: str) -> PageRule:
    return PageRule(key, path, frozenset(perms), label, prefixes)


def _shared(key: str, path: str, perms: set[str] | frozenset[str], label: str, *prefixes: str) -> PageRule:
    return PageRule(key, path, frozenset(perms), label, prefixes, installation=True)


# The registry. A callback whose outputs match none of these prefixes is refused (test_access
# checks that every callback of the app is covered).
PAGE_RULES: tuple[PageRule, ...] = (
    _rule("home", "/", DESK | {ADMIN}, "首页", "home-"),
    _rule("wall", "/wall", {WALL}, "指挥中心大屏", "wall-"),
    _rule("analysis", "/analysis", DESK, "会商分析", "analysis-"),
    # 会议模式: the court's levels for 领导/指挥中心/管理员, a 团队长's own team (scope in meeting_data.py)
    _rule("meeting", "/meeting", {VIEW_COURT, VIEW_TEAM}, "会议模式", "meeting-"),
    _rule("center", "/center", {VIEW_COURT}, "指挥中心", "center-"),
    _rule("region", "/region", {VIEW_COURT}, "辖区法院排名", "region-"),
    _rule("team", "/team/<team_id>", {VIEW_COURT, VIEW_TEAM}, "团队工作台", "team-"),
    _rule("officer", "/officer/<officer_id>", DESK, "承办人", "officer-"),
    _rule("cases", "/cases", {VIEW_CASES}, "案件清单", "cases-"),
    _rule("case", "/case/<case_id>", {VIEW_CASES}, "案件详情", "case-"),
    _rule("supervision", "/supervision", {ISSUE_SUPERVISION, ANSWER_SUPERVISION}, "督办", "supervision-"),
    _rule("campaigns", "/campaigns", {VIEW_COURT}, "专项行动", "campaigns-"),
    _rule("campaign", "/campaigns/<campaign_id>", {VIEW_COURT}, "专项行动详情", "campaign-"),
    _rule("triage", "/triage", {TRIAGE}, "分流台", "triage-"),
    _rule("admin_users", "/admin/users", {ADMIN}, "用户管理", "admin-users-"),
    _rule("admin_tokens", "/admin/tokens", {ADMIN}, "大屏令牌", "admin-tokens-"),
    _rule("admin_audit", "/admin/audit", {ADMIN}, "审计日志", "admin-audit-"),
    _rule("admin_import", "/admin/import", {IMPORT_DATA}, "数据导入", "admin-import-"),
    _shared("admin_sources", "/admin/sources", {ADMIN}, "事件接口", "admin-sources-"),
    _shared("admin_rules", "/admin/rules", {ADMIN}, "规则设置", "admin-rules-", "rules-"),
    _shared("admin_check", "/admin/check", {ADMIN}, "数字核对", "admin-check-"),
    _shared("admin_triage_rules", "/admin/triage-rules", {ADMIN}, "分流规则", "admin-triage-"),
    _rule("export_analysis", "/export/analysis.xlsx", {EXPORT}, "导出会商分析"),
    _rule("export_cases", "/export/cases.xlsx", {EXPORT}, "导出案件清单"),
    _rule("export_supervision", "/export/supervision.xlsx", {ISSUE_SUPERVISION, ANSWER_SUPERVISION}, "导出督办清单"),
    _rule("export_audit", "/export/audit.xlsx", {ADMIN}, "导出审计日志"),
    _rule("export_campaign", "/export/campaign/<campaign_id>.xlsx", {VIEW_COURT}, "导出专项行动战报"),
    _rule("campaign_report", "/export/campaign/<campaign_id>/report", {VIEW_COURT}, "专项行动战报"),
    _rule("import_template", "/export/import-template.xlsx", {IMPORT_DATA}, "下载导入模板"),
    _rule("import_rejects", "/export/import-rejects.xlsx", {IMPORT_DATA}, "下载问题行工作簿"),
)
RULES_BY_KEY = {r.key: r for r in PAGE_RULES}

# Callbacks every signed-in page has (navigation, freshness poll, Dash's page router); the
# router's own check is on the path it is asked to render.
SHELL_PREFIXES = ("shell-", "url", "_pages_")


def normalize(path: str) -> str:
    """A path as a router might read it: query dropped, %-escapes decoded, repeated slashes, `.`
    and `..` resolved, lower case (so `//Admin/./users/` is judged as `/admin/users`)."""
    text = unquote(str(path or "").split("?", 1)[0]).lower()
    return posixpath.normpath("/" + re.sub(r"/+", "/", text).lstrip("/"))


def rule_for_path(path: str) -> PageRule | None:
    """The rule of a URL path (see `normalize`), or None for a path no page serves."""
    clean = normalize(path)
    return next((r for r in PAGE_RULES if r.pattern.match(clean)), None)


def rule_for_component(component_id: str) -> PageRule | None:
    """The rule of the page a component ID belongs to (longest prefix wins)."""
    best: tuple[int, PageRule] | None = None
    for rule in PAGE_RULES:
        for prefix in rule.id_prefixes:
            if component_id.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), rule)
    return best[1] if best else None


def allows(principal: Principal | None, rule: PageRule) -> bool:
    if principal is None:
        return False
    if rule.installation and not principal.installation_wide:
        return False
    return SIGNED_IN in rule.any_of or any(principal.can(p) for p in rule.any_of)


def may_open(principal: Principal | None, path: str) -> bool:
    """Whether the principal may open this path at all (unknown paths: any signed-in principal)."""
    rule = rule_for_path(path)
    return principal is not None if rule is None else allows(principal, rule)


def landing_path(principal: Principal | None) -> str:
    """Where a principal starts: the wall screen for a wall token, else the start page."""
    if principal is not None and not may_open(principal, "/") and may_open(principal, "/wall"):
        return "/wall"
    return "/"
