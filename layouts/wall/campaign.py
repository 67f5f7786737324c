"""专项行动 screen: the running campaign, read from across the room. It joins the rotation while a
campaign with 大屏展示 runs (the snapshot's ``campaigns_live``) and leaves when none does.

Figures come from the snapshot (db.campaigns.figures.campaign_report, computed by the refresher);
the charts are the same server-drawn SVG images as on the page and in the 战报."""
from __future__ import annotations

from typing import Any

from dash import html

from layouts import ids
from layouts.desk.campaign_parts import (
    data_uri,
    fmt_pct,
    fmt_target,
    indicator_state,
    progress_svg,
    trend_svg,
)
from layouts.table import table
from layouts.units import wan

HEADLINE = ("closed", "recovered", "disbursed")
SANCTIONS = ("detention", "fine", "blacklist", "consumption_ban", "search", "eviction", "refusal_referral")
EVENT_ROWS = 7
TEAM_ROWS = 8
INDICATOR_CARDS = 3  # targeted registry indicators shown (the page and the 战报 list them all)


def screen() -> list[Any]:
    """The empty frame; the callback fills it from the snapshot."""
    return [html.Div(id=ids.Wall.CAMPAIGN_SCREEN, className="w-cps")]


def live(snapshot: dict[str, Any]) -> dict[str, bool]:
    """Which optional screens have something to show (the rotation adds or drops them)."""
    return {"campaign": bool(snapshot.get("campaigns_live"))}


def _big(m: dict[str, Any]) -> html.Div:
    value = m["value"]
    number, unit = (wan(value), "万元") if m["unit"] == "元" else (f"{int(value):,}", m["unit"])
    target = ""
    if m.get("target"):
        target = f"目标完成 {fmt_pct(m.get('progress'))}"
    return html.Div([html.Div(m["label"], className="w-cps-k"),
                     html.Div([html.Span(number, className="w-num-n w-flash-on-change"),
                               html.Span(unit, className="w-num-u")], className="w-num w-cps-v"),
                     html.Div(target, className="w-cps-t" + (" is-behind" if m.get("behind") else ""))],
                    className="w-cps-big", **{"data-key": m["key"]})


def _indicator(f: dict[str, Any]) -> html.Div:
    """A targeted registry indicator (全院口径 over the scope): value, target and its state."""
    state, good = indicator_state(f)
    return html.Div([html.Div(f["label"], className="w-cps-k"),
                     html.Div(f["display"], className="w-num w-num-n w-cps-iv w-flash-on-change"),
                     html.Div(f"目标{fmt_target(f)} · {state}",
                              className="w-cps-t" + (" is-behind" if good is False else ""))],
                    className="w-cps-ind", **{"data-key": f["key"]})


def _sanction(m: dict[str, Any]) -> html.Div:
    return html.Div([html.Span(f"{int(m['value']):,}", className="w-num w-num-n w-flash-on-change"),
                     html.Span(m["label"], className="w-cps-sk")], className="w-cps-s", **{"data-key": m["key"]})


def _teams(report: dict[str, Any]) -> html.Table:
    head = ("名次", "团队", "执结", "到位（万元）", "惩戒")
    rows = [html.Tr([html.Td(str(t["rank"])), html.Td(t["name"]),
                     html.Td(f"{int(t.get('closed', 0)):,}", className="w-num"),
                     html.Td(wan(t.get('recovered')), className="w-num"),
                     html.Td(f"{int(t.get('sanctions', 0)):,}", className="w-num")])
            for t in report.get("teams", [])[:TEAM_ROWS]]
    return table(head, rows, className="w-cps-table")


def _events(report: dict[str, Any]) -> list[Any]:
    rows = [html.Div([html.Span(e["at"][5:], className="w-num w-cps-at"), html.Span(e["label"], className="w-cps-kind"),
                      html.Span(e["case_number"], className="w-cps-case"),
                      html.Span(e["detail"], className="w-cps-detail")], className="w-cps-ev")
            for e in report.get("events", [])[:EVENT_ROWS]]
    return rows or [html.Div("暂无现场事件", className="w-empty")]


def content(snapshot: dict[str, Any]) -> list[Any]:
    """The first running campaign of the snapshot, or a quiet note when none runs."""
    running = snapshot.get("campaigns_live") or []
    if not running:
        return [html.Div("当前没有进行中的专项行动", className="w-empty")]
    report = running[0]
    by_key = {m["key"]: m for m in report["measures"]}
    others = f"（另有 {len(running) - 1} 项行动进行中）" if len(running) > 1 else ""
    head = html.Div([
        html.Div([html.Span("专项行动", className="w-cps-tag"), html.Span(f"“{report['name']}”", className="w-cps-name")]),
        html.Div(f"{report['start']} 至 {report['end']} · 时间进度 {fmt_pct(report['time_progress'])} · "
                 f"统计至 {report['as_of']}{others}", className="w-cps-period"),
    ], className="w-cps-head")
    figures = html.Div([_big(by_key[k]) for k in HEADLINE], className="w-cps-bigs")
    indicators = report.get("indicators") or []
    if indicators:
        figures = html.Div([figures, html.Div([_indicator(f) for f in indicators[:INDICATOR_CARDS]],
                                              className="w-cps-inds")], className="w-cps-figs")
    sanctions = html.Div([_sanction(by_key[k]) for k in SANCTIONS], className="w-cps-sanctions")
    progress = html.Section([html.H2(["行动进度", html.Span("条：完成目标的比例 · 虚线：时间进度", className="w-panel-sub")]),
                             html.Img(src=data_uri(progress_svg(report, width=760, dark=True, big=True)), className="w-cps-img",
                                      alt="行动进度与时间进度")], className="w-panel w-cps-progress")
    trend = html.Section([html.H2("每日趋势"), html.Img(src=data_uri(trend_svg(report, width=1000, height=380, dark=True, big=True)),
                                                      className="w-cps-img", alt="每日趋势")],
                         className="w-panel w-cps-trend")
    teams = html.Section([html.H2("团队排名"), _teams(report)], className="w-panel w-cps-teams")
    events = html.Section([html.H2(["现场动态", html.Span("当事人信息已脱敏", className="w-panel-sub")]),
                           html.Div(_events(report), className="w-cps-events")], className="w-panel w-cps-feed")
    return [head, html.Div([html.Div([figures, sanctions, progress], className="w-cps-left"),
                            html.Div([trend, html.Div([teams, events], className="w-cps-row")],
                                     className="w-cps-right")], className="w-cps-grid")]
