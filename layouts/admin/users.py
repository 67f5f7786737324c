"""/admin/users: every user, and a form to add one or change the one picked."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from db.auth.access import ROLES
from layouts import ids
from layouts.admin.common import field, frame, table

U = ids.AdminUsers
ROLE_OPTIONS = [{"value": key, "label": role.label} for key, role in ROLES.items() if key != "wall"]
HEADERS = ("用户名", "姓名", "角色", "所属法院", "团队", "干警", "状态", "创建时间")


def users_table(rows: Sequence[Mapping[str, Any]]) -> Any:
    return table(HEADERS, [
        (u["username"], u["display_name"], u["role_label"], u["court"], u["team"] or "—", u["officer"] or "—",
         "启用" if u["active"] else "已停用", u["created_at"]) for u in rows
    ], "还没有用户")


def _form() -> html.Div:
    return html.Div([
        field("选择用户（不选则新增）", dcc.Dropdown(id=U.PICK, placeholder="新增用户", clearable=True)),
        field("用户名", dcc.Input(id=U.USERNAME, type="text", maxLength=64, autoComplete="off")),
        field("姓名", dcc.Input(id=U.DISPLAY, type="text", maxLength=64, autoComplete="off")),
        field("密码（新增或重设时填写）", dcc.Input(id=U.PASSWORD, type="password", autoComplete="new-password")),
        field("角色", dcc.Dropdown(id=U.ROLE, options=ROLE_OPTIONS, clearable=False, value="officer")),
        field("所属法院（不选：本系统全部法院）",
              dcc.Dropdown(id=U.COURT, clearable=True)),
        field("团队（团队长必填）", dcc.Dropdown(id=U.TEAM, clearable=True)),
        field("干警（承办人必填）", dcc.Dropdown(id=U.OFFICER, clearable=True)),
        html.Div([
            html.Button("新增用户", id=U.ADD, className="btn"),
            html.Button("保存角色/团队/干警/法院", id=U.SAVE, className="btn"),
            html.Button("重设密码", id=U.RESET, className="btn"),
            html.Button("停用", id=U.DISABLE, className="btn danger"),
            html.Button("启用", id=U.ENABLE, className="btn"),
        ], className="admin-actions"),
        html.Div(id=U.MSG),
    ], className="admin-form")


def layout(**_: Any) -> html.Div:
    return frame("/admin/users", "用户管理", [
        dcc.Store(id=U.REV, data=0),
        html.P("每项修改都写入审计日志；停用、改密码或改所属法院后，该用户已登录的会话在数十秒内失效。"
               "本院管理员只能管理本院及下级法院的用户。", className="note"),
        _form(),
        html.H2("用户"),
        html.Div(id=U.TABLE),
    ], U.ROOT)
