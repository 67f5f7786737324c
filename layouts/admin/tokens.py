"""/admin/tokens: issue a wall token (plaintext shown once), list and revoke tokens."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from layouts import ids
from layouts.admin.common import field, frame, table

T = ids.AdminTokens
HEADERS = ("编号", "屏幕", "所属法院", "签发时间", "签发人", "最近使用", "状态")


def tokens_table(rows: Sequence[Mapping[str, Any]]) -> Any:
    return table(HEADERS, [
        (t["id"], t["screen"], t["court"], t["created_at"], t["created_by"], t["last_used_at"] or "从未使用",
         "有效" if t["active"] else f"已吊销（{t['revoked_at']}，{t['revoked_by']}）") for t in rows
    ], "还没有大屏令牌")


def issued_box(screen: str, sign_in_url: str) -> html.Div:
    """The new token's sign-in address: shown this once, never stored in plaintext."""
    return html.Div([
        html.Strong(f"已为“{screen}”签发令牌。请立即在该屏幕的浏览器中打开下面的地址（只显示这一次）："),
        html.Pre(sign_in_url, className="token-url"),
    ], className="admin-msg ok")


def layout(**_: Any) -> html.Div:
    return frame("/admin/tokens", "大屏令牌", [
        dcc.Store(id=T.REV, data=0),
        html.P("大屏以令牌登录：只读，只能打开大屏，当事人脱敏。令牌只显示一次，服务器只保存其摘要。", className="note"),
        html.Div([
            field("屏幕名称", dcc.Input(id=T.SCREEN, type="text", maxLength=64, placeholder="如 指挥中心主屏")),
            field("所属法院（显示本院及下级法院）", dcc.Dropdown(id=T.COURT, clearable=True)),
            html.Button("签发令牌", id=T.ISSUE, className="btn"),
        ], className="admin-form"),
        html.Div(id=T.ISSUED),
        html.Div([
            field("吊销令牌", dcc.Dropdown(id=T.PICK, placeholder="选择有效令牌")),
            html.Button("吊销", id=T.REVOKE, className="btn danger"),
        ], className="admin-form"),
        html.Div(id=T.MSG),
        html.H2("令牌"),
        html.Div(id=T.TABLE),
    ], T.ROOT)
