"""Words generated from the registry: formula text, case-scope labels, status vocabulary.

Every text that explains a figure comes from here, so it cannot drift from the SQL: the
formula names the very measures the engine sums (registry.py, sql.py), the scope label names
the case categories the settings give the indicator at that level, and the status words are
the one vocabulary of every page, the CLI and the exports.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from db.cases.vocab import CATEGORIES
from db.indicators.registry import (
    CASE_ROWS,
    CASE_VALUES,
    CENTER_ROWS,
    CENTER_VALUES,
    OFFICER_ROWS,
    PAYMENT_ROWS,
    PAYMENT_VALUES,
    TRIAGE_ROWS,
    TRIAGE_VALUES,
    Indicator,
    split_measure,
)
from db.indicators.settings import SCOPES, IndicatorSettings

# The one status vocabulary (issue #15 §3): engine status → words. Colours follow the same
# keys everywhere (assets: --good / --warn / --bad; "caveat" and "none" are neutral).
STATUS_WORDS: dict[str, str] = {"good": "达标", "warn": "临界", "bad": "未达标",
                                "caveat": "样本少", "none": ""}
# The categories an official 执行实施 figure counts; a figure narrower or wider says so.
SHORT_CATEGORY = {"first": "首执", "resumed": "执恢", "preservation": "执保", "review": "审查"}


def _source(rows: str) -> tuple[Mapping[str, str], Mapping[str, str]]:
    if rows in CASE_ROWS:
        return CASE_ROWS, CASE_VALUES
    if rows in PAYMENT_ROWS:
        return PAYMENT_ROWS, PAYMENT_VALUES
    if rows in CENTER_ROWS:
        return CENTER_ROWS, CENTER_VALUES
    if rows in TRIAGE_ROWS:
        return TRIAGE_ROWS, TRIAGE_VALUES
    return OFFICER_ROWS, {}


def measure_text(measure: str | None) -> str:
    """"结案数", "结案的结案用时（天）之和", "期内发放的案款笔数" (no 数数)."""
    if not measure:
        return ""
    rows, value = split_measure(measure)
    row_labels, value_labels = _source(rows)
    label = row_labels.get(rows, rows)
    if value:
        return f"{label}的{value_labels.get(value, value)}之和"
    return label if "数" in label else f"{label}数"


def scope_label(categories: tuple[str, ...]) -> str:
    """"不含执保", "仅首执", "含执保": how a figure's case scope differs from the full set."""
    cats = set(categories)
    if cats == {"first"}:
        return "仅首执"
    if cats == {"preservation"}:
        return "仅执保"
    missing = [SHORT_CATEGORY[c] for c in ("first", "resumed", "preservation") if c not in cats]
    if missing:
        return "不含" + "、".join(missing)
    return "含执保"


def categories_text(categories: tuple[str, ...]) -> str:
    return "、".join(CATEGORIES[c].label for c in categories if c in CATEGORIES)


def formula_text(ind: Indicator, categories: tuple[str, ...] | None = None) -> str:
    """E.g. "结案率 = 结案数 ÷ 受理（旧存＋新收）数 × 100%（首执、恢复执行；不含执保）；说明"."""
    expr = measure_text(ind.numerator)
    if ind.denominator:
        expr += f" ÷ {measure_text(ind.denominator)}"
        if ind.unit == "%":
            expr += " × 100%"
    cats = categories or ind.categories
    scope = f"（{categories_text(cats)}；{scope_label(cats)}）" if cats else ""
    text = f"{ind.name} = {expr}{scope}"
    return f"{text}；{ind.description}" if ind.description else text


def definitions(settings: IndicatorSettings) -> dict[str, Any]:
    """Per indicator and scope level: the formula and the case-scope label (snapshot field)."""
    out: dict[str, Any] = {}
    for key, ind in settings.indicators.items():
        out[key] = {scope: {"formula": formula_text(ind, settings.categories(ind, scope)),
                            "scope": scope_label(settings.categories(ind, scope))}
                    for scope in SCOPES}
    return out
