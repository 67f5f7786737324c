"""The frame around every page: navigation, stale-data banner, page container."""
from __future__ import annotations

import dash
from dash import dcc, html

from db.access import Principal
from layouts import ids
from layouts.access import may_open


def _nav(principal: Principal | None = None) -> html.Nav:
    """Links to the pages the viewer may open (none before sign-in)."""
    links = [
        dcc.Link(page["name"], href=page["relative_path"], className="nav-link")
        for page in dash.page_registry.values()
        if page.get("nav") and may_open(principal, page["relative_path"])
    ]
    return html.Nav([html.Span("执行指挥中心质效看板", className="brand"), *links],
                    id=ids.Shell.NAV, className="topnav")


def freshness(poll_ms: int) -> list:
    """The one version poll of every page: an Interval and the current snapshot version."""
    return [
        dcc.Interval(id=ids.Shell.POLL, interval=poll_ms),
        dcc.Store(id=ids.Shell.VERSION, data=None),
    ]


def layout(poll_ms: int = 5000, principal: Principal | None = None) -> html.Div:
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
    )
