"""Which list a number opens, the /cases URL for it, and the formula text of an indicator."""
from __future__ import annotations

from callbacks.desk.request import CasesRequest, Scope
from db.indicators.period import Period
from db.indicators.registry import Indicator, split_measure
from db.indicators.texts import formula_text as registry_formula
from db.indicators.texts import measure_text


def is_count(measure: str | None) -> bool:
    """A measure that counts rows (its list length equals the number)."""
    return bool(measure) and split_measure(measure)[1] is None


def value_part(ind: Indicator) -> str:
    """The part a click on the indicator's value opens: a counted numerator, else the denominator."""
    if is_count(ind.numerator) or not ind.denominator:
        return "numerator"
    return "denominator"


# Formula and measure words come from the registry (db/indicators/texts.py), one source for all.
measure_label = measure_text
formula_text = registry_formula


def cases_href(key: str, part: str, scope: str, scope_id: int, period: Period) -> str:
    """The /cases URL listing the rows behind one part of one indicator."""
    return CasesRequest("indicator", key, Scope(scope, scope_id), part, period).href()


def queue_href(kind: str, scope: str, scope_id: int) -> str:
    return CasesRequest("queue", kind, Scope(scope, scope_id)).href()


def node_href(status: str, scope: str, scope_id: int) -> str:
    return CasesRequest("node", status, Scope(scope, scope_id)).href()
