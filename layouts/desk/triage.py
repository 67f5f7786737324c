"""/triage 分流台: the queue of new cases (oldest first), the selected case's suggestion and the
rules that fired, confirm / override (with a reason) / 分案 with a workload hint. Keyboard:
j/k or ↑/↓ move, Enter takes the primary action, o overrides, 1–9 pick an officer, Esc back
to the list (assets/triage.js). Pure builders; callbacks/desk/triage.py fills them."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from layouts import ids
from layouts.table import table

T = ids.Triage
HEADERS = ("案号", "立案", "等待", "类别", "标的额（元）", "被执行人", "首次查控", "规则建议", "状态")
KEYS_HELP = ("j / k 或 ↑ / ↓ 移动", "Enter 采纳建议（或分案）", "o 改判（须填理由）",
             "Ctrl+Enter 提交改判", "1–9 选承办人", "Esc 回到列表")
HIDDEN = {"display": "none"}


def layout(**_: Any) -> html.Div:
    return html.Div([
        dcc.Store(id=T.REV, data=0),
        dcc.Store(id=T.SELECTED, data=None),
        html.Div([html.H1("分流台"),
                  html.Span("繁简分流 · 分案（规则为地方规定，管理员在“分流规则”页维护）",
                            className="triage-sub")], className="desk-head"),
        html.Div(id=T.ERROR),
        html.Div(id=T.SUMMARY, className="triage-summary"),
        html.Div([html.Span(k, className="key-hint") for k in KEYS_HELP], className="triage-keys",
                 **{"aria-label": "键盘操作"}),
        html.Div([
            html.Div(id=T.QUEUE, className="triage-queue"),
            html.Div([
                html.Div(id=T.DETAIL, className="triage-detail-body"),
                html.Div(id=T.MSG, role="status", **{"aria-live": "polite"}),
                html.Div([
                    html.Button("采纳建议（Enter）", id=T.PRIMARY, n_clicks=0, className="btn"),
                ], id=T.ACTIONS, className="triage-actions"),
                html.Div([
                    html.Label([html.Span("改判为", className="field-label"),
                                dcc.RadioItems(id=T.TRACK, options=[
                                    {"label": "简案", "value": "simple"},
                                    {"label": "繁案", "value": "complex"}],
                                    value="complex", inline=True, className="triage-radio")],
                               className="field"),
                    html.Label([html.Span("理由（改判必填）", className="field-label"),
                                dcc.Textarea(id=T.REASON, value="", maxLength=200,
                                             placeholder="如：申请人提供被执行人房产线索",
                                             className="triage-reason")], className="field"),
                    html.Button("提交改判（Ctrl+Enter）", id=T.OVERRIDE, n_clicks=0,
                                className="btn secondary"),
                ], id=T.OVERRIDE_BOX, className="triage-box"),
                html.Div([
                    html.Label([html.Span("分案团队", className="field-label"),
                                dcc.Dropdown(id=T.TEAM, options=[], clearable=False,
                                             className="triage-team")], className="field"),
                    html.Div([html.Span("承办人（在办案件数，少者在前）", className="field-label"),
                              dcc.RadioItems(id=T.OFFICER, options=[], className="triage-officers")],
                             className="field"),
                ], id=T.ASSIGN_BOX, className="triage-box", style=HIDDEN),
            ], className="triage-detail", **{"aria-label": "所选案件"}),
        ], className="triage-main"),
    ], id=T.ROOT, className="desk triage", tabIndex="-1")


def summary(items: Sequence[Mapping[str, Any]]) -> list[html.Div]:
    """Small figure cards: {name, display, note, status}."""
    return [html.Div([html.Div(i["name"], className="kpi-name"),
                      html.Div(i["display"], className="triage-figure"),
                      html.Div(i.get("note", ""), className="kpi-parts")],
                     className=f"kpi-card status-{i.get('status', 'none')}") for i in items]


def queue_table(rows: Sequence[Mapping[str, Any]], selected: Any) -> Any:
    if not rows:
        return html.P("没有待分流的案件。新立案件（尚未分案的首执、执恢案件）会自动出现在这里。",
                      className="note")
    body = []
    for r in rows:
        chosen = r["case_id"] == selected
        body.append(html.Tr([
            html.Td(r["case_number"], className="case-no"), html.Td(r["filed_on"]),
            html.Td(f"{r['age']} 天", className="num"), html.Td(r["category"]),
            html.Td(r["amount"], className="num"), html.Td(r["debtors"]), html.Td(r["query"]),
            html.Td(html.Span(r["suggested"], className=f"track track-{r['suggested_track']}")),
            html.Td(html.Span(r["state"], className=f"state state-{r['action']}")),
        ], className="triage-row selected" if chosen else "triage-row",
            tabIndex="0" if chosen else "-1",
            **{"data-case": str(r["case_id"]), "aria-selected": "true" if chosen else "false"}))
    return table(HEADERS, body, className="indicator-table triage-table", role="grid",
                      **{"aria-label": "待分流案件"})


def detail(row: Mapping[str, Any], fired: Sequence[Mapping[str, Any]],
           history: Sequence[Mapping[str, Any]]) -> list[Any]:
    """The selected case: suggestion, its reason, every rule that fired, track history."""
    out: list[Any] = [
        html.H2(row["case_number"]),
        html.P([html.Span(row["state"], className=f"state state-{row['action']}"), " · ",
                f"{row['category']} · 案由 {row['cause'] or '—'} · 标的 {row['amount']} 元 · "
                f"被执行人 {row['debtors']} · 首次查控 {row['query']}"
                + (" · 非诉执行" if row["non_litigation"] else "")], className="triage-facts"),
        html.Div([html.Span("规则建议 "),
                  html.Span(row["suggested"], className=f"track track-{row['suggested_track']}"),
                  html.Span(f" —— {row['reason']}")], className="triage-suggestion"),
    ]
    if row["track"]:
        out.append(html.P(f"已确认：{row['track']}", className="note"))
    out.append(html.Div([html.Span("命中的规则（按顺序，第一条决定建议）：", className="field-label"),
                         html.Ol([html.Li([html.Strong(f["name"]), f"（{f['track_label']}）{f['reason']}"])
                                  for f in fired]) if fired else html.P("无规则命中", className="note")],
                        className="triage-fired"))
    if history:
        out.append(html.Div([html.Span("繁简记录：", className="field-label"),
                             html.Ul([html.Li(f"{h['date']} {h['old'] or '（分流）'}→{h['new']} · "
                                              f"{h['actor']} · {h['reason']}") for h in history])],
                            className="triage-history"))
    return out


def message(text: str, ok: bool = True) -> html.Div:
    return html.Div(text, className="sv-ok" if ok else "sv-refused")


def officer_options(officers: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{"label": f"{i}. {o['name']} · 在办 {o['open']} 件" if i <= 9 else
             f"{o['name']} · 在办 {o['open']} 件", "value": o["id"]}
            for i, o in enumerate(officers, start=1)]
