"""Start page: which court is loaded, a few headline counts, and where each part of the product lives."""
from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import dash
from dash import dcc, html

from layouts import ids
from layouts.table import table


@dataclass(frozen=True)
class Section:
    """One entry card: link, title, one-line purpose, glyph, and the page that must exist."""

    key: str
    href: str
    title: str
    text: str
    audience: str
    glyph: str
    page: str | None = None  # Dash path template that serves it; None: a plain Flask route


SECTIONS: tuple[Section, ...] = (
    Section("wall", "/wall?kiosk=1", "指挥中心大屏", "全院指标、团队对比、承办人排名、节点预警与实时动态，"
            "适配 1920×1080 与 3840×2160 视频墙", "指挥中心", "屏", "/wall"),
    Section("analysis", "/analysis", "会商分析", "任选期间与同期对比，全院 → 团队 → 承办人 → 案件逐级下钻，"
            "每个数字可查看背后的案件并导出", "院庭长、执行局长", "析", "/analysis"),
    Section("meeting", "/meeting", "会议模式", "周例会投影：全屏大字，键盘逐级下钻，两个团队或两名承办人并排对比，"
            "一键导出会议材料（Excel 与 A4 讲义）", "院庭长、指挥中心、团队长", "会", "/meeting"),
    Section("center", "/center", "指挥中心", "中心的集约事务：网络查控、送达、执行110、案款发放与续封的"
            "今日办理量和及时率，按中心人员下钻到案件", "指挥中心、院领导", "中", "/center"),
    Section("team", "/team/1", "团队工作台", "本团队承办人指标与红黄绿灯，今日需办理的节点、长期未结与待发案款",
            "团队长", "队", "/team/<team_id>"),
    Section("supervision", "/supervision", "督办", "节点超期与临期督办：下发、反馈、办结，全程留痕",
            "指挥中心、团队长", "督", "/supervision"),
    Section("health", "/healthz", "运行状态", "数据快照版本、计算耗时与新鲜度（JSON，供运维监控）",
            "系统管理员", "态", None),
)

STATS: tuple[tuple[str, str], ...] = (
    ("cases", "案件总数"),
    ("open_cases", "当前未结"),
    ("filed", "本年新收"),
    ("closed", "本年结案"),
    ("teams", "执行团队"),
    ("officers", "干警"),
)


def _available(section: Section) -> bool:
    if section.page is None:
        return True
    return any(p.get("path_template") == section.page or p.get("path") == section.page
               for p in dash.page_registry.values())


def section_card(section: Section, href: str | None = None) -> html.Component:
    """A link card; a section whose page is not installed shows as 建设中 without a link."""
    available = _available(section)
    badge = [] if available else [html.Span("建设中", className="section-badge")]
    body = [
        html.Span(section.glyph, className="section-glyph", **{"aria-hidden": "true"}),
        html.Div(
            [
                html.H3([html.Span(section.title, className="section-title"), *badge]),
                html.P(section.text),
                html.Span(f"适用：{section.audience}", className="section-audience"),
            ],
            className="section-body",
        ),
    ]
    if not available:
        return html.Div(body, className="section-card is-disabled",
                        **{"data-section": section.key})
    return html.A(body, href=href or section.href, className="section-card",
                  **{"data-section": section.key})


def section_grid(team_href: str | None = None, visible: Collection[str] | None = None) -> list[html.Component]:
    """The entry cards the viewer may open (`visible` keys; None: all); the team card opens
    `team_href` (the viewer's own or the court's first team)."""
    return [section_card(s, team_href if s.key == "team" else None) for s in SECTIONS
            if visible is None or s.key in visible]


def _team_links(teams: Sequence[Mapping[str, Any]]) -> html.Div:
    links = [dcc.Link(t["name"], href=f"/team/{t['id']}", className="team-chip") for t in teams]
    return html.Div([html.Span("团队工作台：", className="team-label"), *links], className="team-links")


CASE_STATS = frozenset({"cases", "open_cases", "filed", "closed"})


