"""The frame around every page: navigation, stale-data banner, page container."""
from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from db.auth.access import Principal
from layouts import ids
from layouts.access import may_open


def _nav(principal: Principal | None = None) -> html.Nav:
    """Links to the pages the viewer may open (none before sign-in)."""
    links = [
        dcc.Link(page["name"], href=page["relative_path"], className="nav-link")
        for page in dash.page_registry.values()
        if page.get("nav") and may_open(principal, page["relative_path"])
    ]
    return html.Nav([html.Span("执行指挥中心质效看板", className="brand"), *links,
                     html.Div(id=ids.Shell.COURT, className="court-switch", hidden=True),
                     *_user_box(principal)],
                    id=ids.Shell.NAV, className="topnav")


def court_switcher(current: str, courts: list[tuple[str, str, int, bool]],
                   region_href: str | None) -> list[Any]:
    """The 法院 switcher's content: 「当前法院：…」 opening the list of the visible courts (label,
    href, depth, is current), indented by level in 辖区 order; `region_href`: the current court's
    辖区法院排名, when it has courts below it."""
    items = [html.Li(html.A(label, href=href, className="court-option current" if mine else "court-option",
                            **({"aria-current": "true"} if mine else {})),
                     style={"paddingLeft": f"{0.4 + 1.2 * depth:.1f}em"})
             for label, href, depth, mine in courts]
    extra = ([html.Li(html.A("辖区法院排名 ›", href=region_href, className="court-region"))]
             if region_href else [])
    return [html.Details([html.Summary(f"当前法院：{current}", className="court-current"),
                          html.Ul(items + extra, className="court-list")], className="court-menu")]


def _user_box(principal: Principal | None) -> list:
    """Who is signed in, and 退出 (a page with the sign-out form and its CSRF token)."""
    if principal is None:
        return []
    return [html.Div([html.Span(principal.display_name, className="user-name"),
                      html.Span(principal.role_label, className="user-role"),
                      html.A("退出", href="/logout", className="user-logout")],
                     className="user-box")]


def freshness(poll_ms: int) -> list:
    """The one version poll of every page: an Interval and the current snapshot version."""
    return [
        dcc.Interval(id=ids.Shell.POLL, interval=poll_ms),
        dcc.Store(id=ids.Shell.VERSION, data=None),
    ]


def watchdog_attributes(watchdog: dict[str, Any] | None) -> dict[str, str]:
    """data-watchdog-* settings of assets/watchdog.js (poll, lost and stale seconds, zone)."""
    return {f"data-watchdog-{key}": str(value) for key, value in (watchdog or {}).items()}


def layout(poll_ms: int = 5000, principal: Principal | None = None,
           watchdog: dict[str, Any] | None = None) -> html.Div:
    return html.Div(
        [
            dcc.Location(id=ids.URL),
            *freshness(poll_ms),
            _nav(principal),
            html.Div(id=ids.Shell.BANNER, className="stale-banner", hidden=True,
                     role="status"),
            html.Main(dash.page_container, className="page"),
        ],
        id=ids.Shell.ROOT,
        className="shell",
        **watchdog_attributes({"poll-ms": poll_ms, **(watchdog or {})}),
    )
