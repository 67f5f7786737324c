"""中心 screen: the 执行指挥中心's own work (issue #18 §3) — today's 查控/送达/执行110
throughput and timeliness, 续封, 案款 waiting, the center's people this month, and the
繁简分流 queue (待分流, 转繁) once the triage indicators are in the snapshot.

Reads only the snapshot's "center" part (computed by the refresher, db/snapshot/builder.py)
and nodes.payments (the 案款 ageing); nothing is computed here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dash import html

from layouts import ids
from layouts.table import table
from layouts.units import wan
from layouts.wall.marks import is_below, light_badge, numeral

DUTY_LABELS = {"query": "网络查控员", "service": "送达员", "funds": "案款专管员",
               "dispatch": "执行110"}


@dataclass(frozen=True)
class CenterTile:
    """A tile: `key` in `period` big, then a foot line of other figures."""

    label: str
    key: str
    period: str  # "today" or "mtd"
    foot: tuple[tuple[str, str, str], ...]  # (words, key, period)


TILES: tuple[CenterTile, ...] = (
    CenterTile("今日网络查控", "query_count", "today",
               (("本月", "query_count", "mtd"), ("及时率", "query_timely_rate", "mtd"))),
    CenterTile("查控反馈用时 · 本月", "query_feedback_days", "mtd",
               (("今日", "query_feedback_days", "today"),)),
    CenterTile("今日送达", "served_count", "today",
               (("本月", "served_count", "mtd"), ("及时率", "service_timely_rate", "mtd"))),
    CenterTile("续封及时率 · 本月", "renewal_timely_rate", "mtd",
               (("今日", "renewal_timely_rate", "today"),)),
    CenterTile("今日执行110接警", "alarms_110", "today",
               (("出警率", "dispatch_rate_110", "today"), ("本月出警率", "dispatch_rate_110", "mtd"))),
    CenterTile("接警→出警 · 本月", "dispatch_minutes_110", "mtd",
               (("今日", "dispatch_minutes_110", "today"),)),
    CenterTile("出警→到场 · 本月", "arrival_minutes_110", "mtd",
               (("今日", "arrival_minutes_110", "today"),)),
)
# per duty: (work done: key, part), (timeliness: key)
PEOPLE_FIGURES: dict[str, tuple[tuple[str, str], str]] = {
    "query": (("query_count", "numerator"), "query_timely_rate"),
    "service": (("served_count", "numerator"), "service_timely_rate"),
    "dispatch": (("alarms_110", "numerator"), "dispatch_minutes_110"),
    "funds": (("funds_timely_rate", "denominator"), "funds_timely_rate"),
}
TRIAGE_FIGURES = (("待分流", "triage_pending"), ("平均等待", "triage_pending_age"),
                  ("分流平均用时", "triage_avg_days"), ("转繁率 · 本月", "conversion_rate"))
PEOPLE_ROWS = 6  # per column; two columns side by side


def screen() -> list[Any]:
    """The empty 中心 frame; the callback fills it from the snapshot."""
    return [html.Div(id=ids.Wall.CENTER, className="w-center")]


def _center(snapshot: dict[str, Any]) -> dict[str, Any]:
    return snapshot.get("center") or {}


def _figure(center: dict[str, Any], key: str, period: str) -> dict[str, Any] | None:
    court = ((center.get("periods") or {}).get(period) or {}).get("court") or {}
    return (court.get("indicators") or {}).get(key)


def _tile(center: dict[str, Any], tile: CenterTile) -> html.Div:
    main = _figure(center, tile.key, tile.period)
    foot = []
    for words, key, period in tile.foot:
        entry = _figure(center, key, period) or {}
        foot.append(html.Span([f"{words} ", html.B(entry.get("display") or "—"),
                               light_badge(entry.get("status"), "w-dot", entry.get("caveat"))],
                              className="w-c-foot-item"))
    main = main or {}
    return html.Div(
        [html.Div([html.Span(tile.label, className="w-kpi-label"),
                   light_badge(main.get("status"), caveat=main.get("caveat"))],
                  className="w-kpi-head"),
         html.Div(numeral(main.get("display")), className="w-kpi-value w-flash-on-change"),
         html.Div(foot, className="w-kpi-foot w-c-foot")],
        className="w-kpi w-kpi--below" if is_below(main) else "w-kpi",
        title=main.get("basis") or tile.label, **{"data-key": tile.key})


def _money(snapshot: dict[str, Any], center: dict[str, Any]) -> html.Div:
    """案款 waiting: amount, count and oldest (node control's ageing, every case type)."""
    payments = (snapshot.get("nodes") or {}).get("payments") or {}
    bands = payments.get("bands") or []
    late = bands[-1] if bands else {}
    amount = wan(payments.get("amount"))
    oldest = payments.get("oldest_days")
    timely = _figure(center, "funds_timely_rate", "mtd") or {}
    return html.Div(
        [html.Div([html.Span("待发放案款", className="w-kpi-label"),
                   light_badge("bad" if late.get("count") else "good")], className="w-kpi-head"),
         html.Div(numeral(f"{amount}万元" if payments else None),
                  className="w-kpi-value w-flash-on-change"),
         html.Div([html.Span(["共 ", html.B(f"{payments.get('count', 0)}笔")], className="w-c-foot-item"),
                   html.Span(["最久 ", html.B(f"{oldest}天" if oldest is not None else "—")],
                             className="w-c-foot-item"),
                   html.Span(["本月按期发放 ", html.B(timely.get("display") or "—")],
                             className="w-c-foot-item")],
                  className="w-kpi-foot w-c-foot")],
        className="w-kpi w-kpi--below" if late.get("count") else "w-kpi",
        title="已到账尚未发放的案款（含部分发放的余额）；账龄同节点管控", **{"data-key": "funds_waiting"})


def _person_row(person: dict[str, Any], duty: str | None) -> html.Tr:
    indicators = person.get("indicators") or {}
    work, quality = PEOPLE_FIGURES.get(duty or "", ((None, None), None))
    key, part = work
    done = (indicators.get(key) or {}).get(part) if key else None
    q = indicators.get(quality) if quality else None
    q = q or {}
    return html.Tr(
        [html.Td(person.get("name") or "—", className="w-c-name"),
         html.Td(DUTY_LABELS.get(duty or "", "中心负责人"), className="w-c-duty"),
         html.Td(numeral(f"{done}件" if done is not None else None), className="w-c-val"),
         html.Td([numeral(q.get("display")), light_badge(q.get("status"), "w-dot", q.get("caveat"))],
                 className="w-c-val" + (" w-tt-val--below" if is_below(q) else ""))],
        className="w-c-row")


def _people(center: dict[str, Any]) -> html.Div:
    people = ((center.get("periods") or {}).get("mtd") or {}).get("people") or []
    duties = center.get("duties") or {}
    if not people:
        return html.Div("快照中暂无中心人员数据（中心团队无人员或尚未设置岗位）", className="w-empty")
    ordered = sorted(people, key=lambda p: (list(DUTY_LABELS).index(duties.get(str(p["id"])))
                                           if duties.get(str(p["id"])) in DUTY_LABELS else 9))
    head = ("人员", "岗位", "办理", "及时率/用时")
    columns = [ordered[:PEOPLE_ROWS], ordered[PEOPLE_ROWS:2 * PEOPLE_ROWS]]
    tables = [table(head, [_person_row(p, duties.get(str(p["id"]))) for p in part], className="w-rank-table w-c-people")
              for part in columns if part]
    rest = len(ordered) - 2 * PEOPLE_ROWS
    note = html.Div(f"另有 {rest} 人未列出（见 /center）", className="w-tt-note") if rest > 0 else None
    return html.Div([html.Div(tables, className="w-c-people-cols"), note])


def _triage(center: dict[str, Any]) -> list[Any]:
    triage = center.get("triage")
    if not triage:
        return [html.Div("繁简分流台上线后，此处显示待分流数、最久等待天数、分流平均用时与转繁率趋势"
                         "（指标 triage_pending、triage_pending_age、triage_avg_days、conversion_rate）",
                         className="w-empty w-c-slot")]
    indicators = (triage.get("court") or {}).get("indicators") or {}
    waiting = triage.get("waiting") or {}
    oldest = waiting.get("oldest_days")
    items = [html.Div([html.Div("最久等待", className="w-mini-label"),
                       html.Div(numeral(f"{oldest}天" if oldest is not None else "—"),
                                className="w-mini-value w-flash-on-change")],
                      className="w-c-triage-item", **{"data-key": "triage_oldest"})]
    items += [html.Div([html.Div(label, className="w-mini-label"),
                       html.Div(numeral((indicators.get(key) or {}).get("display")),
                                className="w-mini-value w-flash-on-change")],
                      className="w-c-triage-item", **{"data-key": key})
             for label, key in TRIAGE_FIGURES if key in indicators]
    bands = html.Div([html.Span([f"{b['label']} ", html.B(f"{b['count']}件")], className="w-c-foot-item")
                      for b in waiting.get("bands") or []], className="w-c-foot w-c-bands")
    trend = triage.get("trend") or {}
    pairs = [(m, v) for m, v in zip(trend.get("months") or [], trend.get("values") or [], strict=False)]
    top = max((v for _, v in pairs if v is not None), default=0) or 1
    bars = html.Div([html.Div([html.Div(className="w-c-bar",
                                        style={"height": f"{(v or 0) / top * 80:.0f}%"}),
                               html.Div(m[5:], className="w-c-bar-m")],
                              className="w-c-bar-col", title=f"{m} 转繁率 {v if v is not None else '—'}%")
                     for m, v in pairs], className="w-c-bars") if pairs else None
    return [html.Div(items, className="w-c-triage"), bands,
            html.Div("转繁率 · 近12个月", className="w-mini-label w-c-bars-title") if bars else None, bars]


def content(snapshot: dict[str, Any]) -> list[Any]:
    """The 中心 screen's children from a snapshot."""
    center = _center(snapshot)
    if not center:
        return [html.Div("快照中暂无指挥中心数据", className="w-empty")]
    tiles = [_tile(center, t) for t in TILES] + [_money(snapshot, center)]
    return [
        html.Div(tiles, className="w-kpi-grid w-c-tiles"),
        html.Div([
            html.Section([html.H2(["中心人员 · 本月", html.Span("每人按岗位：办理量与及时率（110为接警→出警分钟）",
                                                          className="w-panel-sub")]),
                          _people(center)], className="w-panel w-c-panel-people"),
            html.Section([html.H2(["繁简分流", html.Span("待分流与转繁（分流台）", className="w-panel-sub")]),
                          *_triage(center)], className="w-panel w-c-panel-triage"),
        ], className="w-c-bottom"),
    ]
