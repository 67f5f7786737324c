"""/admin/rules: read the rule and holiday files as the server would load them (read-only)."""
from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output

from callbacks.context import app_context
from callbacks.desk.data import court_today, node_rules
from db.nodes.calendar import WorkCalendar
from db.nodes.rules import describe_rules, load_rules_from_settings
from layouts import ids
from layouts.admin import rules as ui
from layouts.desk.common import error_box

R = ids.AdminRules


def calendar_rows(calendar: WorkCalendar) -> list[dict[str, Any]]:
    years = sorted(calendar.complete_years | calendar.incomplete_years)
    return [{"year": y, "complete": y in calendar.complete_years,
             "holidays": sum(1 for d in calendar.holidays if d.year == y),
             "workdays": sum(1 for d in calendar.workdays if d.year == y),
             "source": calendar.sources.get(y, "")} for y in years]


def render_rules(_query: dict[str, Any] | None) -> tuple[Any, ...]:
    """Error, warnings, files, rules table, calendar table."""
    try:
        rules = load_rules_from_settings(app_context().settings)
    except ValueError as exc:  # the loader names the file, node and field in Chinese
        return error_box(f"规则文件有错误，服务仍按上次成功载入的规则计算：{exc}"), [], [], [], []
    try:
        running = node_rules().digest()
    except ValueError:
        running = None
    return (
        None,
        ui.warnings(rules.calendar.coverage_warnings(court_today())),
        ui.files(rules.files, rules.digest(), running),
        ui.rules_table(describe_rules(rules)),
        ui.calendar_table(calendar_rows(rules.calendar)),
    )


def register(app: dash.Dash) -> None:
    app.callback(
        Output(R.ERROR, "children"), Output(R.WARNINGS, "children"), Output(R.FILES, "children"),
        Output(R.RULES, "children"), Output(R.CALENDAR, "children"),
        Input(R.QUERY, "data"),
    )(render_rules)
