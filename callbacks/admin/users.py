"""/admin/users: list users; add, change role/team/officer/court, reset password, disable/enable.

An admin bound to a court (users.court_id) sees and manages only the users of its court and the
courts below it; anything else is refused, audited, and shown as a Chinese message."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
from dash import Input, Output, State, ctx, no_update

from callbacks import authz
from callbacks.admin.common import (
    court_options,
    court_value,
    reading,
    refused,
    require_admin,
    visible_court_ids,
    with_local_times,
    writing,
)
from db.auth import users
from db.auth.court_bind import ALL_COURTS, CourtRefused
from db.queries.people import officer_choices, team_choices
from layouts import ids
from layouts.admin.common import message
from layouts.admin.users import users_table

U = ids.AdminUsers


def render_users(_rev: int | None) -> tuple[Any, ...]:
    """Table, user picker, team, officer and court options, the court field's placeholder."""
    try:
        require_admin("用户管理")
    except authz.Denied as exc:
        return message(str(exc), ok=False), [], [], [], [], ""
    courts = visible_court_ids()
    rows, teams, officers, options = reading(lambda s: (
        users.list_users(s, courts), team_choices(s, courts), officer_choices(s, courts), court_options(s)))
    picks = [{"value": u["username"], "label": f"{u['username']}（{u['display_name']}，{u['role_label']}"
              + ("" if u["active"] else "，已停用") + "）"} for u in rows]
    placeholder = ALL_COURTS if courts is None else "请选择所属法院"
    return users_table(with_local_times(rows, "created_at")), picks, teams, officers, options, placeholder


def fill_form(pick: str | None) -> tuple[Any, ...]:
    """Picking a user fills the form with their current values (clearing the pick empties it)."""
    if not pick:
        return "", "", "officer", None, None, None
    try:
        require_admin("用户管理")
    except authz.Denied:
        return (no_update,) * 6
    found = next((u for u in reading(lambda s: users.list_users(s, visible_court_ids()))
                  if u["username"] == pick), None)
    if found is None:
        return (no_update,) * 6
    return (found["username"], found["display_name"], found["role"], found["team_id"], found["officer_id"],
            found["court_id"] if found["court_id"] is not None else "")


Form = dict[str, Any]


def _add(form: Form) -> str:
    with writing() as s:
        users.create_user(s, form["username"] or "", form["password"] or "", form["role"] or "",
                          display_name=form["display"] or "", team_id=form["team"],
                          officer_id=form["officer"], court_id=court_value(form["court"]),
                          by=authz.current())
    return f"已新增用户“{form['username']}”"


def _picked(form: Form) -> str:
    if not form["pick"]:
        raise ValueError("选择用户：请先在“选择用户”中选定要修改的用户")
    return form["pick"]


def _save(form: Form) -> str:
    name = _picked(form)
    with writing() as s:
        users.update_user(s, name, role=form["role"], team_id=form["team"], officer_id=form["officer"],
                          court_id=court_value(form["court"]), display_name=form["display"] or None,
                          by=authz.current())
    return f"已保存用户“{name}”的角色、团队、干警与所属法院"


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
        officer: int | None, court: Any, rev: int | None) -> tuple[Any, Any, Any]:
    """Run the clicked action; a bad field gets its Chinese message, nothing half-written; a user
    or court outside the admin's courts is refused and audited."""
    action = ACTIONS.get(str(ctx.triggered_id or ""))
    if action is None:
        return no_update, no_update, no_update
    try:
        require_admin("用户管理")
        done = action({"pick": pick, "username": username, "display": display, "password": password,
                       "role": role, "team": team, "officer": officer, "court": court})
    except CourtRefused as exc:
        return message(refused(exc, f"用户 {pick or username or ''}"), ok=False), no_update, no_update
    except (ValueError, authz.Denied) as exc:
        return message(str(exc), ok=False), no_update, no_update
    return message(done), (rev or 0) + 1, ""


def register(app: dash.Dash) -> None:
    app.callback(
        Output(U.TABLE, "children"), Output(U.PICK, "options"), Output(U.TEAM, "options"),
        Output(U.OFFICER, "options"), Output(U.COURT, "options"), Output(U.COURT, "placeholder"),
        Input(U.REV, "data"),
    )(render_users)
    app.callback(
        Output(U.USERNAME, "value"), Output(U.DISPLAY, "value"), Output(U.ROLE, "value"),
        Output(U.TEAM, "value"), Output(U.OFFICER, "value"), Output(U.COURT, "value"),
        Input(U.PICK, "value"),
        prevent_initial_call=True,
    )(fill_form)
    app.callback(
        Output(U.MSG, "children"), Output(U.REV, "data"), Output(U.PASSWORD, "value"),
        *(Input(key, "n_clicks") for key in ACTIONS),
        State(U.PICK, "value"), State(U.USERNAME, "value"), State(U.DISPLAY, "value"),
        State(U.PASSWORD, "value"), State(U.ROLE, "value"), State(U.TEAM, "value"),
        State(U.OFFICER, "value"), State(U.COURT, "value"), State(U.REV, "data"),
        prevent_initial_call=True,
    )(act)
