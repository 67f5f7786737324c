"""/center: the 执行指挥中心's own page — today's 查控/送达/执行110 throughput and timeliness,
案款 waiting, per center person (drill-down to cases), 繁简分流 (issue #18 §3). For 指挥中心,
院领导 and 管理员 (whole-court scope); a team lead cannot open it."""
from __future__ import annotations

from typing import Any

from dash import dcc, html

from layouts import ids
from layouts.desk.common import period_bar
from layouts.desk.grids import grid
from layouts.table import table
from layouts.units import wan

N = ids.Center


def layout(**query: Any) -> html.Div:
    """Skeleton; the callback fills it from the URL query kept in QUERY (default: this month)."""
    if not query.get("preset") and not query.get("start"):
        query = {**query, "preset": "month"}  # the center works by the day and the month
    return html.Div(
        [
            dcc.Location(id=N.NAV, refresh="callback-nav"),
            dcc.Store(id=N.QUERY, data={"path_id": None, "query": dict(query)}),
            html.Nav(id=N.CRUMBS, className="crumbs"),
            html.Div([html.H1(id=N.TITLE, children="指挥中心")], className="desk-head"),
            period_bar("/center", query, N, with_compare_dates=False),
            html.Div(id=N.ERROR),
            html.Section([html.H2("今日办理"), html.Div(id=N.TODAY, className="kpi-grid")]),
            html.Section([html.H2("中心人员（点击数字查看案件）"), grid(N.PEOPLE, height="40vh")],
                         className="grid-box"),
            html.Section([html.H2("本期集约事务（对比上年同期）"),
                          html.Div(id=N.KPIS, className="kpi-grid")]),
            html.Div([
                html.Section([html.H2("待发放案款"), html.Div(id=N.FUNDS)], className="center-box"),
                html.Section([html.H2("繁简分流"), html.Div(id=N.TRIAGE)], className="center-box"),
            ], className="center-pair"),
            html.Section([html.H2("中心（单位）"), html.Div(id=N.UNITS)], className="all-indicators"),
            html.Section([html.H2("中心指标（全院，含各团队承办案件中由中心完成的事务）"),
                          html.Div(id=N.INDICATORS)], className="all-indicators"),
        ],
        className="desk desk-center",
    )


def funds_panel(funds: dict[str, Any] | None) -> list[Any]:
    """案款 waiting: amount, count, the oldest, and the ageing bands (plain data in)."""
    if not funds:
        return [html.P("暂无数据", className="muted")]
    amount = float(funds.get("amount") or 0)
    oldest = funds.get("oldest_days")
    head = html.Div([
        html.Div([html.Div("金额", className="kpi-name"),
                  html.Div(f"{wan(amount)}万元", className="kpi-value")], className="kpi-card"),
        html.Div([html.Div("笔数", className="kpi-name"),
                  html.Div(f"{funds.get('count', 0):,}笔", className="kpi-value")], className="kpi-card"),
        html.Div([html.Div("最久未发", className="kpi-name"),
                  html.Div(f"{oldest}天" if oldest is not None else "—", className="kpi-value")],
                 className="kpi-card" + (" status-bad" if (oldest or 0) > 30 else "")),
    ], className="kpi-grid center-funds")
    bands = table(("账龄", "笔数", "金额（元）"),
                  [html.Tr([html.Td(b["label"]), html.Td(f"{b['count']:,}", className="num"),
                            html.Td(f"{float(b['amount']):,.2f}", className="num")])
                   for b in funds.get("bands") or []], className="indicator-table")
    return [head, bands]


def triage_panel(triage: dict[str, Any] | None) -> list[Any]:
    """待分流 (queue ageing) and 转繁 from the triage desk's indicators; a marked slot until they
    exist."""
    if not triage:
        return [html.P("繁简分流台上线后，此处显示待分流数与最久等待、分流平均用时、转繁率及其趋势"
                       "（指标 triage_pending、triage_pending_age、triage_avg_days、conversion_rate）。",
                       className="muted center-slot")]
    waiting = triage.get("waiting") or {}
    oldest = waiting.get("oldest_days")
    cards = [html.Div([html.Div("待分流 · 最久等待", className="kpi-name"),
                       html.Div(f"{oldest}天" if oldest is not None else "—", className="kpi-value")],
                      className="kpi-card" + (" status-bad" if (oldest or 0) > 3 else ""))]
    cards += [html.Div([html.Div(t["name"], className="kpi-name"),
                        html.Div(dcc.Link(t["display"], href=t["href"]) if t.get("href")
                                 else t["display"], className="kpi-value")],
                       className=f"kpi-card status-{t.get('status', 'none')}")
              for t in triage.get("figures") or []]
    bands = html.P("今日待分流按等待天数：" + "，".join(f"{b['label']} {b['count']} 件"
                                               for b in waiting.get("bands") or []),
                   className="muted")
    trend = triage.get("trend") or []
    rates = table(["转繁率", *(m[2:] for m, _ in trend)],
                  html.Tr([html.Td("%")] + [html.Td("—" if v is None else f"{v:g}", className="num")
                                            for _, v in trend]),
                  className="indicator-table center-trend") if trend else None
    return [html.Div(cards, className="kpi-grid center-triage"), bands, rates]
