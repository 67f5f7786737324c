"""/admin/triage-rules: the 繁简分流 rule table (地方规定) — edit, add, delete, with the history."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from layouts import ids
from layouts.admin.common import field, frame, table

R = ids.AdminTriageRules
NEW = "new"
RULE_HEADERS = ("顺序", "名称", "结论", "条件（全部满足才命中）", "理由", "状态", "性质")
HISTORY_HEADERS = ("时间（UTC）", "操作人", "规则", "操作", "修改前", "修改后")


def rules_table(rows: Sequence[Mapping[str, Any]]) -> Any:
    return table(RULE_HEADERS, [
        (r["position"], r["name"], r["track_label"], r["conditions_text"], r["reason"],
         "启用" if r["active"] else "停用", r["local"]) for r in rows
    ], "还没有分流规则：所有案件都会建议为繁案。可在下方新增，或运行 python -m dashboard init-db 写入默认规则")


def history_table(rows: Sequence[Mapping[str, Any]]) -> Any:
    return table(HISTORY_HEADERS, [
        (h["at"], h["actor"], h["rule"], h["action"], html.Code(h["old"] or "—"), html.Code(h["new"] or "—"))
        for h in rows
    ], "还没有修改记录")


def condition_help(labels: Mapping[str, str], values: Mapping[str, str]) -> html.Div:
    return html.Div([
        html.P("条件写成 JSON 对象，例如 {\"amount_max\": 100000, \"debtor_kind\": \"natural\"}。可用的键：",
               className="note"),
        html.Ul([html.Li([html.Code(k), f" {v}"]) for k, v in labels.items()]),
        html.P("取值：" + "；".join(f"{k} {v}" for k, v in values.items()), className="note"),
    ], className="triage-help")


def layout(**_: Any) -> html.Div:
    return frame("/admin/triage-rules", "分流规则", [
        dcc.Store(id=R.REV, data=0),
        html.P("繁简分流规则是本院的地方规定（不是全国统一标准）：立案时和首次查控反馈到达时按“顺序”逐条求值，"
               "第一条全部条件满足的规则给出建议（简案或繁案）及理由；都不满足时建议繁案。"
               "每次修改都记录操作人、时间和修改前后的内容。", className="note"),
        html.Div(id=R.TABLE),
        html.H2("新增或修改"),
        html.Div([
            field("规则", dcc.Dropdown(id=R.PICK, value=NEW, clearable=False)),
            field("顺序", dcc.Input(id=R.POSITION, type="number", step=1)),
            field("名称", dcc.Input(id=R.NAME, type="text", maxLength=64)),
            field("结论", dcc.RadioItems(id=R.TRACK, options=[{"label": "简案", "value": "simple"},
                                                            {"label": "繁案", "value": "complex"}],
                                       value="simple", inline=True)),
            field("理由", dcc.Input(id=R.REASON, type="text", maxLength=256)),
            field("启用", dcc.Checklist(id=R.ACTIVE, options=[{"label": "启用", "value": "on"}],
                                      value=["on"])),
        ], className="admin-form"),
        field("条件（JSON）", dcc.Textarea(id=R.CONDITIONS, value="{}", className="triage-json")),
        html.Div([html.Button("保存", id=R.SAVE, className="btn"),
                  html.Button("删除所选规则", id=R.DELETE, className="btn danger")], className="admin-form"),
        html.Div(id=R.MSG),
        html.Div(id=R.HISTORY),
    ], R.ROOT)
