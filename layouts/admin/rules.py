"""/admin/rules (read-only): the effective node rules, where each limit comes from, and the
holiday calendar's coverage with a warning for a missing year. Pure builders."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from layouts import ids
from layouts.table import table

R = ids.AdminRules
HOW_TO = [
    "全国默认规则：config/node_rules.toml（每个 [[nodes]] 一个节点，字段说明见文件开头的注释）。",
    "本院规则：设置项 DASHBOARD_NODE_RULES_LOCAL 指向的 TOML 文件，格式相同；写明 key 与要改的字段即可覆盖"
    "全国节点（期限只能更严，不能放宽），新 key 则新增节点。",
    "节假日日历：config/holidays.toml（或设置项 DASHBOARD_HOLIDAYS_FILE 指向的文件），每年国务院办公厅公布"
    "次年放假安排后补入 holidays（放假日）与 workdays（调休上班日），并把 complete 设为 true。",
    "修改后运行 python -m dashboard nodes rules 校验（错误会指出节点和字段），再重启服务生效。",
]


def layout(**query: Any) -> html.Div:
    return html.Div([
        dcc.Store(id=R.QUERY, data=dict(query)),
        html.Div(html.H1("节点规则与节假日日历"), className="desk-head"),
        html.Div(id=R.ERROR),
        html.Div(id=R.WARNINGS),
        html.Section([html.H2("规则文件与修改方法"), html.Div(id=R.FILES),
                      html.Ul([html.Li(t) for t in HOW_TO], className="how-to")]),
        html.Section([html.H2("生效的节点规则"), html.Div(id=R.RULES)]),
        html.Section([html.H2("节假日日历（工作日期限用）"), html.Div(id=R.CALENDAR)]),
    ], className="desk desk-admin-rules")


def warnings(lines: Sequence[str]) -> list[Any]:
    return [html.Div([html.Strong("注意："), line], className="desk-error rules-warning", role="alert")
            for line in lines]


def files(paths: Sequence[str], digest: str, running: str | None) -> list[Any]:
    items = [html.Li([html.Code(p), "（全国默认）" if i == 0 else "（本院规则）"]) for i, p in enumerate(paths)]
    if len(paths) == 1:
        items.append(html.Li("未设置本院规则文件（DASHBOARD_NODE_RULES_LOCAL 为空）"))
    line = f"规则版本 {digest}"
    if running and running != digest:
        line += f"；运行中的服务仍在使用版本 {running}，重启后才按文件中的新规则计算"
    return [html.Ul(items), html.P(line, className="note")]


def rules_table(rows: Sequence[Mapping[str, Any]]) -> html.Table:
    head = ("节点", "键", "类型", "起算", "完成事件", "期限", "单位", "预警（天）", "适用类别", "来源", "依据")
    body = []
    for r in rows:
        local_limit = any(f in r["local_fields"] for f in ("limit", "limit_non_litigation", "unit")) or (
            r["local"] and not r["local_fields"])
        limit = [r["limit"]]
        if r["national_limit"] and local_limit:
            limit.append(html.Div(f"全国：{r['national_limit']}", className="note"))
        body.append(html.Tr([
            html.Td(r["name"]), html.Td(html.Code(r["key"])), html.Td(r["kind_label"]), html.Td(r["start"]),
            html.Td(r["done"] or "—"), html.Td(limit, className="rule-local" if local_limit else ""),
            html.Td(r["unit_label"] if r["kind"] != "expiry" else "—"), html.Td(r["warn"], className="num"),
            html.Td(r["categories"]), html.Td(r["origin"], className="rule-local" if r["local"] else ""),
            html.Td([r["source"], *([" ", html.Span(r["source_tag"], title=r["source_note"], className="rule-tag")]
                                    if r.get("source_tag") else [])], className="rule-source"),
        ]))
    return table(head, body, className="plain-table rules-table")


def calendar_table(rows: Sequence[Mapping[str, Any]]) -> html.Table:
    head = ("年度", "状态", "放假日（天）", "调休上班日（天）", "依据")
    body = [html.Tr([
        html.Td(r["year"]), html.Td("完整" if r["complete"] else "待补全", className="" if r["complete"] else "cell-bad"),
        html.Td(r["holidays"], className="num"), html.Td(r["workdays"], className="num"), html.Td(r["source"]),
    ]) for r in rows]
    return table(head, body, className="plain-table calendar-table")
