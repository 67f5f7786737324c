"""Indicator engine: registry, court settings, set-based SQL, values and explanations.

May import: the ``db`` root modules, ``db.models``, ``db.cases`` (vocabularies).
"""
from __future__ import annotations

from db.indicators.engine import compute, compute_all, monthly_trend
from db.indicators.explain import explain
from db.indicators.period import Period, month_periods
from db.indicators.registry import REGISTRY, Indicator, Thresholds
from db.indicators.settings import (
    IndicatorSettings,
    SettingsError,
    load_indicator_settings,
    settings_from_dict,
)

__all__ = [
    "REGISTRY",
    "Indicator",
    "IndicatorSettings",
    "Period",
    "SettingsError",
    "Thresholds",
    "compute",
    "compute_all",
    "explain",
    "load_indicator_settings",
    "month_periods",
    "monthly_trend",
    "settings_from_dict",
]
