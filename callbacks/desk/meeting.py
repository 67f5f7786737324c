"""/meeting (会议模式): render the focused level, record the trail, export 会议材料.

The browser (assets/meeting.js) moves the selection and sets the focus store; these callbacks
parse it (`MeetingRequest`), fetch with scope checks (`meeting_data.py`) and render
(`layouts/desk/meeting.py`). 会议材料 re-reads every level of the trail on the server.
"""
from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import dash
from dash import Input, Output, State, dcc, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from callbacks import authz
from callbacks.context import app_context
from callbacks.desk.common import register_compare_apply
from callbacks.desk.data import court_today
from callbacks.desk.export import _as_of
from callbacks.desk.meeting_data import (
    extend_trail,
    fetch_material,
    fetch_meeting,
    material_plain,
    material_workbook,
    visit,
)
from callbacks.desk.params import ParamError, problem
from callbacks.desk.request import MeetingRequest
from callbacks.desk.screens import _court
from db.auth.access import EXPORT
from db.export.xlsx import file_name
from layouts import ids
from layouts.desk import common as ui
from layouts.desk import meeting as page

M = ids.Meeting
SHOWN, HIDDEN = "btn meeting-btn", "btn meeting-btn is-hidden"


def _stamp(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else str(value)


def render_meeting(focus: Any, query: dict[str, Any] | None, trail: Any,
                   start: dict[str, Any] | None = None) -> tuple[Any, ...]:
    """Crumbs, title, period line, error, the level's view, and the trail with this visit.
    `start`: the level the opening URL names (used once when the page opens)."""
    try:
        today = court_today()
        request = MeetingRequest.parse(query or {}, focus, today, start)
        shown = fetch_meeting(request, today)
        as_of = _as_of()
    except (ParamError, SQLAlchemyError) as exc:
        return [], "会议模式", "", ui.error_box(problem(exc)), [], no_update
    data = shown.plain()
    period = [html.Span(f"统计期间 {request.choice.label}"), html.Span(f"对比期间 {request.choice.compare_label}"),
              html.Span(f"数据截至 {_stamp(as_of)}", className="meeting-asof")]
    title = [html.Span(shown.level_label, className="meeting-level"), shown.title]
    return (page.crumbs(data["crumbs"]), title, period, None, page.view(data),
            extend_trail(trail, visit(request, shown)))


def export_material(n_clicks: int | None, trail: Any) -> tuple[Any, ...]:
    """会议材料: the trail's levels re-read (scope-checked) as one .xlsx and the printable page."""
    if not n_clicks:
        return no_update, no_update, no_update, no_update
    try:
        authz.require_permission(EXPORT, "会议材料")
        today = court_today()
        zone = ZoneInfo(app_context().settings.get("TIMEZONE") or "Asia/Shanghai")
        made_at = dt.datetime.now(zone).replace(tzinfo=None, microsecond=0)
        material = fetch_material(trail, today, _as_of(), made_at)
        court = _court()["name"]
        content = material_workbook(material)
    except (ParamError, SQLAlchemyError) as exc:
        return no_update, [], ui.error_box(problem(exc)), HIDDEN
    authz.record("export", "会议材料", f"{len(material.visits)} 个层级")
    name = file_name("会议材料", court, day=today)
    message = (f"已导出会议材料（{len(material.visits)} 个层级，数据截至 {_stamp(material.as_of)}）："
               f"{name}；按「打印」打印 A4 讲义")
    return (dcc.send_bytes(content, name), page.material(material_plain(material, court)),
            html.Span(message), SHOWN)


def render_focused(focus: Any, query: dict[str, Any] | None, trail: Any, start: dict[str, Any] | None) -> tuple[Any, ...]:
    """The render callback. The opening URL's level is used once: it becomes the stored focus and
    is cleared, so a later render (the session store restoring itself, a key) starts from there."""
    out = render_meeting(focus, query, trail, start)
    if not start:
        return out + (no_update, no_update)
    opened = out[-1][-1]["focus"] if isinstance(out[-1], list) and out[-1] else no_update
    return out + (opened, {})


def register(app: dash.Dash) -> None:
    app.callback(
        Output(M.CRUMBS, "children"), Output(M.TITLE, "children"), Output(M.PERIOD, "children"),
        Output(M.ERROR, "children"), Output(M.VIEW, "children"), Output(M.TRAIL, "data"),
        Output(M.FOCUS, "data"), Output(M.OPEN_AT, "data"),
        Input(M.FOCUS, "data"), Input(M.QUERY, "data"), State(M.TRAIL, "data"), State(M.OPEN_AT, "data"),
    )(render_focused)
    app.callback(
        Output(M.DOWNLOAD, "data"), Output(M.MATERIAL, "children"), Output(M.MSG, "children"),
        Output(M.PRINT, "className"),
        Input(M.EXPORT, "n_clicks"), State(M.TRAIL, "data"),
        prevent_initial_call=True,
    )(export_material)
    register_compare_apply(app, M)
