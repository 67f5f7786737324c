"""/center: the center's own indicators today and for the chosen period, 案款 waiting, per
center person (every number links to its cases) and the 繁简分流 slot. Whole-court scope only:
the page rule admits 指挥中心/领导/管理员 and the data function checks the scope again."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import dash
from dash import Input, Output, html
from sqlalchemy.exc import SQLAlchemyError

from callbacks import authz
from callbacks.desk.common import jsonable, register_apply
from callbacks.desk.courts import page_court_id
from callbacks.desk.data import (
    court_today,
    indicator_settings,
    scope_results,
    with_session,
)
from callbacks.desk.links import cases_href, value_part
from callbacks.desk.params import ParamError, problem
from callbacks.desk.request import CenterRequest
from callbacks.desk.views import STATUS_LABELS, indicator_rows, number
from db.indicators import monthly_trend
from db.indicators.center import triage_ageing
from db.indicators.period import Period, month_periods, shift_months
from db.indicators.registry import CENTER_KEYS
from db.nodes.ageing import payment_ageing
from db.queries.overview import center_staff
from layouts import ids
from layouts.desk import center as page
from layouts.desk import common as ui
from layouts.desk.grids import indicator_columns

N = ids.Center
TODAY_KEYS = ("query_count", "query_timely_rate", "served_count", "service_timely_rate",
              "alarms_110", "dispatch_rate_110", "dispatch_minutes_110", "arrival_minutes_110")
PERIOD_KEYS = ("query_timely_rate", "query_feedback_days", "service_timely_rate",
               "dispatch_rate_110", "dispatch_minutes_110", "arrival_minutes_110",
               "renewal_timely_rate", "funds_timely_rate")
PEOPLE_KEYS = ("query_count", "query_timely_rate", "query_feedback_days", "served_count",
               "service_timely_rate", "alarms_110", "dispatch_rate_110", "dispatch_minutes_110",
               "arrival_minutes_110", "renewal_timely_rate", "funds_payout_days",
               "funds_timely_rate")
DUTY_LABELS = {"query": "网络查控员", "service": "送达员", "funds": "案款专管员",
               "dispatch": "执行110"}
# The 繁简分流 figures of the triage desk (branch `triage`), shown once the registry has them.
TRIAGE_KEYS = ("triage_pending", "triage_pending_age", "triage_avg_days", "conversion_rate",
               "override_rate", "simple_share")


def _keys(wanted: tuple[str, ...]) -> tuple[str, ...]:
    known = indicator_settings().indicators
    return tuple(k for k in wanted if k in known)


def _person_row(result: dict[str, Any], duty: str | None, period: Period) -> dict[str, Any]:
    settings = indicator_settings()
    row: dict[str, Any] = {"id": result["id"], "name": result["name"], "name__href": "",
                           "duty": DUTY_LABELS.get(duty or "", "中心负责人")}
    for key in _keys(PEOPLE_KEYS):
        entry = result["indicators"][key]
        ind = settings.indicators[key]
        row[key] = number(entry["value"])
        row[f"{key}__d"] = entry["display"]
        row[f"{key}__s"] = entry["status"]
        row[f"{key}__delta"] = STATUS_LABELS.get(entry["status"], "")
        row[f"{key}__href"] = cases_href(key, value_part(ind), "officer", result["id"], period)
    return row


def _triage(period: Period, court_id: int, today: dt.date) -> dict[str, Any] | None:
    """The triage desk's figures for the period, today's queue ageing and the 12-month 转繁率."""
    keys = _keys(TRIAGE_KEYS)
    if not keys:
        return None
    (court,) = scope_results("court", [court_id], period, None, keys)
    rows = indicator_rows(court, period)
    months = month_periods(shift_months(today.replace(day=1), -11), 12)
    months[-1] = Period(months[-1].start, today)
    trend: list[tuple[str, Any]] = []
    if "conversion_rate" in keys:
        found = with_session("center-conversion", (court_id, tuple(months)), lambda s: monthly_trend(
            s, "conversion_rate", "court", [court_id], months, indicator_settings()))
        trend = list(zip((p.start.strftime("%Y-%m") for p in months), found.get(court_id, []),
                         strict=False))
    return {"figures": [{"name": r["name"], "display": r["display"], "href": r["value__href"],
                         "status": r["status"]} for r in rows],
            "waiting": with_session("center-triage-ageing", (court_id, today),
                                    lambda s: triage_ageing(s, today, court_id=court_id)),
            "trend": trend}


def fetch_center(query: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    """Everything /center shows, as plain data (whole-court scope required)."""
    court_id = page_court_id()
    authz.require_court(court_id)
    choice = CenterRequest.parse(query, today).choice
    keys = _keys(CENTER_KEYS)
    courts = scope_results("court", [court_id], choice.period, choice.compare, keys)
    if not courts:
        raise ParamError("尚未载入法院数据")
    court = courts[0]
    day = Period(today, today)
    (court_day,) = scope_results("court", [court["id"]], day, None, keys)
    staff = with_session("center-staff", (court_id,), lambda s: center_staff(s, court_id))
    people = scope_results("officer", [p["id"] for p in staff["people"]], choice.period, None,
                           keys) if staff["people"] else []
    units = scope_results("team", [u["id"] for u in staff["units"]], choice.period,
                          choice.compare, keys) if staff["units"] else []
    duties = {p["id"]: p["duty"] for p in staff["people"]}
    rows = indicator_rows(court, choice.period, choice.compare)
    by_key = {r["key"]: r for r in rows}
    day_rows = {r["key"]: r for r in indicator_rows(court_day, day)}
    return {
        "title": f"{court['name']} · 指挥中心 · {choice.label}",
        "today": [day_rows[k] for k in TODAY_KEYS if k in day_rows],
        "kpis": [by_key[k] for k in PERIOD_KEYS if k in by_key],
        "indicators": rows,
        "funds": with_session("center-funds", (court_id, today),
                              lambda s: payment_ageing(s, today, court_id=court_id)),
        "people": [_person_row(r, duties.get(r["id"]), choice.period) for r in people],
        "units": [(u["name"], indicator_rows(u, choice.period, choice.compare)) for u in units],
        "triage": _triage(choice.period, court["id"], today),
    }


def _columns() -> list[dict[str, Any]]:
    settings = indicator_settings()
    cols = indicator_columns("人员", [(k, settings.indicators[k].name, settings.indicators[k].unit)
                                      for k in _keys(PEOPLE_KEYS)])
    cols.insert(1, {"field": "duty", "headerName": "岗位", "minWidth": 110, "pinned": "left"})
    return cols


def render_center(data: dict[str, Any] | None) -> tuple[Any, ...]:
    """Crumbs, title, error, today's cards, the period's cards, 案款, 分流, people, units, table."""
    data = data or {}
    try:
        found = fetch_center(data.get("query") or {}, court_today())
    except (ParamError, SQLAlchemyError) as exc:
        return ([], "指挥中心", ui.error_box(problem(exc)), [], [], [], [], [], [], [], [])
    units = [html.Div([html.H3(name), ui.indicator_table(rows)]) for name, rows in found["units"]]
    return (
        ui.crumbs([("首页", "/"), ("指挥中心", "")]),
        found["title"],
        None,
        ui.kpi_cards(found["today"]),
        ui.kpi_cards(found["kpis"]),
        page.funds_panel(found["funds"]),
        page.triage_panel(found["triage"]),
        _columns(),
        jsonable(found["people"]),
        units or [html.P("未设置指挥中心（团队类型 center）", className="muted")],
        ui.indicator_table(found["indicators"]),
    )


def register(app: dash.Dash) -> None:
    app.callback(
        Output(N.CRUMBS, "children"), Output(N.TITLE, "children"), Output(N.ERROR, "children"),
        Output(N.TODAY, "children"), Output(N.KPIS, "children"), Output(N.FUNDS, "children"),
        Output(N.TRIAGE, "children"), Output(N.PEOPLE, "columnDefs"), Output(N.PEOPLE, "rowData"),
        Output(N.UNITS, "children"), Output(N.INDICATORS, "children"),
        Input(N.QUERY, "data"),
    )(render_center)
    register_apply(app, N)
