"""Rows the desk pages show, as plain data: the same rows feed the grids and the Excel export."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from callbacks.desk.data import indicator_settings
from callbacks.desk.links import cases_href, formula_text, value_part
from db.indicators.period import Period
from db.indicators.texts import STATUS_WORDS

GRID_KEYS = ("accepted", "closed", "closure_rate", "completed", "completion_rate",
             "termination_rate", "recovery_rate", "legal_limit_rate", "avg_days", "long_pending")
KPI_KEYS = ("closure_rate", "completion_rate", "termination_rate", "recovery_rate",
            "first_avg_days", "legal_limit_rate", "accepted", "closed")
STATUS_LABELS = {**STATUS_WORDS, "none": "—"}


def number(value: Any) -> float | None:
    """JSON-safe number from the engine's strings/ints (None stays None)."""
    if value is None or value == "":
        return None
    return float(Decimal(str(value)))


def scope_row(result: dict[str, Any], period: Period, drill_href: str,
              keys: tuple[str, ...] = GRID_KEYS) -> dict[str, Any]:
    """One grid row: the entity's name (drill link) and the grid indicators with links."""
    scope, sid = result["scope"], result["id"]
    row: dict[str, Any] = {"id": sid, "name": result["name"], "name__href": drill_href}
    for key in keys:
        entry = result["indicators"][key]
        ind = indicator_settings().indicators[key]
        row[key] = number(entry["value"])
        row[f"{key}__d"] = entry["display"]
        row[f"{key}__s"] = entry["status"]
        row[f"{key}__cmp"] = entry.get("compare_display") or ""
        row[f"{key}__delta"] = entry.get("delta_display") or ""
        row[f"{key}__href"] = cases_href(key, value_part(ind), scope, sid, period)
    return row


def indicator_rows(result: dict[str, Any], period: Period,
                   compare: Period | None = None) -> list[dict[str, Any]]:
    """Every indicator of one entity: value, numerator, denominator, comparison, links, formula."""
    scope, sid = result["scope"], result["id"]
    settings = indicator_settings()
    rows = []
    for key, entry in result["indicators"].items():
        ind = settings.indicators[key]
        rows.append({
            "key": key, "name": entry["name"], "unit": ind.unit,
            "value": number(entry["value"]), "display": entry["display"],
            "value__href": cases_href(key, value_part(ind), scope, sid, period),
            "numerator": number(entry["numerator"]),
            "numerator__href": cases_href(key, "numerator", scope, sid, period),
            "denominator": number(entry["denominator"]),
            "denominator__href": cases_href(key, "denominator", scope, sid, period)
            if ind.denominator else "",
            "compare_value": number(entry.get("compare_value")),
            "compare_display": entry.get("compare_display") or "",
            "compare_numerator": number(entry.get("compare_numerator")),
            "compare_denominator": number(entry.get("compare_denominator")),
            "compare__href": cases_href(key, value_part(ind), scope, sid, compare)
            if compare is not None and entry.get("compare_value") is not None else "",
            "delta": number(entry.get("delta")), "delta_display": entry.get("delta_display") or "",
            "delta_unit": "个百分点" if ind.unit == "%" else ind.unit,
            "status": entry["status"], "status_label": STATUS_LABELS.get(entry["status"], ""),
            "formula": formula_text(ind, settings.categories(ind, scope)),
        })
    return rows


def kpi_items(result: dict[str, Any], period: Period, compare: Period | None = None) -> list[dict[str, Any]]:
    """The headline figures of an entity for the big KPI cards."""
    by_key = {r["key"]: r for r in indicator_rows(result, period, compare)}
    return [by_key[k] for k in KPI_KEYS if k in by_key]