def court_panel(court: Mapping[str, Any], year: int, updated: str | None, scoped: bool = False,
                scope_note: str = "") -> html.Section:
    """The loaded court: name, 代字, headline counts and its teams (plain data in); `scoped`
    counts are the viewer's own team's or own cases only, and say so. `scope_note` (不含执保)
    labels the case counts: they use the wall's court scope."""
    stats = [
        html.Div(
            [html.Div(f"{court[key]:,}", className="stat-value"),
             html.Div([label.replace("本年", f"{year}年"),
                       html.Span(f"（{scope_note}）", className="stat-scope")
                       if scope_note and key in CASE_STATS else None], className="stat-label")],
            className="stat", **{"data-stat": key},
            title=f"与大屏同一口径：{scope_note}" if scope_note and key in CASE_STATS else None,
        )
        for key, label in STATS
    ]
    meta = f"法院代字 {court['code']}" + (f" · 数据更新于 {updated}" if updated else "")
    if scoped:
        meta += " · 以下为您权限范围内的数据"
    return html.Section(
        [
            html.Div([html.H2(court["name"], className="court-name"),
                      html.Span(meta, className="court-meta")], className="court-head"),
            html.Div(stats, className="stat-grid"),
            _team_links(court.get("team_list", ())),
        ],
        className="court-card",
    )


def empty_panel() -> html.Section:
    """Shown when the database holds no court yet."""
    return html.Section(
        [
            html.H2("数据库中还没有法院数据", className="court-name"),
            html.P(["载入演示法院：", html.Code("python -m dashboard seed-demo"),
                    "；导入本院数据见 docs/import.md。"], className="court-meta"),
        ],
        className="court-card is-empty",
    )


def layout(**_: str) -> html.Div:
    """Skeleton; the court panel is filled by callbacks.start.home once the page loads."""
    return html.Div(
        [
            html.Header(
                [
                    html.Div("执行指挥中心 · 大中心、小团队", className="hero-kicker"),
                    html.H1("执行指挥中心质效看板"),
                    html.P("质效指标实时精确到人：全院、团队、承办人三级指标，"
                           "流程节点预警与督办闭环。", className="hero-sub"),
                    html.P("正在读取数据…", id=ids.Home.COURT, className="lead"),
                    html.Span(id=ids.Home.ASOF, className="desk-as-of", role="status"),
                ],
                className="home-hero",
            ),
            html.Div(id=ids.Home.SUMMARY, className="home-summary"),
            html.H2("功能入口", className="home-heading"),
            html.Div([], id=ids.Home.SECTIONS, className="section-grid"),  # filled per viewer
            html.Footer("全部页面、脚本与字体均由本系统提供，不访问互联网。统计口径见 docs/data-model.md《统计口径》。",
                        className="home-foot"),
            dcc.Interval(id=ids.Home.LOAD, max_intervals=0),
            dcc.Store(id=ids.Home.SHOWN, data=None),  # data version on screen (callbacks.desk.live)
        ],
        className="home",
    )


def court_summary(courts: Sequence[Mapping[str, Any]], year: int, updated: str | None,
                  scoped: bool = False, scope_note: str = "") -> list:
    """One panel per loaded court, or the empty-database hint."""
    return [court_panel(c, year, updated, scoped, scope_note) for c in courts] or [empty_panel()]


def outage_summary(notice: str, kept: list | None) -> list:
    """During a database outage: the notice over the last figures kept (greyed as stale), or a
    message saying there are none; the page reads the database again once it is back."""
    if kept is None:
        return [html.Section(
            [html.H2(notice, className="court-name"),
             html.P("暂无缓存的首页数据；数据库恢复后本页自动更新，无需刷新。", className="court-meta")],
            className="court-card is-empty home-outage", role="status")]
    return [html.P(f"{notice}（数据库恢复后自动更新）", className="home-outage-note", role="status"),
            html.Div(kept, className="home-stale")]


# The 辖区 on the start page (the snapshot's "region" part, db/snapshot/region.py): a 中院
# user sees every court of it ranked; a user of a court below sees that court only, with its
# teams. The figures are 本年至今, as on the wall.
REGION_FIGURES: tuple[tuple[str, str], ...] = (
    ("closure_rate", "结案率"), ("recovery_rate", "执行到位率"),
    ("legal_limit_rate", "法定期限内结案率"), ("closed", "结案"))
