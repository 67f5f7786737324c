"""Page layouts: pure functions that return components and never touch the database."""
from __future__ import annotations

import dash

from layouts import shell, wall
from layouts.admin import audit as admin_audit
from layouts.admin import check as admin_check
from layouts.admin import imports as admin_import
from layouts.admin import rules as admin_rules
from layouts.admin import sources as admin_sources
from layouts.admin import tokens as admin_tokens
from layouts.admin import triage_rules as admin_triage_rules
from layouts.admin import users as admin_users
from layouts.desk import (
    analysis,
    campaign,
    campaigns,
    case,
    cases,
    center,
    meeting,
    officer,
    region,
    supervision,
    team,
    triage,
)
from layouts.start import home, not_found

__all__ = ["known_path", "register_pages", "shell"]

# (module name, path, Chinese title, layout, shown in the navigation)
PAGES = (
    ("home", "/", "首页", home.layout, True),
    ("wall", "/wall", "指挥中心大屏", wall.frozen_layout, True),  # no data: built once per URL
    ("analysis", "/analysis", "会商分析", analysis.layout, True),
    ("meeting", "/meeting", "会议模式", meeting.layout, True),
    ("center", "/center", "指挥中心", center.layout, True),
    ("region", "/region", "辖区法院排名", region.layout, False),  # in the court switcher
    ("team", "/team/<team_id>", "团队工作台", team.layout, False),
    ("officer", "/officer/<officer_id>", "承办人", officer.layout, False),
    ("cases", "/cases", "案件清单", cases.layout, False),
    ("case", "/case/<case_id>", "案件详情", case.layout, False),
    ("admin_users", "/admin/users", "用户管理", admin_users.layout, True),
    ("admin_tokens", "/admin/tokens", "大屏令牌", admin_tokens.layout, False),
    ("admin_audit", "/admin/audit", "审计日志", admin_audit.layout, False),
    ("admin_import", "/admin/import", "数据导入", admin_import.layout, True),
    ("admin_sources", "/admin/sources", "事件接口", admin_sources.layout, False),
    ("supervision", "/supervision", "督办", supervision.layout, True),
    ("campaigns", "/campaigns", "专项行动", campaigns.layout, True),
    ("campaign", "/campaigns/<campaign_id>", "专项行动详情", campaign.layout, False),
    ("triage", "/triage", "分流台", triage.layout, True),
    ("admin_rules", "/admin/rules", "节点规则", admin_rules.layout, True),
    ("admin_check", "/admin/check", "数字核对", admin_check.layout, False),
    ("admin_triage_rules", "/admin/triage-rules", "分流规则", admin_triage_rules.layout, False),
)


def register_pages() -> None:
    """Register every page with Dash; call after Dash(...) is created."""
    for order, (name, path, title, layout, nav) in enumerate(PAGES):
        where = {"path_template": path} if "<" in path else {"path": path}
        dash.register_page(name, **where, title=f"{title} · 执行指挥中心质效看板", name=title, order=order,
                           layout=layout, nav=nav)
    # Dash shows the page named not_found_404 for a path no page matches (instead of its English 404)
    dash.register_page("not_found_404", path="/404", title=f"{not_found.TITLE} · 执行指挥中心质效看板",
                       name=not_found.TITLE, layout=not_found.layout, nav=False)


def known_path(path: str) -> bool:
    """Whether a page of PAGES answers this path (templates match one non-empty segment per variable)."""
    parts = path.strip("/").split("/")
    for _name, template, *_rest in PAGES:
        segments = template.strip("/").split("/")
        if len(segments) == len(parts) and all(
                (s.startswith("<") and p) or s == p for s, p in zip(segments, parts, strict=True)):
            return True
    return False
