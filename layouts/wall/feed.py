"""动态 screen: the live feed of case events and the running special action (专项行动)."""
from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from dash import html

from db.auth.masking import mask_name, mask_text
from db.cases.event_kinds import EVENT_KINDS
from layouts import ids
from layouts.units import wan

FEED_ROWS = 11
# Feed kinds that are not case events (filing, closing, money) → colour group of their chip.
EXTRA_GROUPS: dict[str, str] = {
    "case_filed": "case", "filed": "case", "case_closed": "closed", "closed": "closed",
    "money_received": "money", "money_paid": "money", "payment_in": "money", "payment_out": "money",
}
# 专项行动 results: (snapshot key, label, unit).
CAMPAIGN_RESULTS: tuple[tuple[str, str, str], ...] = (
    ("closed", "结案", "件"),
    ("completed", "执行完毕", "件"),
    ("recovered", "执行到位", "万元"),
    ("evictions", "清场腾退", "次"),
    ("detentions", "司法拘留", "人"),
    ("blacklisted", "纳入失信", "人"),
)


def screen() -> list[Any]:
    """The empty 动态 frame; the callback fills it from the snapshot."""
    return [
        html.Section([html.H2(["实时动态", html.Span("最新执行事项 · 当事人信息已脱敏", className="w-panel-sub")]),
                      html.Div(id=ids.Wall.FEED, className="w-feed")], className="w-panel w-panel--feed"),
        html.Section([html.H2("专项行动"), html.Div(id=ids.Wall.CAMPAIGN, className="w-campaign")],
                     className="w-panel w-panel--campaign"),
    ]


def local_time(at: str | None, tz: str) -> tuple[str, str]:
    """(HH:MM, M月D日) of an ISO timestamp in the court's zone; naive times are taken as UTC."""
    try:
        moment = dt.datetime.fromisoformat(at or "")
    except ValueError:
        return "—", ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(ZoneInfo(tz))
    return local.strftime("%H:%M"), f"{local.month}月{local.day}日"


def _group(kind: str | None) -> str:
    known = EVENT_KINDS.get(kind or "")
    return known.group if known else EXTRA_GROUPS.get(kind or "", "other")


def feed_row(item: dict[str, Any], tz: str) -> html.Div:
    """One event: time, kind chip, case number, who handles it, and the masked detail."""
    clock, day = local_time(item.get("at"), tz)
    who = " · ".join(x for x in (item.get("team"), item.get("officer")) if x)
    party = mask_name(item.get("party")) if item.get("party") else ""
    detail = " ".join(x for x in (party, mask_text(item.get("detail"))) if x)
    return html.Div(
        [html.Div([html.Span(clock, className="w-fd-clock"), html.Span(day, className="w-fd-day")], className="w-fd-time"),
         html.Span(item.get("label") or "事项", className=f"w-chip w-chip--{_group(item.get('kind'))}"),
         html.Div([html.Div([html.Span(item.get("case_number") or "", className="w-fd-case"),
                             html.Span(who, className="w-fd-who")], className="w-fd-line"),
                   html.Div(detail, className="w-fd-detail")], className="w-fd-body")],
        className="w-fd-row",
    )


def feed_rows(snapshot: dict[str, Any], tz: str) -> list[html.Div]:
    """The newest events first, as many as fit on the screen."""
    items = list(snapshot.get("feed") or [])
    items.sort(key=lambda item: item.get("at") or "", reverse=True)
    if not items:
        return [html.Div("暂无最新执行事项", className="w-empty")]
    return [feed_row(item, tz) for item in items[:FEED_ROWS]]


def _amount(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key == "recovered":
        return wan(value)
    return f"{int(value):,}"


def _progress(campaign: dict[str, Any], today: dt.date) -> tuple[str, float]:
    try:
        start, end = dt.date.fromisoformat(campaign["start"]), dt.date.fromisoformat(campaign["end"])
    except (KeyError, TypeError, ValueError):
        return "", 0.0
    total = max((end - start).days + 1, 1)
    done = min(max((today - start).days + 1, 0), total)
    state = "已结束" if today > end else ("未开始" if today < start else f"第 {done} 天 / 共 {total} 天")
    return f"{start:%Y.%m.%d} – {end:%Y.%m.%d} · {state}", done / total


def campaign_card(snapshot: dict[str, Any]) -> list[Any]:
    """The running 专项行动 and its results, or a plain line when none is running."""
    campaign = snapshot.get("campaign")
    if not campaign:
        return [html.Div("当前没有进行中的专项行动", className="w-empty")]
    as_of = str(snapshot.get("as_of") or dt.date.today().isoformat())[:10]
    span, share = _progress(campaign, dt.date.fromisoformat(as_of))
    results = [html.Div([html.Div([html.Span(_amount(key, campaign.get(key)), className="w-num-n"),
                                   html.Span(unit, className="w-num-u")], className="w-num w-cp-value w-flash-on-change"),
                         html.Div(label, className="w-cp-label")], className="w-cp-cell")
               for key, label, unit in CAMPAIGN_RESULTS]
    return [
        html.Div(f"“{campaign.get('name') or '专项行动'}”", className="w-cp-name"),
        html.Div(span, className="w-cp-span"),
        html.Div(html.Div(className="w-cp-bar-fill", style={"width": f"{share * 100:.1f}%"}), className="w-cp-bar"),
        html.Div(results, className="w-cp-grid"),
    ]
