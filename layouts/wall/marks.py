"""Signals that never rely on colour alone: traffic lights, change arrows, split numerals."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dash import html

from db.indicators.texts import STATUS_WORDS


@dataclass(frozen=True)
class Light:
    symbol: str
    text: str
    css: str


# Indicator status (from the engine's threshold check) → symbol + words + colour class.
# The words are the one vocabulary of db/indicators/texts.py (also the desk, CLI and exports).
LIGHTS: dict[str, Light] = {
    "good": Light("●", STATUS_WORDS["good"], "good"),
    "ok": Light("●", STATUS_WORDS["good"], "good"),
    "warn": Light("◆", STATUS_WORDS["warn"], "warn"),
    "warning": Light("◆", STATUS_WORDS["warn"], "warn"),
    "bad": Light("■", STATUS_WORDS["bad"], "bad"),
    "alert": Light("■", STATUS_WORDS["bad"], "bad"),
    "caveat": Light("○", STATUS_WORDS["caveat"], "caveat"),
}
BELOW = frozenset({"bad", "alert"})

# Direction of a change → arrow and words.
ARROWS: dict[int, tuple[str, str]] = {1: ("▲", "升"), -1: ("▼", "降"), 0: ("＝", "持平")}

_NUMBER = re.compile(r"^([+\-−]?[0-9][0-9,]*(?:\.[0-9]+)?)(.*)$")


def light(status: str | None) -> Light | None:
    """Return the traffic light of an engine status, or None when there is no threshold."""
    return LIGHTS.get(status or "")


def is_below(indicator: dict[str, Any] | None) -> bool:
    """Return whether an indicator is below its threshold."""
    return bool(indicator) and (indicator.get("status") or "") in BELOW


def light_badge(status: str | None, class_name: str = "w-light",
                caveat: str | None = None) -> html.Span | None:
    """A traffic light: coloured symbol plus its word, or None when there is no threshold.
    A caveat status shows the entry's own word (月初, 样本少) in the neutral colour."""
    mark = light(status)
    if mark is None:
        return None
    text = caveat if status == "caveat" and caveat else mark.text
    return html.Span(
        [html.Span(mark.symbol, className="w-light-sym"), html.Span(text, className="w-light-txt")],
        className=f"{class_name} {class_name}--{mark.css}",
    )


def numeral(display: str | None, class_name: str = "w-num") -> html.Span:
    """Show an engine display string with its unit set smaller; the text stays identical."""
    text = display if display not in (None, "") else "—"
    match = _NUMBER.match(text)
    if not match:
        return html.Span(html.Span(text, className="w-num-n"), className=class_name)
    number, unit = match.groups()
    parts = [html.Span(number, className="w-num-n")]
    if unit:
        parts.append(html.Span(unit, className="w-num-u"))
    return html.Span(parts, className=class_name)


def direction(value: Any, compare: Any) -> int | None:
    """Return +1/−1/0 for the change from compare to value, or None when not comparable."""
    try:
        new, old = float(value), float(compare)
    except (TypeError, ValueError):
        return None
    return (new > old) - (new < old)


def tone(sign: int | None, better: str | None) -> str:
    """Colour class of a change: good/bad by the indicator's better direction, else neutral."""
    if not sign or better not in ("up", "down"):
        return "flat"
    return "good" if (sign > 0) == (better == "up") else "bad"


def change(indicator: dict[str, Any], better: str | None, prefix: str = "同比") -> html.Div:
    """A year-on-year change line: arrow, words and the engine's delta display."""
    sign = direction(indicator.get("value"), indicator.get("compare_value"))
    delta = indicator.get("delta_display")
    if sign is None or not delta:
        return html.Div(
            [html.Span("—", className="w-arrow"), html.Span(f"{prefix}无可比数据", className="w-delta-words")],
            className="w-delta w-delta--none",
        )
    arrow, words = ARROWS[sign]
    return html.Div(
        [
            html.Span(arrow, className="w-arrow"),
            html.Span(prefix, className="w-delta-words"),
            html.Span(delta, className="w-delta-text"),
        ],
        className=f"w-delta w-delta--{tone(sign, better)}",
        title=f"{prefix}{words} {delta}",
    )
