"""The frame around every page: navigation, stale-data banner, page container."""
from __future__ import annotations

import dash
from dash import dcc, html

from layouts import ids


def _nav() -> html.Nav:
    links = [
        dcc.Link(page["name"], href=page["relative_path"], className="nav-link")
        for page in dash.page_registry.values()
        if page.get("nav")
    ]
    return html.Nav([html.Span("执行指挥中心质效看板", className="brand"), *links],
                    id=ids.Shell.NAV, className="topnav")


def freshness(poll_ms: int) -> list:
    """The one version poll of every page: an Interval and the current snapshot version."""
    return [
        dcc.Interval(id=ids.Shell.POLL, interval=poll_ms),
        dcc.Store(id=ids.Shell.VERSION, data=None),
    ]


def layout(poll_ms: int = 5000) -> html.Div:
    return html.Div(
        [
            dcc.Location(id=ids.URL),
            *freshness(poll_ms),
            _nav(),
            html.Div(id=ids.Shell.BANNER, className="stale-banner", hidden=True,
                     role="status"),
            html.Main(dash.page_container, className="page"),
        ],
        id=ids.Shell.ROOT,
        className="shell",
    )
