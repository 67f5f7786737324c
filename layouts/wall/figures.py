"""Plotly figures of the wall, drawn for a 1920×1080 design canvas (CSS scales them up)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

INK = "#e8eef6"
MUTED = "#93a4bb"
GRID = "rgba(147,164,187,0.16)"
BLUE = "#5cb3ff"
TEAL = "#3fd0b6"
AMBER = "#f5c04a"
GREY = "#8190a5"
FONT = "Barlow Semi Condensed, Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, sans-serif"


def _base_layout(uirevision: str, **extra: Any) -> dict[str, Any]:
    return {
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": FONT, "color": INK, "size": 17},
        "margin": {"l": 64, "r": 28, "t": 56, "b": 44},
        "uirevision": uirevision,  # keep zoom/legend state across data updates
        "transition": {"duration": 0},
        "hoverlabel": {"font": {"size": 16}},
        **extra,
    }


def month_label(month: str, first: bool = False) -> str:
    """'2026-01' → '1月' ('2026年1月' on the first point and at each January)."""
    year, _, mon = month.partition("-")
    if not mon.isdigit():
        return month
    return f"{year}年{int(mon)}月" if first or int(mon) == 1 else f"{int(mon)}月"


def numbers(values: Sequence[Any]) -> list[float | None]:
    """Snapshot values (decimal strings, numbers or null) as floats for plotting."""
    out: list[float | None] = []
    for value in values:
        try:
            out.append(None if value is None else float(value))
        except (TypeError, ValueError):
            out.append(None)
    return out


def _line(name: str, x: list[str], y: Sequence[Any], color: str, **style: Any) -> go.Scatter:
    return go.Scatter(
        name=name, x=x, y=numbers(y), mode=style.pop("mode", "lines+markers"),
        line={"color": color, "width": style.pop("width", 3), **style.pop("line", {})},
        connectgaps=False, hovertemplate="%{x}<br>" + name + " %{y:.2f}%<extra></extra>", **style,
    )


TREND_SERIES = ("closure_rate_ytd", "closure_rate")  # 本年累计 first, monthly as fallback


def trend_figure(trend: dict[str, Any] | None, key: str | None = None) -> go.Figure:
    """12-month 结案率 (本年累计): this year against last year and the monthly targets."""
    months = list((trend or {}).get("months") or [])
    court = (trend or {}).get("court") or {}
    key = key or next((k for k in TREND_SERIES if k in court), TREND_SERIES[-1])
    series = court.get(key) or {}
    targets = ((trend or {}).get("targets") or {}).get(key) or []
    x = [month_label(m, i == 0) for i, m in enumerate(months)]
    fig = go.Figure()
    if any(t is not None for t in targets):
        fig.add_trace(_line("月度目标", x, targets, AMBER, mode="lines", width=2.5,
                            line={"dash": "dot", "shape": "hv"}))
    fig.add_trace(_line("去年同期", x, series.get("compare_values") or [], GREY,
                        width=2.5, line={"dash": "dash"}, marker={"size": 7}))
    values = series.get("values") or []
    fig.add_trace(_line("本年", x, values, BLUE, width=4.5, marker={"size": 11},
                        fill="tozeroy", fillcolor="rgba(92,179,255,0.08)"))
    fig.update_layout(**_base_layout(
        "wall-trend",
        legend={"orientation": "h", "x": 0, "y": 1.16, "font": {"size": 18, "color": INK},
                "traceorder": "reversed"},
        xaxis={"showgrid": False, "color": MUTED, "tickfont": {"size": 17}, "fixedrange": True},
        yaxis={"gridcolor": GRID, "color": MUTED, "ticksuffix": "%", "tickfont": {"size": 17},
               "rangemode": "tozero", "zeroline": False},
    ))
    return fig


def team_figure(teams: Sequence[dict[str, Any]], keys: Sequence[tuple[str, str]]) -> go.Figure:
    """Teams side by side on a few rate indicators; bar labels are the engine's displays."""
    names = [team.get("name", "") for team in teams]
    colors = (BLUE, TEAL, AMBER, GREY)
    fig = go.Figure()
    for (key, label), color in zip(keys, colors, strict=False):
        cells = [(team.get("indicators") or {}).get(key) or {} for team in teams]
        fig.add_trace(go.Bar(
            name=label, x=names, y=numbers([cell.get("value") for cell in cells]),
            text=[cell.get("display") or "" for cell in cells], textposition="outside",
            textfont={"size": 18, "color": INK}, marker={"color": color},
            cliponaxis=False, hovertemplate="%{x} " + label + " %{text}<extra></extra>",
        ))
    fig.update_layout(**_base_layout(
        "wall-teams", barmode="group", bargap=0.28, bargroupgap=0.08,
        legend={"orientation": "h", "x": 0, "y": 1.2, "font": {"size": 18, "color": INK}},
        xaxis={"color": INK, "tickfont": {"size": 19}, "fixedrange": True},
        yaxis={"gridcolor": GRID, "color": MUTED, "ticksuffix": "%", "rangemode": "tozero",
               "tickfont": {"size": 16}, "zeroline": False},
    ))
    return fig
