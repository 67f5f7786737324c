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


def layout() -> html.Div:
    return html.Div(
        [
            dcc.Location(id=ids.URL),
            _nav(),
            html.Div(id=ids.Shell.BANNER, className="stale-banner", hidden=True),
            html.Main(dash.page_container, className="page"),
        ],
        className="shell",
    )
