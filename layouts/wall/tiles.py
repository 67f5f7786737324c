"""KPI tiles: one indicator per tile with its value, year-on-year change and traffic light."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dash import html

from db.indicators.registry import REGISTRY
from layouts.units import wan
from layouts.wall.marks import change, is_below, light_badge, numeral

_BETTER = {"higher": "up", "lower": "down"}
MONEY_KEY = "pending_payout"  # 待发放案款: the indicator, plus ageing from nodes.payments


@dataclass(frozen=True)
class TileSpec:
    key: str  # indicator key in a ScopeResult (db/indicators/registry.py)
    label: str  # short wall label

    @property
    def better(self) -> str | None:
        """'up'/'down': which change is an improvement, from the indicator registry."""
        known = REGISTRY.get(self.key)
        return _BETTER.get(known.direction) if known else None


# The 总览 tiles, in reading order (two rows of five).
OVERVIEW_TILES: tuple[TileSpec, ...] = (
    TileSpec("accepted", "受理"),
    TileSpec("closed", "结案"),
    TileSpec("closure_rate", "结案率"),
    TileSpec("completion_rate", "执行完毕率"),
    TileSpec("recovery_rate", "执行到位率"),
    TileSpec("first_avg_days", "首执平均用时"),
    TileSpec("legal_limit_rate", "法定期限内结案率"),
    TileSpec("termination_rate", "终本率"),
    TileSpec("long_pending", "超12个月未结"),
    TileSpec(MONEY_KEY, "待发放案款"),
)

# The 本月 column beside the trend.
MONTH_TILES: tuple[TileSpec, ...] = (
    TileSpec("accepted", "受理"),
    TileSpec("closed", "结案"),
    TileSpec("closure_rate", "结案率"),
)


def tooltip(spec: TileSpec, indicator: dict[str, Any] | None,
            definition: dict[str, Any] | None) -> str:
    """What a figure is (formula from the registry), its case scope, what its status is judged
    against and any caveat: the words of the snapshot, never written here."""
    indicator, definition = indicator or {}, definition or {}
    lines = [definition.get("formula") or indicator.get("name") or spec.label]
    if definition.get("scope"):
        lines.append(f"口径：{definition['scope']}")
    if indicator.get("basis"):
        lines.append(f"状态：{indicator['basis']}")
    if indicator.get("caveat"):
        lines.append(f"{indicator['caveat']}：期间太短或分母太小，数值仅供参考，不标红绿")
    return "\n".join(lines)


def scope_tag(definition: dict[str, Any] | None) -> html.Span | None:
    """A short visible case-scope label (不含执保, 仅首执) beside a figure's name."""
    scope = (definition or {}).get("scope")
    if not scope or scope == "含执保":
        return None
    return html.Span(f" · {scope}", className="w-kpi-scope")


def kpi_tile(spec: TileSpec, indicator: dict[str, Any] | None,
             definition: dict[str, Any] | None = None) -> html.Div:
    """A KPI tile; says so plainly when the snapshot carries no such indicator."""
    if not indicator:
        return html.Div(
            [
                html.Div(html.Span(spec.label, className="w-kpi-label"), className="w-kpi-head"),
                html.Div(numeral(None), className="w-kpi-value"),
                html.Div("快照中暂无此指标", className="w-kpi-foot"),
            ],
            className="w-kpi w-kpi--missing",
            **{"data-key": spec.key},
        )
    below = is_below(indicator)
    compare = indicator.get("compare_display")
    return html.Div(
        [
            html.Div(
                [html.Span(spec.label, className="w-kpi-label"),
                 light_badge(indicator.get("status"), caveat=indicator.get("caveat"))],
                className="w-kpi-head",
            ),
            html.Div(numeral(indicator.get("display")), className="w-kpi-value w-flash-on-change"),
            change(indicator, spec.better),
            html.Div([f"去年同期 {compare}" if compare else "去年同期 —", scope_tag(definition)],
                     className="w-kpi-foot"),
        ],
        className="w-kpi w-kpi--below" if below else "w-kpi",
        title=tooltip(spec, indicator, definition),
        **{"data-key": spec.key},
    )


