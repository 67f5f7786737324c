"""Year-end outlook: where 结案率 and 执行完毕率 land at the current pace, and what a target needs.

Pace = what happened from 1 January to today, per day, carried on to 31 December:
projected 受理 = 受理 so far + 新收 per day × days left; projected 结案/执行完毕 = so far ×
(1 + days left ÷ days elapsed). The cases still needed = ⌈target × projected denominator⌉
− numerator so far. All counts come from db.indicators.compute (SQL over the case rows).
Targets live in config/outlook.toml; an indicator without one uses its "good" threshold.
"""
from __future__ import annotations

import datetime as dt
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from db.errors import ValidationError
from db.indicators import compute
from db.indicators.period import Period
from db.indicators.settings import IndicatorSettings

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "config" / "outlook.toml"
OUTLOOK_KEYS = ("closure_rate", "completion_rate")
BASE_KEYS = ("accepted", "new", "closed", "completed")


@dataclass(frozen=True)
class Target:
    value: Decimal  # percent, e.g. 93
    source: str


def load_targets(path: str | Path | None = None) -> dict[str, Target]:
    """Read [targets.KEY] value/source tables; a missing file means no configured targets."""
    file = Path(path) if path else DEFAULT_PATH
    if not file.exists():
        return {}
    data = tomllib.loads(file.read_text(encoding="utf-8"))
    targets = {}
    for key, entry in data.get("targets", {}).items():
        try:
            value = Decimal(str(entry["value"]))
        except (KeyError, ArithmeticError, ValueError):
            raise ValidationError(f"{file}：targets.{key}.value 应为百分数，如 93", field=key) from None
        if not 0 < value <= 100:
            raise ValidationError(f"{file}：targets.{key}.value 应在 0–100 之间，实际为 {value}", field=key)
        targets[key] = Target(value, str(entry.get("source", "")))
    return targets


def _target(key: str, targets: Mapping[str, Target], settings: IndicatorSettings) -> Target | None:
    if key in targets:
        return targets[key]
    thresholds = settings.indicators[key].thresholds
    if thresholds is not None and thresholds.good is not None:
        return Target(thresholds.good, "指标配置中的达标线（good）")
    return None


def _projected(measure: str, counts: Mapping[str, int], factor: Decimal, per_day_new: Decimal,
               days_left: int) -> Decimal:
    if measure == "accepted":
        return counts["accepted"] + per_day_new * days_left
    return counts[measure] * factor


def _pct(num: Decimal, den: Decimal) -> Decimal | None:
    if den <= 0:
        return None
    return (num * 100 / den).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def year_end_outlook(session: Session, scope: str, scope_id: int, *, today: dt.date,
                     settings: IndicatorSettings, targets: Mapping[str, Target]) -> list[dict[str, Any]]:
    """One entry per outlook indicator: value so far, projected year-end value, cases needed."""
    start, year_end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    (result,) = compute(session, scope=scope, ids=[scope_id], period=Period(start, today),
                        compare=False, settings=settings, keys=[*BASE_KEYS, *OUTLOOK_KEYS])
    ind = result["indicators"]
    counts = {k: int(ind[k]["numerator"]) for k in BASE_KEYS}
    elapsed = (today - start).days + 1
    days_left = (year_end - today).days
    factor = 1 + Decimal(days_left) / elapsed
    per_day_new = Decimal(counts["new"]) / elapsed
    out = []
    for key in OUTLOOK_KEYS:
        spec = settings.indicators[key]
        num_now = int(ind[key]["numerator"])
        den_end = _projected(spec.denominator or "", counts, factor, per_day_new, days_left)
        num_end = _projected(spec.numerator, counts, factor, per_day_new, days_left)
        target = _target(key, targets, settings)
        needed = None
        if target is not None:
            needed = max(math.ceil(target.value * den_end / 100) - num_now, 0)
        out.append({
            "key": key, "name": spec.name, "display": ind[key]["display"],
            "numerator": num_now, "denominator": int(ind[key]["denominator"] or 0),
            "projected": _pct(num_end, den_end), "projected_denominator": int(den_end),
            "expected_more": int(num_end - num_now),
            "target": target.value if target else None, "target_source": target.source if target else "",
            "needed": needed, "days_left": days_left, "start": start, "end": today,
        })
    return out
