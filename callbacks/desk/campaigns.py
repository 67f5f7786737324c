"""/campaigns: fill the list; for 指挥中心 and 管理员 show the form (empty, or `?edit=<id>`), read an
uploaded 案号 workbook, and save (launch or edit, audited) then open the campaign's page."""
from __future__ import annotations

import base64
from typing import Any

import dash
from dash import Input, Output, State, no_update
from sqlalchemy.exc import SQLAlchemyError

from callbacks import authz
from callbacks.desk import campaign_data as data
from callbacks.desk.params import ParamError, problem
from db.campaigns import edit
from db.errors import ValidationError
from layouts import ids
from layouts.desk.campaigns import TARGET_FIELDS, campaign_table, message, target_id
from layouts.desk.common import error_box

C = ids.Campaigns
FIELDS = (C.NAME, C.START, C.END, C.DESCRIPTION, C.TEAMS, C.CATEGORIES, C.CAUSES, C.LIVELIHOOD,
          C.ENTERPRISE, C.AMOUNT_MIN, C.AMOUNT_MAX, C.CASE_NUMBERS, C.ON_WALL)
_EMPTY = ("", "", "", "", [], [], [], "any", "any", "", "", "", ["on"])


def _flag(value: Any) -> str:
    return {True: "yes", False: "no"}.get(value, "any")


def _values(found: dict[str, Any]) -> tuple[Any, ...]:
    scope = found.get("scope") or {}
    return (found["name"], found["started_on"], found["ended_on"], found["description"],
            scope.get("teams") or [], scope.get("categories") or [], scope.get("causes") or [],
            _flag(scope.get("livelihood")), _flag(scope.get("enterprise")),
            scope.get("amount_min") or "", scope.get("amount_max") or "",
            "\n".join(found.get("case_numbers") or []), ["on"] if found.get("on_wall") else [])


def render(query: dict[str, Any] | None) -> tuple[Any, ...]:
    """List, error, form hidden?, form title, team/cause options, field values, target values."""
    query = query or {}
    targets: list[Any] = [""] * len(TARGET_FIELDS)
    try:
        found = data.fetch_list()
        manage = data.may_manage()
        values, title = _EMPTY, "发起专项行动"
        if manage and query.get("edit"):
            stored = data.form_values(query["edit"])
            values, title = _values(stored), f"修改专项行动：{stored['name']}"
            targets = [stored["targets"].get(key, "") for key, _l, _u in TARGET_FIELDS]
    except (ParamError, SQLAlchemyError) as exc:
        return ([], error_box(problem(exc)), True, no_update, [], [], *([no_update] * len(FIELDS)),
                *([no_update] * len(TARGET_FIELDS)))
    return (campaign_table(found["rows"], manage), None, not manage, title, found["teams"], found["causes"],
            *values, *targets)


def read_upload(contents: str | None, current: str | None) -> tuple[Any, Any]:
    """The 案号 of an uploaded workbook, added to those already in the box."""
    if not contents:
        return no_update, no_update
    try:
        if not data.may_manage():
            raise authz.deny("导入案号清单")
        raw = base64.b64decode(contents.split(",", 1)[1], validate=False)
        numbers = edit.case_numbers_from_xlsx(raw)
    except (ValidationError, ParamError, IndexError, ValueError) as exc:
        return no_update, message(str(exc), ok=False)
    merged = list(dict.fromkeys([*(current or "").split(), *numbers]))
    return "\n".join(merged), message(f"已读入 {len(numbers)} 个案号（共 {len(merged)} 个），保存后生效")


def save(_n: int | None, query: dict[str, Any] | None, *state: Any) -> tuple[Any, Any]:
    """Launch or edit; on success open the campaign's page, else say what is wrong in Chinese."""
    (name, start, end, description, teams, categories, causes, livelihood, enterprise, low, high,
     numbers, on_wall) = state[:len(FIELDS)]
    targets = state[len(FIELDS):]
    form = {
        "name": name, "started_on": start, "ended_on": end, "description": description,
        "scope": {"teams": teams or [], "categories": categories or [], "causes": causes or [],
                  "livelihood": livelihood, "enterprise": enterprise, "amount_min": low, "amount_max": high},
        "case_numbers": (numbers or "").split(), "on_wall": "on" in (on_wall or []),
        "targets": {key: value for (key, _l, _u), value in zip(TARGET_FIELDS, targets, strict=True)},
    }
    try:
        campaign_id = data.save(form, (query or {}).get("edit"))
    except (ValidationError, ParamError) as exc:
        return message(str(exc), ok=False), no_update
    except SQLAlchemyError as exc:
        return message(problem(exc), ok=False), no_update
    return message("已保存"), f"/campaigns/{campaign_id}"


def register(app: dash.Dash) -> None:
    app.callback(
        Output(C.LIST, "children"), Output(C.ERROR, "children"), Output(C.FORM, "hidden"),
        Output(C.FORM_OPEN, "children"), Output(C.TEAMS, "options"), Output(C.CAUSES, "options"),
        *[Output(f, "value") for f in FIELDS], *[Output(target_id(k), "value") for k, _l, _u in TARGET_FIELDS],
        Input(C.QUERY, "data"),
    )(render)
    app.callback(Output(C.CASE_NUMBERS, "value", allow_duplicate=True), Output(C.MESSAGE, "children"),
                 Input(C.UPLOAD, "contents"), State(C.CASE_NUMBERS, "value"),
                 prevent_initial_call=True)(read_upload)
    app.callback(
        Output(C.MESSAGE, "children", allow_duplicate=True), Output(C.NAV, "href"),
        Input(C.SAVE, "n_clicks"), State(C.QUERY, "data"), *[State(f, "value") for f in FIELDS],
        *[State(target_id(k), "value") for k, _l, _u in TARGET_FIELDS],
        prevent_initial_call=True,
    )(save)
