"""/admin/tokens: issue (plaintext shown once), list and revoke wall tokens.

A token belongs to a court (its screens show that court and the courts below it); an admin bound
to a court issues, sees and revokes only tokens of its own courts (else refused and audited)."""
from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, no_update
from flask import has_request_context, request

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
from db.auth.court_bind import ALL_COURTS, CourtRefused
from db.auth.wall_tokens import issue_wall_token, list_wall_tokens, revoke_wall_token
from layouts import ids
from layouts.admin.common import message
from layouts.admin.tokens import issued_box, tokens_table

T = ids.AdminTokens


def render_tokens(_rev: int | None) -> tuple[Any, ...]:
    """Table, revoke picker, court options and the court field's placeholder."""
    try:
        require_admin("大屏令牌")
    except authz.Denied as exc:
        return message(str(exc), ok=False), [], [], ""
    courts = visible_court_ids()
    found, options = reading(lambda s: (list_wall_tokens(s, court_ids=courts), court_options(s)))
    rows = with_local_times(found, "created_at", "revoked_at", "last_used_at")
    picks = [{"value": t["id"], "label": f"{t['id']} · {t['screen']}"} for t in rows if t["active"]]
    return tokens_table(rows), picks, options, ALL_COURTS if courts is None else "请选择所属法院"


def sign_in_url(plaintext: str) -> str:
    base = request.host_url.rstrip("/") if has_request_context() else ""
    return f"{base}/wall/token/{plaintext}"


def issue(_n: int | None, screen: str | None, court: Any, rev: int | None) -> tuple[Any, Any, Any]:
    try:
        require_admin("签发大屏令牌")
        with writing() as s:
            _id, plaintext = issue_wall_token(s, screen or "", authz.current(), court_value(court))
    except CourtRefused as exc:
        return message(refused(exc, f"签发大屏令牌（法院 {court}）"), ok=False), no_update, no_update
    except (ValueError, authz.Denied) as exc:
        return message(str(exc), ok=False), no_update, no_update
    return issued_box((screen or "").strip(), sign_in_url(plaintext)), (rev or 0) + 1, ""


def revoke(_n: int | None, token_id: int | None, rev: int | None) -> tuple[Any, Any]:
    try:
        require_admin("吊销大屏令牌")
        if not token_id:
            raise ValueError("吊销令牌：请先选择要吊销的令牌")
        with writing() as s:
            revoke_wall_token(s, int(token_id), authz.current())
    except CourtRefused as exc:
        return message(refused(exc, f"令牌 {token_id}"), ok=False), no_update
    except (ValueError, authz.Denied) as exc:
        return message(str(exc), ok=False), no_update
    return message(f"已吊销令牌 {token_id}，该屏幕将在数十秒内退出登录"), (rev or 0) + 1


def register(app: dash.Dash) -> None:
    app.callback(Output(T.TABLE, "children"), Output(T.PICK, "options"), Output(T.COURT, "options"),
                 Output(T.COURT, "placeholder"), Input(T.REV, "data"))(render_tokens)
    app.callback(
        Output(T.ISSUED, "children"), Output(T.REV, "data"), Output(T.SCREEN, "value"),
        Input(T.ISSUE, "n_clicks"), State(T.SCREEN, "value"), State(T.COURT, "value"), State(T.REV, "data"),
        prevent_initial_call=True,
    )(issue)
    app.callback(
        Output(T.MSG, "children"), Output(T.REV, "data", allow_duplicate=True),
        Input(T.REVOKE, "n_clicks"), State(T.PICK, "value"), State(T.REV, "data"),
        prevent_initial_call=True,
    )(revoke)
