"""Which list a number opens, the /cases URL for it, and the formula text of an indicator."""
from __future__ import annotations

from typing import Any

from callbacks.desk.params import search
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


def cases_href(key: str, part: str, scope: str, scope_id: Any, period: Period) -> str:
    """The /cases URL listing the rows behind one part of one indicator."""
    return "/cases" + search({
        "indicator": key, "part": part, "scope": scope, "id": scope_id,
        "start": period.start.isoformat(), "end": period.end.isoformat(),
    })


def queue_href(kind: str, scope: str, scope_id: Any) -> str:
    return "/cases" + search({"queue": kind, "scope": scope, "id": scope_id})


def node_href(status: str, scope: str, scope_id: Any) -> str:
    return "/cases" + search({"node": status, "scope": scope, "id": scope_id})
