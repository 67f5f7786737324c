"""Which list a number opens, the /cases URL for it, and the formula text of an indicator."""
from __future__ import annotations

from callbacks.desk.request import CasesRequest, Scope
from db.indicators.period import Period
from db.indicators.registry import (
    CASE_ROWS,
    CASE_VALUES,
    OFFICER_ROWS,
    PAYMENT_ROWS,
    PAYMENT_VALUES,
    Indicator,
    split_measure,
)

ROW_LABELS = CASE_ROWS | PAYMENT_ROWS | OFFICER_ROWS
VALUE_LABELS = CASE_VALUES | PAYMENT_VALUES


def is_count(measure: str | None) -> bool:
    """A measure that counts rows (its list length equals the number)."""
    return bool(measure) and split_measure(measure)[1] is None


def value_part(ind: Indicator) -> str:
    """The part a click on the indicator's value opens: a counted numerator, else the denominator."""
    if is_count(ind.numerator) or not ind.denominator:
        return "numerator"
    return "denominator"


def measure_label(measure: str | None) -> str:
    if not measure:
        return ""
    rows, value = split_measure(measure)
    label = ROW_LABELS.get(rows, rows)
    return f"{label}的{VALUE_LABELS.get(value, value)}之和" if value else f"{label}数"


def formula_text(ind: Indicator) -> str:
    """E.g. 结案率 = 结案数 ÷ 受理（旧存＋新收）数 × 100%；说明."""
    expr = measure_label(ind.numerator)
    if ind.denominator:
        expr += f" ÷ {measure_label(ind.denominator)}"
        if ind.unit == "%":
            expr += " × 100%"
    return f"{ind.name} = {expr}；{ind.description}" if ind.description else f"{ind.name} = {expr}"


def cases_href(key: str, part: str, scope: str, scope_id: int, period: Period) -> str:
    """The /cases URL listing the rows behind one part of one indicator."""
    return CasesRequest("indicator", key, Scope(scope, scope_id), part, period).href()


def queue_href(kind: str, scope: str, scope_id: int) -> str:
    return CasesRequest("queue", kind, Scope(scope, scope_id)).href()


def node_href(status: str, scope: str, scope_id: int) -> str:
    return CasesRequest("node", status, Scope(scope, scope_id)).href()
