"""Traffic-light status of a value against an indicator's thresholds."""
from __future__ import annotations

from decimal import Decimal

from db.indicators.registry import Indicator, Thresholds


def _higher(value: Decimal, t: Thresholds) -> str:
    if t.good is not None and value >= t.good:
        return "good"
    if t.warn is not None and value >= t.warn:
        return "warn"
    return "bad"


def _lower(value: Decimal, t: Thresholds) -> str:
    if t.good is not None and value <= t.good:
        return "good"
    if t.warn is not None and value <= t.warn:
        return "warn"
    return "bad"


def _range(value: Decimal, t: Thresholds) -> str:
    low = t.low if t.low is not None else value
    high = t.high if t.high is not None else value
    if low <= value <= high:
        return "good"
    if low - t.margin <= value <= high + t.margin:
        return "warn"
    return "bad"


RULES = {"higher": _higher, "lower": _lower, "range": _range}


def status(ind: Indicator, value: Decimal | None) -> str:
    """Return good/warn/bad, or none without a value, direction or thresholds."""
    rule = RULES.get(ind.direction)
    if value is None or rule is None or ind.thresholds is None:
        return "none"
    return rule(value, ind.thresholds)
