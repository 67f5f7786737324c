"""/triage 分流台: keep suggestions fresh, list the queue, show the selected case, and act:
confirm / override (reason required) / 分案 / 转繁. Only 指挥中心 and 管理员 (permission TRIAGE);
every action is written to the audit log by db.triage in the same transaction."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import dash
from dash import Input, Output, State, ctx, no_update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from callbacks import authz
from callbacks.context import app_context
from callbacks.desk.courts import page_court_id
from callbacks.desk.data import court_today
from callbacks.desk.params import DB_DOWN, ParamError
from db import triage
from db.auth.access import TRIAGE, Principal
from db.errors import ValidationError
from db.indicators import Period, compute
from db.models import CaseTriage
from db.session import session_scope
from layouts import ids
from layouts.desk import common as desk_ui
from layouts.desk import triage as ui

T = ids.Triage
YEAR_KEYS = ("triage_avg_days", "simple_share", "conversion_rate", "override_rate")


def _require(what: str) -> Principal:
    authz.require_permission(TRIAGE, what)
    who = authz.current()
    assert who is not None  # require_permission refused nobody-signed-in already
    return who


def _figures(session: Session, rows: list[dict[str, Any]], today: dt.date,
             court_id: int) -> list[dict[str, Any]]:
    waiting = [r for r in rows if r["action"] == "confirm"]
    (year,) = compute(session, "court", [court_id], period=Period(dt.date(today.year, 1, 1), today),
                      compare=False, keys=YEAR_KEYS)
    (day,) = compute(session, "court", [court_id], period=Period(today, today), compare=False,
                     keys=("triage_avg_days", "override_rate"))
    y = year["indicators"]
    items = [
        {"name": "待确认", "display": f"{len(waiting)} 件",
         "note": f"最久等待 {max((r['age'] for r in waiting), default=0)} 天",
         "status": "warn" if any(r["age"] > 3 for r in waiting) else "good"},
        {"name": "待分案", "display": f"{sum(r['action'] == 'assign' for r in rows)} 件",
         "note": "已确认繁简、尚未分案"},
        {"name": "建议转繁", "display": f"{sum(r['action'] == 'convert' for r in rows)} 件",
         "note": "已确认简案，首次查控后规则建议转繁"},
        {"name": "今日已分流", "display": f"{day['indicators']['triage_avg_days']['denominator']} 件",
         "note": f"其中改判 {day['indicators']['override_rate']['numerator']} 件"},
    ]
    for key in YEAR_KEYS:
        entry = y[key]
        items.append({"name": f"本年{entry['name']}", "display": entry["display"],
                      "note": f"{entry['numerator']} / {entry['denominator']}",
                      "status": entry["status"]})
    return items


def _pick(rows: list[dict[str, Any]], selected: Any) -> dict[str, Any] | None:
    """Keep the selected case if it is still listed, else the row now at its old place."""
    if not rows:
        return None
    want = selected if isinstance(selected, dict) else {}
    ids_ = [r["case_id"] for r in rows]
    if want.get("id") in ids_:
        index = ids_.index(want["id"])
    else:
        index = min(max(int(want.get("index") or 0), 0), len(rows) - 1)
    return {"id": ids_[index], "index": index}


def render_queue(_rev: int | None, selected: Any) -> tuple[Any, ...]:
    """Queue table, summary cards, the selection, an error box."""
    try:
        _require("分流台")
        today, court = court_today(), page_court_id()
        with session_scope(app_context().sessions) as session:
            triage.refresh(session)
        with app_context().sessions() as session:
            rows = triage.queue(session, today, court)
            figures = _figures(session, rows, today, court)
    except ParamError as exc:  # authz.Denied is one
        return None, None, None, desk_ui.error_box(str(exc))
    except SQLAlchemyError:
        return None, None, no_update, desk_ui.error_box(DB_DOWN)
    chosen = _pick(rows, selected)
    return (ui.queue_table(rows, chosen["id"] if chosen else None), ui.summary(figures), chosen,
            None)


def _row(session: Session, case_id: Any, today: dt.date) -> dict[str, Any] | None:
    rows = triage.queue(session, today, page_court_id())
    return next((r for r in rows if r["case_id"] == case_id), None)


HIDDEN = {"display": "none"}
SHOW: dict[str, str] = {}
TRACK_OPTIONS = [{"label": "简案", "value": "simple"}, {"label": "繁案", "value": "complex"}]
KEEP_OPTIONS = [{"label": "维持简案（不采纳转繁建议）", "value": "simple"},
                {"label": "转繁（另写理由）", "value": "complex"}]


def render_detail(selected: Any) -> tuple[Any, ...]:
    """Detail, primary label, override box style, override track and its options, reason,
    assign box style, team options, team value."""
    blank = ([], "采纳建议（Enter）", HIDDEN, no_update, TRACK_OPTIONS, "", HIDDEN, [], None)
    case_id = selected.get("id") if isinstance(selected, dict) else None
    if case_id is None:
        return blank
    try:
        _require("分流台")
        today = court_today()
        with app_context().sessions() as session:
            row = _row(session, case_id, today)
            if row is None:
                return blank
            found = session.query(CaseTriage).filter(CaseTriage.case_id == case_id).one()
            fired = [{**f, "track_label": triage.TRACKS.get(f["track"], "")}
                     for f in json.loads(found.fired or "[]")]
            history = triage.history(session, case_id)
            teams = triage.workload(session, page_court_id())
    except authz.Denied as exc:
        return [desk_ui.error_box(str(exc))], *blank[1:]
    except SQLAlchemyError:
        return [desk_ui.error_box(DB_DOWN)], *blank[1:]
    action = row["action"]
    primary = {"confirm": f"采纳建议：{row['suggested']}（Enter）", "convert": "接受转繁（Enter）",
               "assign": "分案（Enter）"}[action]
    current = row["track_key"] or row["suggested_track"]
    other = "simple" if (row["suggested_track"] if action != "assign" else current) == "complex" \
        else "complex"
    if action == "convert":
        other = "simple"  # 不采纳转繁：维持简案
    options = [{"label": f"{t['name']} · 在办 {sum(o['open'] for o in t['officers'])} 件",
                "value": t["id"]} for t in teams]
    team = next((t["id"] for t in teams if t["kind"] == current), teams[0]["id"] if teams else None)
    return (ui.detail(row, fired, history), primary, SHOW, other,
            KEEP_OPTIONS if action == "convert" else TRACK_OPTIONS, "",
            SHOW if action == "assign" else HIDDEN, options, team)


def render_officers(team_id: Any) -> tuple[Any, Any]:
    if team_id is None:
        return [], None
    try:
        _require("分流台")
        with app_context().sessions() as session:
            teams = triage.workload(session, page_court_id())
    except (authz.Denied, SQLAlchemyError):
        return [], None
    team = next((t for t in teams if t["id"] == team_id), None)
    if team is None:
        return [], None
    people = team["officers"]
    return ui.officer_options(people), (people[0]["id"] if people else None)


def act(_primary: int | None, _override: int | None, selected: Any, track: Any, reason: Any,
        team: Any, officer: Any, rev: int | None) -> tuple[Any, Any]:
    """Message and the bumped revision (the queue and the detail re-render)."""
    case_id = selected.get("id") if isinstance(selected, dict) else None
    trigger = ctx.triggered_id
    try:
        who = _require("分流台操作")
        if case_id is None:
            raise ValidationError("请先在列表中选择案件（j / k 或 ↑ / ↓）")
        today = court_today()
        with session_scope(app_context().sessions) as session:
            row = _row(session, case_id, today)
            if row is None:
                raise ValidationError("该案件已不在分流队列中")
            text = _apply(session, who, row, trigger == T.OVERRIDE, track, reason, team, officer,
                          today)
    except (ValidationError, ParamError) as exc:  # authz.Denied is a ParamError
        return ui.message(str(exc), ok=False), no_update
    except SQLAlchemyError:
        return ui.message(DB_DOWN, ok=False), no_update
    return ui.message(text), (rev or 0) + 1


def _apply(session: Session, who: Principal, row: dict[str, Any], override: bool, track: Any,
           reason: Any, team: Any, officer: Any, today: dt.date) -> str:
    number, action = row["case_number"], row["action"]
    if action == "confirm":
        if override:
            done = triage.confirm(session, who, row["case_id"], track, reason, today)
        else:
            done = triage.confirm(session, who, row["case_id"], None, "", today)
        label = triage.TRACKS[done.track or ""]
        return f"{number} 已确认为{label}" + ("（改判，已记录理由）" if done.overridden else "") + \
            "；按 Enter 分案"
    if action == "convert":
        if override and track == "simple":
            triage.dismiss_convert(session, who, row["case_id"], reason)
            return f"{number} 维持简案（不采纳转繁建议，已记录理由）"
        triage.change_track(session, who, row["case_id"], "complex",
                            reason if override else f"采纳转繁建议：{row['reason']}", today)
        return f"{number} 已转繁"
    if override:
        change = triage.change_track(session, who, row["case_id"], track, reason, today)
        return f"{number} 已改为{triage.TRACKS[change.new_track]}，请分案"
    entry = triage.assign(session, who, row["case_id"], team, officer, today)
    return f"{number} 已分案（{entry.assigned_on}）"


def register(app: dash.Dash) -> None:
    app.callback(
        Output(T.QUEUE, "children"), Output(T.SUMMARY, "children"), Output(T.SELECTED, "data"),
        Output(T.ERROR, "children"),
        Input(T.REV, "data"), State(T.SELECTED, "data"),
    )(render_queue)
    app.callback(
        Output(T.DETAIL, "children"), Output(T.PRIMARY, "children"),
        Output(T.OVERRIDE_BOX, "style"), Output(T.TRACK, "value"), Output(T.TRACK, "options"),
        Output(T.REASON, "value"),
        Output(T.ASSIGN_BOX, "style"), Output(T.TEAM, "options"), Output(T.TEAM, "value"),
        Input(T.SELECTED, "data"),
    )(render_detail)
    app.callback(Output(T.OFFICER, "options"), Output(T.OFFICER, "value"),
                 Input(T.TEAM, "value"))(render_officers)
    app.callback(
        Output(T.MSG, "children"), Output(T.REV, "data", allow_duplicate=True),
        Input(T.PRIMARY, "n_clicks"), Input(T.OVERRIDE, "n_clicks"),
        State(T.SELECTED, "data"), State(T.TRACK, "value"), State(T.REASON, "value"),
        State(T.TEAM, "value"), State(T.OFFICER, "value"), State(T.REV, "data"),
        prevent_initial_call=True,
    )(act)
