"""Pieces the admin pages share: the tab bar, a plain table, a message line."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import dcc, html

from layouts import table as tables

TABS = (("/admin/import", "数据导入"), ("/admin/users", "用户管理"), ("/admin/tokens", "大屏令牌"), ("/admin/audit", "审计日志"),
        ("/admin/sources", "事件接口"), ("/admin/rules", "节点规则"), ("/admin/triage-rules", "分流规则"))


def frame(current: str, title: str, children: list[Any], root_id: str) -> html.Div:
    tabs = [dcc.Link(label, href=href, className="chip active" if href == current else "chip")
            for href, label in TABS]
    return html.Div([html.Div(tabs, className="chip-row admin-tabs"), html.H1(title), *children],
                    id=root_id, className="desk admin")


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], empty: str = "无记录") -> Any:
    if not rows:
        return html.P(empty, className="note")
    return tables.table(headers, [html.Tr([html.Td(c) for c in row]) for row in rows], className="admin-table")


def message(text: str, ok: bool = True) -> html.Div:
    return html.Div(text, className="admin-msg " + ("ok" if ok else "error"), role="status")


def field(label: str, control: Any) -> html.Label:
    return html.Label([html.Span(label, className="admin-label"), control], className="admin-field")
