"""A court's indicator settings: TOML overrides on top of the registry defaults."""
from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from db.cases.vocab import CATEGORIES, TEAM_KINDS
from db.indicators.format import ROUNDING_MODES
from db.indicators.registry import (
    DIRECTIONS,
    REGISTRY,
    UNITS,
    Indicator,
    Thresholds,
    measure_source,
)

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "config" / "indicators.toml"
SCOPES = ("court", "team", "officer")


@dataclass(frozen=True)
class IndicatorSettings:
    indicators: Mapping[str, Indicator]
    scope_categories: Mapping[str, tuple[str, ...]]
    legal_limit_months: int = 6
    non_litigation_limit_months: int = 3
    long_pending_months: int = 12
    payment_limit_days: int = 30
    # the center's deadlines ([center], local practice) and the court's UTC offset for events
    query_limit_days: int = 3
    service_limit_days: int = 10
    renewal_window_days: int = 60
    utc_offset_minutes: int = 480
    team_kind_digits: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    # {series key: {calendar month 1–12: target value}}, e.g. 本年累计结案率的月度底线
    monthly_targets: Mapping[str, Mapping[int, Decimal]] = field(default_factory=dict)
    source: str = ""

    def categories(self, indicator: Indicator, scope: str) -> tuple[str, ...]:
        """Return the case categories an indicator counts at a scope level."""
        return indicator.categories or self.scope_categories[scope]


DEFAULT_SCOPE_CATEGORIES = {
    "court": ("first", "resumed"),
    "team": ("first", "resumed", "preservation"),
    "officer": ("first", "resumed", "preservation"),
}


class SettingsError(ValueError):
    """A settings file entry is invalid; the message names the file and the key."""


def load_indicator_settings(path: str | Path | None = None) -> IndicatorSettings:
    """Load a TOML settings file (None or "" → config/indicators.toml)."""
    file = Path(path) if path else DEFAULT_PATH
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"指标配置文件不存在：{file}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"指标配置文件 {file} 不是有效的 TOML：{exc}") from None
    try:
        return settings_from_dict(data, source=str(file))
    except SettingsError as exc:
        raise SettingsError(f"{file}：{exc}") from None


def settings_from_dict(data: Mapping[str, Any], source: str = "") -> IndicatorSettings:
    """Build settings from parsed TOML data; registry defaults fill what is missing."""
    _known(data, {"rules", "scope_categories", "team_kind_digits", "indicators",
                  "monthly_targets", "center"}, "")
    rules = data.get("rules", {})
    _known(rules, {"legal_limit_months", "non_litigation_limit_months",
                   "long_pending_months", "payment_limit_days"}, "rules")
    ints = {k: _positive_int(v, f"rules.{k}") for k, v in rules.items()}
    center = data.get("center", {})
    _known(center, {"query_limit_days", "service_limit_days", "renewal_window_days",
                    "utc_offset_minutes"}, "center")
    for key, value in center.items():
        if key == "utc_offset_minutes":
            if not isinstance(value, int) or isinstance(value, bool) or abs(value) > 14 * 60:
                raise SettingsError(f"center.utc_offset_minutes 应为 −840 至 840 的整数，实际为“{value}”")
            ints[key] = value
        else:
            ints[key] = _positive_int(value, f"center.{key}")
    scopes = dict(DEFAULT_SCOPE_CATEGORIES)
    for scope, cats in data.get("scope_categories", {}).items():
        if scope not in SCOPES:
            raise SettingsError(f"scope_categories 中未知的统计层级“{scope}”")
        scopes[scope] = _categories(cats, f"scope_categories.{scope}")
    overrides = data.get("indicators", {})
    indicators = {
        key: _indicator(ind, overrides.get(key, {})) for key, ind in REGISTRY.items()
    }
    for key in overrides:
        if key not in REGISTRY:
            raise SettingsError(f"indicators 中未知的指标“{key}”")
    return IndicatorSettings(
        indicators=indicators, scope_categories=scopes,
        team_kind_digits=_team_kind_digits(data.get("team_kind_digits", {})),
        monthly_targets=_monthly_targets(data.get("monthly_targets", {})),
        source=source, **ints,
    )