def mini_stat(spec: TileSpec, indicator: dict[str, Any] | None,
              definition: dict[str, Any] | None = None) -> html.Div:
    """A compact figure for side panels: label, value and change."""
    if not indicator:
        return html.Div([html.Span(spec.label, className="w-mini-label"), numeral(None)],
                        className="w-mini w-mini--missing", **{"data-key": spec.key})
    return html.Div(
        [
            html.Div([html.Span(spec.label, className="w-mini-label"),
                      light_badge(indicator.get("status"), caveat=indicator.get("caveat"))],
                     className="w-mini-head"),
            html.Div(numeral(indicator.get("display")), className="w-mini-value w-flash-on-change"),
            change(indicator, spec.better),
        ],
        className="w-mini w-mini--below" if is_below(indicator) else "w-mini",
        title=tooltip(spec, indicator, definition),
        **{"data-key": spec.key},
    )


def _wan(value: Any) -> str:
    return f"{wan(value)}万元"


def in_wan(indicator: dict[str, Any]) -> dict[str, Any]:
    """The indicator with its year-on-year change in 万元, like the amount it sits under (the tile's
    foot line gives last year's amount; a percent as well would not fit a wall tile)."""
    value, old = indicator.get("value"), indicator.get("compare_value")
    if value is None or old is None:
        return indicator
    change = Decimal(str(value)) - Decimal(str(old))
    return {**indicator, "delta_display": f"{wan(change, signed=True)}万元"}


def _band_text(band: dict[str, Any]) -> str:
    """"超过30日 22笔": compact, so the tile's foot line fits beside last year's amount."""
    return f"{str(band.get('label', '')).replace(' ', '')} {band.get('count', 0)}笔"


def money_tile(spec: TileSpec, payments: dict[str, Any] | None,
               indicator: dict[str, Any] | None = None,
               definition: dict[str, Any] | None = None) -> html.Div:
    """待发放案款: the engine's amount and year-on-year change, with its ageing from node control."""
    if not payments and not indicator:
        return html.Div(
            [html.Div(html.Span(spec.label, className="w-kpi-label"), className="w-kpi-head"),
             html.Div(numeral(None), className="w-kpi-value"),
             html.Div("快照中暂无此指标", className="w-kpi-foot")],
            className="w-kpi w-kpi--missing", **{"data-key": spec.key})
    payments = payments or {}
    bands = payments.get("bands") or []
    late = bands[-1] if bands else {}
    late_text = _band_text(late) if bands else ""
    if indicator:
        amount = _wan(indicator.get("value"))
        line = change(in_wan(indicator), spec.better)
        foot = " · ".join(x for x in (f"去年 {_wan(indicator.get('compare_value'))}"
                                      if indicator.get("compare_value") is not None else "",
                                      late_text) if x)
    else:
        amount = _wan(payments.get("amount"))
        line = html.Div([html.Span("■" if late.get("count") else "●", className="w-arrow"),
                         html.Span(late_text, className="w-delta-text")],
                        className="w-delta " + ("w-delta--bad" if late.get("count") else "w-delta--good"))
        oldest = payments.get("oldest_days")
        foot = f"共 {payments.get('count', 0)} 笔" + (f" · 最久 {oldest} 天" if oldest is not None else "")
    return html.Div(
        [html.Div(html.Span(spec.label, className="w-kpi-label"), className="w-kpi-head"),
         html.Div(numeral(amount), className="w-kpi-value w-flash-on-change"),
         line,
         html.Div(foot, className="w-kpi-foot")],
        className="w-kpi", title=tooltip(spec, indicator, definition) + "\n账龄分档与本数同一口径（全部案件类型）",
        **{"data-key": spec.key})


def tile_grid(indicators: dict[str, Any], specs: tuple[TileSpec, ...] = OVERVIEW_TILES) -> list[html.Div]:
    """All tiles of a scope's indicators, in the specs' order."""
    return [kpi_tile(spec, indicators.get(spec.key)) for spec in specs]
