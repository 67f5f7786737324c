"""/admin/users: list users; add, change role/team/officer, reset password, disable/enable."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
from dash import Input, Output, State, ctx, no_update

from callbacks import authz
from callbacks.admin.common import reading, require_admin, with_local_times, writing
from db.auth import users
from db.queries.people import officer_choices, team_choices
from layouts import ids
from layouts.admin.common import message
from layouts.admin.users import users_table

U = ids.AdminUsers


def render_users(_rev: int | None) -> tuple[Any, ...]:
    """Table, user picker, team and officer options."""
    try:
        require_admin("用户管理")
    except authz.Denied as exc:
        return message(str(exc), ok=False), [], [], []
    rows, teams, officers = reading(lambda s: (users.list_users(s), team_choices(s), officer_choices(s)))
    picks = [{"value": u["username"], "label": f"{u['username']}（{u['display_name']}，{u['role_label']}"
              + ("" if u["active"] else "，已停用") + "）"} for u in rows]
    return users_table(with_local_times(rows, "created_at")), picks, teams, officers


def fill_form(pick: str | None) -> tuple[Any, ...]:
    """Picking a user fills the form with their current values (clearing the pick empties it)."""
    if not pick:
        return "", "", "officer", None, None
    try:
        require_admin("用户管理")
    except authz.Denied:
        return no_update, no_update, no_update, no_update, no_update
    found = next((u for u in reading(users.list_users) if u["username"] == pick), None)
    if found is None:
        return no_update, no_update, no_update, no_update, no_update
    return found["username"], found["display_name"], found["role"], found["team_id"], found["officer_id"]


Form = dict[str, Any]


def _add(form: Form) -> str:
    with writing() as s:
        users.create_user(s, form["username"] or "", form["password"] or "", form["role"] or "",
                          display_name=form["display"] or "", team_id=form["team"],
                          officer_id=form["officer"], by=authz.current())
    return f"已新增用户“{form['username']}”"


def _picked(form: Form) -> str:
    if not form["pick"]:
        raise ValueError("选择用户：请先在“选择用户”中选定要修改的用户")
    return form["pick"]


def _save(form: Form) -> str:
    name = _picked(form)
    with writing() as s:
        users.update_user(s, name, role=form["role"], team_id=form["team"], officer_id=form["officer"],
                          display_name=form["display"] or None, by=authz.current())
    return f"已保存用户“{name}”的角色、团队与干警"


def _reset(form: Form) -> str:
    name = _picked(form)
    with writing() as s:
        users.set_password(s, name, form["password"] or "", by=authz.current())
    return f"已重设用户“{name}”的密码，其已登录的会话随即失效"


def _active(flag: bool) -> Callable[[Form], str]:
    def run(form: Form) -> str:
        name = _picked(form)
        principal = authz.current()
        if not flag and principal is not None and principal.username == name:
            raise ValueError("选择用户：不能停用自己正在使用的账号")
        with writing() as s:
            users.set_active(s, name, flag, by=principal)
        return f"已{'启用' if flag else '停用'}用户“{name}”"
    return run


ACTIONS: dict[str, Callable[[Form], str]] = {
    U.ADD: _add, U.SAVE: _save, U.RESET: _reset, U.DISABLE: _active(False), U.ENABLE: _active(True),
}


def act(_a: Any, _b: Any, _c: Any, _d: Any, _e: Any, pick: str | None, username: str | None,
        display: str | None, password: str | None, role: str | None, team: int | None,
        officer: int | None, rev: int | None) -> tuple[Any, Any, Any]:
    """Run the clicked action; a bad field gets its Chinese message, nothing half-written."""
    action = ACTIONS.get(str(ctx.triggered_id or ""))
    if action is None:
        return no_update, no_update, no_update
    try:
        require_admin("用户管理")
        done = action({"pick": pick, "username": username, "display": display, "password": password,
                       "role": role, "team": team, "officer": officer})
    except (ValueError, authz.Denied) as exc:
        return message(str(exc), ok=False), no_update, no_update
    return message(done), (rev or 0) + 1, ""


def register(app: dash.Dash) -> None:
    app.callback(
        Output(U.TABLE, "children"), Output(U.PICK, "options"), Output(U.TEAM, "options"),
        Output(U.OFFICER, "options"),
        Input(U.REV, "data"),
    )(render_users)
    app.callback(
        Output(U.USERNAME, "value"), Output(U.DISPLAY, "value"), Output(U.ROLE, "value"),
        Output(U.TEAM, "value"), Output(U.OFFICER, "value"),
        Input(U.PICK, "value"),
        prevent_initial_call=True,
    )(fill_form)
    app.callback(
        Output(U.MSG, "children"), Output(U.REV, "data"), Output(U.PASSWORD, "value"),
        *(Input(key, "n_clicks") for key in ACTIONS),
        State(U.PICK, "value"), State(U.USERNAME, "value"), State(U.DISPLAY, "value"),
        State(U.PASSWORD, "value"), State(U.ROLE, "value"), State(U.TEAM, "value"),
        State(U.OFFICER, "value"), State(U.REV, "data"),
        prevent_initial_call=True,
    )(act)
