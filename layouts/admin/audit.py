"""/admin/audit: search the audit log by who, what, when and text; export the result."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from layouts import ids
from layouts.admin.common import field, frame, table

A = ids.AdminAudit
HEADERS = ("时间", "用户", "角色", "动作", "对象", "详情", "来源地址", "结果")


def audit_table(rows: Sequence[Mapping[str, Any]]) -> Any:
    return table(HEADERS, [
        (r["at"], r["actor"] or "—", r["actor_role"], r["action_label"], r["target"], r["detail"], r["ip"],
         html.Span(r["outcome_label"], className=f"outcome-{r['outcome']}")) for r in rows
    ], "没有符合条件的记录")


def _date(id_: str, label: str) -> html.Label:
    return field(label, dcc.DatePickerSingle(id=id_, display_format="YYYY-MM-DD", placeholder="YYYY-MM-DD",
                                             month_format="YYYY年MMM", first_day_of_week=1, clearable=True))


def layout(action_options: Sequence[Mapping[str, str]] = (), outcome_options: Sequence[Mapping[str, str]] = (),
           **_: Any) -> html.Div:
    return frame("/admin/audit", "审计日志", [
        html.Div([
            field("用户名", dcc.Input(id=A.ACTOR, type="text", maxLength=64)),
            field("动作", dcc.Dropdown(id=A.ACTION, options=list(action_options), multi=True, placeholder="全部")),
            field("结果", dcc.Dropdown(id=A.OUTCOME, options=list(outcome_options), placeholder="全部")),
            _date(A.SINCE, "起始日期"),
            _date(A.UNTIL, "截止日期（含）"),
            field("包含文字", dcc.Input(id=A.TEXT, type="text", maxLength=100)),
            html.Button("查询", id=A.APPLY, className="btn"),
            html.A("导出 Excel", id=A.EXPORT, href="/export/audit.xlsx", className="btn export-link"),
        ], className="admin-form admin-filters"),
        html.Div(id=A.MSG),
        html.Div(id=A.COUNT, className="list-summary"),
        html.Div(id=A.TABLE),
        dcc.Store(id=A.PAGE, data=0),
        html.Div([html.Button("上一页", id=A.PREV, className="btn"),
                  html.Button("下一页", id=A.NEXT, className="btn")], className="admin-pager"),
    ], A.ROOT)
