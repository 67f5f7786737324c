"""/admin/sources: issue (plaintext shown once), list and revoke event-API source tokens."""
from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, no_update

from callbacks import authz
from callbacks.admin.common import reading, require_admin, with_local_times, writing
from db.events.sources import issue_source_token, list_sources, revoke_source
from layouts import ids
from layouts.admin.common import message
from layouts.admin.sources import issued_box, sources_table

S = ids.AdminSources


def render_sources(_rev: int | None) -> tuple[Any, Any]:
    try:
        require_admin("事件接口")
    except authz.Denied as exc:
        return message(str(exc), ok=False), []
    rows = with_local_times(reading(list_sources), "created_at", "revoked_at", "last_used_at")
    picks = [{"value": s["id"], "label": f"{s['id']} · {s['name']}"} for s in rows if s["active"]]
    return sources_table(rows), picks


def issue(_n: int | None, name: str | None, rev: int | None) -> tuple[Any, Any, Any]:
    try:
        require_admin("签发事件接口令牌")
        with writing() as s:
            _id, plaintext = issue_source_token(s, name or "", authz.current())
    except (ValueError, authz.Denied) as exc:
        return message(str(exc), ok=False), no_update, no_update
    return issued_box((name or "").strip(), plaintext), (rev or 0) + 1, ""


def revoke(_n: int | None, source_id: int | None, rev: int | None) -> tuple[Any, Any]:
    try:
        require_admin("吊销事件接口令牌")
        if not source_id:
            raise ValueError("吊销令牌：请先选择要吊销的来源")
        with writing() as s:
            revoke_source(s, int(source_id), authz.current())
    except (ValueError, authz.Denied) as exc:
        return message(str(exc), ok=False), no_update
    return message(f"已吊销事件来源 {source_id} 的令牌，其后的调用一律拒绝"), (rev or 0) + 1


def register(app: dash.Dash) -> None:
    app.callback(Output(S.TABLE, "children"), Output(S.PICK, "options"), Input(S.REV, "data"))(render_sources)
    app.callback(
        Output(S.ISSUED, "children"), Output(S.REV, "data"), Output(S.NAME, "value"),
        Input(S.ISSUE, "n_clicks"), State(S.NAME, "value"), State(S.REV, "data"),
        prevent_initial_call=True,
    )(issue)
    app.callback(
        Output(S.MSG, "children"), Output(S.REV, "data", allow_duplicate=True),
        Input(S.REVOKE, "n_clicks"), State(S.PICK, "value"), State(S.REV, "data"),
        prevent_initial_call=True,
    )(revoke)
