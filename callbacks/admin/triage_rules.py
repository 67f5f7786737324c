"""/admin/triage-rules: edit the 繁简分流 rule table; each change is kept in its history and the
audit log (action triage_rule)."""
from __future__ import annotations

import json
from typing import Any

import dash
from dash import Input, Output, State, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from callbacks import authz
from callbacks.admin.common import reading, require_admin, writing
from callbacks.desk.params import DB_DOWN
from db import triage
from db.auth import audit
from db.errors import ValidationError
from db.triage.conditions import (
    CATEGORY_LABELS,
    CONDITION_LABELS,
    DEBTOR_KINDS,
    QUERY_RESULTS,
)
from layouts import ids
from layouts.admin import triage_rules as ui
from layouts.admin.common import message

R = ids.AdminTriageRules
VALUES = {"debtor_kind": "/".join(f"{k}（{v}）" for k, v in DEBTOR_KINDS.items()),
          "query": "/".join(f"{k}（{v}）" for k, v in QUERY_RESULTS.items()),
          "categories": "/".join(f"{k}（{v}）" for k, v in CATEGORY_LABELS.items()),
          "origin_track": "simple（简案）/complex（繁案）"}


def render(_rev: int | None) -> tuple[Any, Any, Any]:
    try:
        require_admin("分流规则")
        rows = reading(triage.rule_rows)
        history = reading(triage.history_rows)
    except authz.Denied as exc:
        return message(str(exc), ok=False), [], []
    except SQLAlchemyError:
        return message(DB_DOWN, ok=False), [], []
    picks = [{"label": "＋ 新增规则", "value": ui.NEW}] + [
        {"label": f"{r['position']} · {r['name']}（{r['track_label']}）", "value": r["id"]} for r in rows]
    return (html.Div([ui.rules_table(rows), ui.condition_help(CONDITION_LABELS, VALUES)]),
            [html.H2("修改记录"), ui.history_table(history)], picks)


def fill(pick: Any) -> tuple[Any, ...]:
    """Name, position, track, reason, conditions, active of the picked rule (blank for 新增)."""
    if pick in (None, ui.NEW):
        return "", None, "simple", "", "{}", ["on"]
    try:
        require_admin("分流规则")
        rows = reading(triage.rule_rows)
    except (authz.Denied, SQLAlchemyError):
        return (no_update,) * 6
    row = next((r for r in rows if r["id"] == pick), None)
    if row is None:
        return "", None, "simple", "", "{}", ["on"]
    pretty = json.dumps(json.loads(row["conditions"]), ensure_ascii=False, indent=1)
    return row["name"], row["position"], row["track"], row["reason"], pretty, \
        ["on"] if row["active"] else []


def _rule_id(pick: Any) -> int:
    try:
        return int(pick)
    except (TypeError, ValueError):
        raise ValidationError(f"规则“{str(pick)[:20]}”不存在") from None


def save(_n: int | None, pick: Any, name: Any, position: Any, track: Any, reason: Any,
         conditions: Any, active: Any, rev: int | None) -> tuple[Any, Any]:
    try:
        require_admin("修改分流规则")
        who = authz.current()
        actor = who.username if who else ""
        with writing() as s:
            row = triage.save_rule(s, actor=actor, rule_id=None if pick in (None, ui.NEW) else _rule_id(pick),
                                   name=name, track=track, reason=reason, conditions=conditions or "{}",
                                   position=position, active=bool(active))
            audit.record(s, actor=who, action="triage_rule", target=row.name,
                         detail=f"{'新增' if pick in (None, ui.NEW) else '修改'}：顺序 {row.position}，"
                                f"{triage.TRACKS[row.track]}，条件 {row.conditions}")
            name_ = row.name
    except (ValueError, authz.Denied) as exc:  # ValidationError is a ValueError
        return message(f"未保存：{exc}", ok=False), no_update
    except SQLAlchemyError:
        return message(DB_DOWN, ok=False), no_update
    return message(f"已保存规则“{name_}”；新立案件和尚未确认的建议按新规则求值"), (rev or 0) + 1


def delete(_n: int | None, pick: Any, rev: int | None) -> tuple[Any, Any]:
    try:
        require_admin("删除分流规则")
        if pick in (None, ui.NEW):
            raise ValidationError("请先选择要删除的规则")
        rule_id = _rule_id(pick)
        who = authz.current()
        with writing() as s:
            triage.delete_rule(s, actor=who.username if who else "", rule_id=rule_id)
            audit.record(s, actor=who, action="triage_rule", target=str(pick), detail="删除")
    except (ValidationError, authz.Denied) as exc:
        return message(str(exc), ok=False), no_update
    except SQLAlchemyError:
        return message(DB_DOWN, ok=False), no_update
    return message(f"已删除规则 {pick}（修改记录中保留其内容）"), (rev or 0) + 1


def register(app: dash.Dash) -> None:
    app.callback(Output(R.TABLE, "children"), Output(R.HISTORY, "children"), Output(R.PICK, "options"),
                 Input(R.REV, "data"))(render)
    app.callback(Output(R.NAME, "value"), Output(R.POSITION, "value"), Output(R.TRACK, "value"),
                 Output(R.REASON, "value"), Output(R.CONDITIONS, "value"), Output(R.ACTIVE, "value"),
                 Input(R.PICK, "value"))(fill)
    app.callback(Output(R.MSG, "children"), Output(R.REV, "data", allow_duplicate=True),
                 Input(R.SAVE, "n_clicks"), State(R.PICK, "value"), State(R.NAME, "value"),
                 State(R.POSITION, "value"), State(R.TRACK, "value"), State(R.REASON, "value"),
                 State(R.CONDITIONS, "value"), State(R.ACTIVE, "value"), State(R.REV, "data"),
                 prevent_initial_call=True)(save)
    app.callback(Output(R.MSG, "children", allow_duplicate=True),
                 Output(R.REV, "data", allow_duplicate=True),
                 Input(R.DELETE, "n_clicks"), State(R.PICK, "value"), State(R.REV, "data"),
                 prevent_initial_call=True)(delete)