TEAM_FIGURES: tuple[tuple[str, str], ...] = (
    ("accepted", "受理"), ("closed", "结案"), ("closure_rate", "结案率"),
    ("completion_rate", "执行完毕率"))
_STATUS = {"good": ("●", "达标"), "ok": ("●", "达标"), "warn": ("◆", "临界"),
           "warning": ("◆", "临界"), "bad": ("■", "未达标"), "alert": ("■", "未达标")}


def _yoy(entry: Mapping[str, Any]) -> html.Span | None:
    """▲/▼/＝ and the engine's change text (同比), or nothing without a comparison."""
    delta = entry.get("delta_display")
    try:
        sign = (float(entry["value"]) > float(entry["compare_value"])) - (
            float(entry["value"]) < float(entry["compare_value"]))
    except (KeyError, TypeError, ValueError):
        return None
    if not delta:
        return None
    arrow = {1: "▲", -1: "▼", 0: "＝"}[sign]
    return html.Span(f"同比 {arrow} {delta}", className="rg-yoy", title="较去年同期")


def _figure(entry: Mapping[str, Any] | None, label: str) -> html.Div:
    entry = entry or {}
    status = _STATUS.get(entry.get("status") or "")
    badge = (html.Span(f"{status[0]} {status[1]}", className=f"rg-status rg-status--{entry.get('status')}")
             if status else None)
    return html.Div([html.Div(entry.get("display") or "—", className="rg-value"),
                     html.Div([label, badge], className="rg-label"), _yoy(entry)],
                    className="rg-figure")


def _team_table(teams: Sequence[Mapping[str, Any]]) -> html.Table:
    head = ["团队", *[label for _key, label in TEAM_FIGURES]]
    rows = [html.Tr([html.Td(dcc.Link(t.get("name") or "—", href=f"/team/{t['id']}")),
                     *[html.Td([(t.get("indicators") or {}).get(key, {}).get("display") or "—",
                                " ", _yoy((t.get("indicators") or {}).get(key) or {})])
                       for key, _label in TEAM_FIGURES]], **{"data-team": str(t["id"])})
            for t in teams]
    return table(head, rows, className="rg-teams")


def region_section(region: Mapping[str, Any], only: Collection[int] | None,
                   with_teams: bool) -> html.Section | None:
    """The 辖区's court cards, ranked on 结案率 (`only`: those courts; None: all), each court's
    teams under its card when `with_teams`; None when there is nothing to show."""
    view = (region.get("views") or {}).get("ytd") or {}
    results = {r["id"]: r for r in view.get("courts") or []}
    teams = {t["id"]: t for t in view.get("teams") or []}
    courts = {c["id"]: c for c in region.get("courts") or [] if only is None or c["id"] in only}
    cards = []
    for entry in [e for e in view.get("ranking") or [] if e["id"] in courts]:
        court = courts[entry["id"]]
        indicators = (results.get(court["id"]) or {}).get("indicators") or {}
        place = f"第 {entry['rank']} 名" if entry.get("rank") is not None else "未排名"
        body: list[Any] = [
            html.Div([html.Span(place, className="rg-rank"),
                      html.H3(court.get("name") or "—", className="rg-name"),
                      html.Span(court.get("code") or "", className="court-meta")],
                     className="rg-head"),
            html.Div([_figure(indicators.get(key), label) for key, label in REGION_FIGURES],
                     className="rg-figures")]
        if with_teams:
            shown = [teams[t] for t in court.get("teams") or [] if t in teams]
            body.append(_team_table(shown) if shown else html.P("暂无团队数据", className="court-meta"))
        # a card with its team table takes the whole row: a third of the page squeezed the
        # team names to one character per line
        cards.append(html.Div(body, className="rg-card rg-card--teams" if with_teams else "rg-card",
                              **{"data-court": str(court["id"])}))
    if not cards:
        return None
    title = "辖区法院排名" if only is None else "本院在辖区中的指标"
    return html.Section([html.H2([title, html.Span("本年至今 · 按结案率排名 · 与大屏同一快照",
                                                   className="court-meta")], className="rg-title"),
                         html.Div(cards, className="rg-grid")], className="home-region")
