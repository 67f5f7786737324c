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


def pace_status(ind: Indicator, value: Decimal | None, target: Decimal) -> str:
    """good at or above the time-progress target; warn within the indicator's own
    good–warn margin below it (10 points for 结案率); bad further below."""
    if value is None:
        return "none"
    t = ind.thresholds
    margin = abs(t.good - t.warn) if t and t.good is not None and t.warn is not None else Decimal(0)
    if value >= target:
        return "good"
    return "warn" if value >= target - margin else "bad"
