"""/admin/check (read-only): whether the figures of the current snapshot agree with each other.
Pure builders; the callback reads the snapshot's "check" record (db/snapshot/check.py)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from layouts import ids
from layouts.table import table

K = ids.AdminCheck
FULL_CHECK = ("每次刷新快照时核对快照内部的一致性（下列规则）。命令 python -m dashboard check 另外核对"
              "命令行/工作台数字、明细清单与导出单元格，发现不一致时以非零状态退出（见文档“运维 · 数字可信”）。")


def layout(**query: Any) -> html.Div:
    return html.Div([
        dcc.Store(id=K.QUERY, data=dict(query)),
        html.Div(html.H1("数字核对"), className="desk-head"),
        html.P(FULL_CHECK, className="desk-note"),
        html.Div(id=K.SUMMARY),
        html.Div(id=K.LIST),
    ], className="desk desk-admin-check")


def summary(report: Mapping[str, Any] | None, version: Any, as_of: str | None) -> html.Div:
    """One line: which snapshot, when checked, and the outcome."""
    if not report:
        return html.Div("暂无快照：首次数据刷新完成后显示核对结果。", className="desk-error", role="status")
    head = f"快照第 {version} 版（数据截至 {as_of or '—'}），核对于 {report.get('at') or '—'}："
    if report.get("skipped"):
        return html.Div(head + "数据库中没有法院，无可核对的数字。", className="check-ok")
    found = report.get("violations") or []
    if not found:
        rules = "、".join(report.get("rules") or [])
        return html.Div(head + f"全部一致（{rules}）。", className="check-ok", role="status")
    return html.Div(head + f"发现 {len(found)} 处不一致。", className="desk-error check-bad", role="alert")


def violations(found: Sequence[Mapping[str, Any]]) -> html.Table | None:
    if not found:
        return None
    head = ("规则", "位置", "说明")
    rows = [html.Tr([html.Td(v.get("rule")), html.Td(v.get("where")), html.Td(v.get("detail"))])
            for v in found]
    return table(head, rows, className="desk-table check-table")
