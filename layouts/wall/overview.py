"""总览 screen: the court's KPI tiles, the 12-month trend and this month's figures."""
from __future__ import annotations

import functools
from typing import Any

from dash import dcc, html

from layouts import ids
from layouts.wall.figures import trend_figure
from layouts.wall.tiles import (
    MONEY_KEY,
    MONTH_TILES,
    OVERVIEW_TILES,
    kpi_tile,
    mini_stat,
    money_tile,
)


@functools.cache
def _empty_figure() -> dict[str, Any]:
    """The placeholder figure as plain data, built once (a Plotly Figure costs tens of ms)."""
    return trend_figure(None).to_dict()


def empty_figure() -> dict[str, Any]:
    """The placeholder figure (a screen with nothing to plot)."""
    return _empty_figure()


def chart(graph_id: str, kiosk: bool) -> html.Div:
    """A graph in a box that CSS scales from the 1080p design size to the real screen."""
    config = {"displayModeBar": False, "staticPlot": kiosk, "responsive": True}
    return html.Div(
        html.Div(dcc.Graph(id=graph_id, figure=_empty_figure(), config=config,
                           className="w-chart-graph"), className="w-chart-scaled"),
        className="w-chart-box",
    )


def screen(kiosk: bool) -> list[Any]:
    """The empty 总览 frame; the callback fills it from the snapshot."""
    return [
        html.Div(id=ids.Wall.TILES, className="w-kpi-grid"),
        html.Div(
            [
                html.Section(
                    [html.H2(["结案率 · 近12个月", html.Span("本年累计（1月1日至当月末）· 对比去年同期与月度目标",
                                                         className="w-panel-sub")]),
                     chart(ids.Wall.TREND, kiosk)],
                    className="w-panel w-panel--trend",
                ),
                html.Section([html.H2("本月"), html.Div(id=ids.Wall.MONTH, className="w-mini-list")],
                             className="w-panel w-panel--month"),
            ],
            className="w-overview-bottom",
        ),
    ]


def court_view(snapshot: dict[str, Any], period: str) -> dict[str, Any]:
    """The court's indicators of one standard period ({} when absent)."""
    view = ((snapshot.get("views") or {}).get(period) or {}).get("court") or {}
    return view.get("indicators") or {}


def definition(snapshot: dict[str, Any], key: str, scope: str = "court") -> dict[str, Any]:
    """The registry's formula and case-scope label of one indicator at one level."""
    return ((snapshot.get("definitions") or {}).get(key) or {}).get(scope) or {}


def tiles(snapshot: dict[str, Any]) -> list[html.Div]:
    """The ten KPI tiles for 本年至今 (待发放案款 adds its ageing from node control)."""
    indicators = court_view(snapshot, "ytd")
    payments = (snapshot.get("nodes") or {}).get("payments")
    return [money_tile(spec, payments, indicators.get(spec.key), definition(snapshot, spec.key))
            if spec.key == MONEY_KEY
            else kpi_tile(spec, indicators.get(spec.key), definition(snapshot, spec.key))
            for spec in OVERVIEW_TILES]


def month(snapshot: dict[str, Any]) -> list[html.Div]:
    """This month's main figures, with their period."""
    period = (snapshot.get("periods") or {}).get("mtd") or {}
    indicators = court_view(snapshot, "mtd")
    head = html.Div(f"{period.get('start', '')} 至 {period.get('end', '')}", className="w-mini-period")
    return [head, *[mini_stat(spec, indicators.get(spec.key), definition(snapshot, spec.key))
                    for spec in MONTH_TILES]]
