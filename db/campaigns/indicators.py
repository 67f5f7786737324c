"""Registry indicators (结案率, 执行完毕率, 首执平均用时 …) as campaign targets, over the campaign's
case scope and period — computed by the indicator engine, not by a second formula.

A campaign's target on an indicator is stored with its measures' targets under the key
``ind.<indicator key>`` (``campaigns.targets``). The figure is ``db.indicators.compute`` at the
court level for the campaign's period so far, with the scope's condition on `cases`
(``scope.case_condition``) as the engine's ``cases_where``; its explain list is
``db.indicators.explain`` with the same condition. So with a scope of every case of the court,
the figure is the court's figure for that period.

Direction: for a higher-is-better indicator the target is a floor (达标 when value ≥ target), for a
lower-is-better one a ceiling (达标 when value ≤ target). 行动进度 is value ÷ target (higher) or
target ÷ value (lower), capped at 1 for the lower ones. A count (no denominator, higher is
better) accumulates over the period, so it is 落后 like a measure when its progress is below the
time progress; a ratio or an average is 落后 when it misses its target.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from db.campaigns.scope import case_condition
from db.errors import ValidationError
from db.indicators import compute
from db.indicators import explain as indicator_explain
from db.indicators.period import Period
from db.indicators.registry import REGISTRY, Indicator, measure_source
from db.indicators.settings import IndicatorSettings, load_indicator_settings
from db.models import Campaign

PREFIX = "ind."


def targetable(ind: Indicator) -> bool:
    """An indicator a campaign may target: it has a direction and is made of case rows only."""
    parts = [ind.numerator] + ([ind.denominator] if ind.denominator else [])
    return ind.direction in ("higher", "lower") and all(measure_source(m) != "officers" for m in parts)


# key → indicator, in registry order
TARGETABLE: dict[str, Indicator] = {k: i for k, i in REGISTRY.items() if targetable(i)}


def target_key(indicator_key: str) -> str:
    return PREFIX + indicator_key


def indicator_targets(raw: dict[str, Any]) -> dict[str, float]:
    """{indicator key: target} of a campaign's stored targets."""
    out = {}
    for key, value in raw.items():
        if key.startswith(PREFIX) and key[len(PREFIX):] in TARGETABLE and value not in (None, ""):
            out[key[len(PREFIX):]] = float(value)
    return out


def check_target(key: str, value: Any) -> float | None:
    """A submitted target of `ind.<key>` as a number, None when empty; a Chinese message if bad."""
    name = key[len(PREFIX):]
    ind = TARGETABLE.get(name)
    if ind is None:
        raise ValidationError(f"“{name}”不是可作专项行动目标的指标", field="targets")
    if value in (None, ""):
        return None
    try:
        number = float(str(value).replace(",", "").replace("%", "").strip())
    except ValueError:
        raise ValidationError(f"{ind.name}的目标应为数字，实际为“{value}”", field=f"target.{key}") from None
    if not number > 0 or number > 1e13:
        raise ValidationError(f"{ind.name}的目标应大于 0，实际为“{value}”", field=f"target.{key}")
    return number


def _judge(ind: Indicator, value: float | None, target: float,
           share: float) -> tuple[float | None, bool, bool]:
    """(行动进度, 达标, 落后) of one value against its target."""
    if value is None:
        return None, False, False
    if ind.direction == "lower":
        met = value <= target
        progress = 1.0 if value <= 0 else min(1.0, target / value)
        return progress, met, not met
    progress = value / target
    met = value >= target
    behind = progress < share if ind.denominator is None else not met
    return progress, met, behind


def indicator_figures(session: Session, campaign: Campaign, start: dt.date, end: dt.date,
                      targets: dict[str, float], share: float,
                      settings: IndicatorSettings | None = None) -> list[dict[str, Any]]:
    """One entry per targeted indicator: value (None before the start or without cases),
    numerator, denominator, target, progress, met, behind — in the report's JSON shape."""
    if not targets:
        return []
    settings = settings or load_indicator_settings(None)
    keys = [k for k in TARGETABLE if k in targets and k in settings.indicators]
    found: dict[str, Any] = {}
    if keys and end >= start:
        rows = compute(session, "court", [campaign.court_id], Period(start, end), compare=False,
                       settings=settings, keys=keys, cases_where=case_condition(session, campaign))
        found = rows[0]["indicators"] if rows else {}
    out = []
    for key in keys:
        ind, entry = settings.indicators[key], found.get(key) or {}
        value = None if entry.get("value") is None else float(entry["value"])
        progress, met, behind = _judge(ind, value, targets[key], share)
        out.append({"key": target_key(key), "indicator": key, "label": ind.name, "unit": ind.unit,
                    "direction": ind.direction, "value": value, "display": entry.get("display") or "—",
                    "numerator": entry.get("numerator"), "denominator": entry.get("denominator"),
                    "target": targets[key], "progress": progress, "met": met, "behind": behind,
                    "rule": "不低于" if ind.direction == "higher" else "不高于"})
    return out


def explain_rows(session: Session, campaign: Campaign, key: str, start: dt.date, end: dt.date,
                 settings: IndicatorSettings | None = None) -> dict[str, list[dict[str, Any]]]:
    """The cases (or payments) behind a targeted indicator's numerator and denominator."""
    settings = settings or load_indicator_settings(None)
    if key not in TARGETABLE or key not in settings.indicators:
        raise ValidationError(f"“{key}”不是可作专项行动目标的指标", field="measure")
    if end < start:
        return {"numerator": [], "denominator": []}
    return indicator_explain(session, key, "court", campaign.court_id, Period(start, end), settings,
                             cases_where=case_condition(session, campaign))