def _known(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            raise SettingsError(f"{where or '顶层'}中未知的配置项“{key}”")


def _positive_int(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise SettingsError(f"{where} 应为正整数，实际为“{value}”")
    return value


def _categories(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise SettingsError(f"{where} 应为非空的案件类别列表，如 [\"first\", \"resumed\"]")
    for cat in value:
        if cat not in CATEGORIES:
            raise SettingsError(f"{where} 中未知的案件类别“{cat}”（可选：{'、'.join(CATEGORIES)}）")
    return tuple(value)


def _decimal(value: Any, where: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise SettingsError(f"{where} 应为数字，实际为“{value}”") from None


def _thresholds(value: Any, where: str) -> Thresholds:
    if not isinstance(value, Mapping):
        raise SettingsError(f"{where} 应为表，如 {{ good = 90, warn = 80 }}")
    _known(value, {"good", "warn", "low", "high", "margin"}, where)
    return Thresholds(**{k: _decimal(v, f"{where}.{k}") for k, v in value.items()})


_FIELDS = {"name", "unit", "numerator", "denominator", "categories", "direction",
           "rounding", "digits", "thresholds", "description"}


def _indicator(base: Indicator, override: Mapping[str, Any]) -> Indicator:
    where = f"indicators.{base.key}"
    _known(override, _FIELDS, where)
    changes = dict(override)
    if "categories" in changes:
        changes["categories"] = _categories(changes["categories"], f"{where}.categories")
    if "thresholds" in changes:
        changes["thresholds"] = _thresholds(changes["thresholds"], f"{where}.thresholds")
    if changes.get("denominator") == "":
        changes["denominator"] = None
    ind = dataclasses.replace(base, **changes)
    _check(ind, where)
    return ind


def _check(ind: Indicator, where: str) -> None:
    for part in ("numerator", "denominator"):
        name = getattr(ind, part)
        if name is None and part == "denominator":
            continue
        try:
            measure_source(name)
        except ValueError as exc:
            raise SettingsError(f"{where}.{part}：{exc}") from None
    if ind.unit not in UNITS:
        raise SettingsError(f"{where}.unit 应为 {'、'.join(UNITS)} 之一，实际为“{ind.unit}”")
    if ind.direction not in DIRECTIONS:
        raise SettingsError(f"{where}.direction 应为 {'/'.join(DIRECTIONS)} 之一")
    if ind.rounding not in ROUNDING_MODES:
        raise SettingsError(f"{where}.rounding 应为 {'/'.join(ROUNDING_MODES)} 之一")
    if not isinstance(ind.digits, int) or not 0 <= ind.digits <= 6:
        raise SettingsError(f"{where}.digits 应为 0–6 的整数，实际为“{ind.digits}”")


def _team_kind_digits(value: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for kind, per_unit in value.items():
        if kind not in TEAM_KINDS:
            raise SettingsError(f"team_kind_digits 中未知的团队类型“{kind}”")
        for unit, digits in per_unit.items():
            if unit not in UNITS or not isinstance(digits, int) or not 0 <= digits <= 6:
                raise SettingsError(f"team_kind_digits.{kind}.{unit} 应为 0–6 的整数")
        out[kind] = dict(per_unit)
    return out


def _monthly_targets(value: Mapping[str, Any]) -> dict[str, dict[int, Decimal]]:
    out: dict[str, dict[int, Decimal]] = {}
    for series, per_month in value.items():
        if not isinstance(per_month, Mapping):
            raise SettingsError(f"monthly_targets.{series} 应为表，如 {{ 3 = 18, 4 = 29 }}")
        months: dict[int, Decimal] = {}
        for month, target in per_month.items():
            where = f"monthly_targets.{series}.{month}"
            if not str(month).isdigit() or not 1 <= int(month) <= 12:
                raise SettingsError(f"{where}：月份应为 1–12")
            months[int(month)] = _decimal(target, where)
        out[series] = months
    return out
