"""/admin/sources: event-API sources (执行110, 执法APP…): issue a token (shown once), list, revoke."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from layouts import ids
from layouts.admin.common import field, frame, table

S = ids.AdminSources
HEADERS = ("编号", "来源", "签发时间", "签发人", "最近调用", "状态")


def sources_table(rows: Sequence[Mapping[str, Any]]) -> Any:
    return table(HEADERS, [
        (s["id"], s["name"], s["created_at"], s["created_by"], s["last_used_at"] or "从未调用",
         "有效" if s["active"] else f"已吊销（{s['revoked_at']}，{s['revoked_by']}）") for s in rows
    ], "还没有事件来源")


def issued_box(name: str, plaintext: str) -> html.Div:
    """The new token: shown this once, never stored in plaintext."""
    return html.Div([
        html.Strong(f"已为“{name}”签发令牌。请立即交给该系统的管理员（只显示这一次）："),
        html.Pre(plaintext, className="token-url"),
        html.Span("调用时放在请求头 Authorization: Bearer <令牌>；该令牌只能上报事件，不能登录本系统。"),
    ], className="admin-msg ok")


def layout(**_: Any) -> html.Div:
    return frame("/admin/sources", "事件接口", [
        dcc.Store(id=S.REV, data=0),
        html.P(["执行110、执法APP 等系统通过 POST /api/v1/events 上报现场事件，每个系统一个令牌。"
                "令牌只显示一次，服务器只保存其摘要；吊销立即生效。接口说明见 ",
                html.A("/api/v1/openapi.json", href="/api/v1/openapi.json", target="_blank"), "。"],
               className="note"),
        html.Div([
            field("来源名称", dcc.Input(id=S.NAME, type="text", maxLength=64, placeholder="如 执行110")),
            html.Button("签发令牌", id=S.ISSUE, className="btn"),
        ], className="admin-form"),
        html.Div(id=S.ISSUED),
        html.Div([
            field("吊销令牌", dcc.Dropdown(id=S.PICK, placeholder="选择有效来源")),
            html.Button("吊销", id=S.REVOKE, className="btn danger"),
        ], className="admin-form"),
        html.Div(id=S.MSG),
        html.H2("全部来源"),
        html.Div(id=S.TABLE),
    ], S.ROOT)
