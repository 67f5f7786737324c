"""The page for an address no page answers (Dash's client-side router; the server answers 404 first)."""
from __future__ import annotations

from typing import Any

from dash import dcc, html

TITLE = "未找到该页面"


def layout(**_path_and_query: Any) -> html.Div:
    return html.Div([
        html.H1(TITLE),
        html.P("这个地址没有对应的页面：可能是地址输入有误，或页面已经调整。"),
        dcc.Link("返回首页", href="/"),
    ], className="not-found")
