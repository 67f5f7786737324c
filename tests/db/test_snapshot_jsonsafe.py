"""json_safe and the entity rows' copies kept from one build for the next (SafeCopies)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from db.snapshot.jsonsafe import SafeCopies, json_safe, json_safe_kept


def _row(i: int, value: object = "1") -> dict:
    return {"scope": "team", "id": i, "name": f"团队{i}",
            "indicators": {"closed": {"value": value, "numerator": Decimal("3"),
                                      "as_of": dt.date(2026, 11, 20)}}}


def _body(rows: list[dict]) -> dict:
    return {"views": {"ytd": {"court": rows[0], "teams": rows[1:]}},
            "region": {"views": {"ytd": {"courts": [rows[0]]}}}, "when": (1, 2)}


def _same_shape(made: object, expected: object) -> None:
    assert made == expected
    assert type(made) is type(expected)


def test_plain_values_dates_decimals_and_tuples() -> None:
    assert json_safe({"a": (1, Decimal("2.5")), "b": dt.date(2026, 1, 2), "c": {3}}) == {
        "a": [1, 2.5], "b": "2026-01-02", "c": [3]}
    with pytest.raises(TypeError, match="无法序列化"):
        json_safe({"x": object()})


def test_kept_copies_equal_json_safe_and_are_reused_for_rows_handed_in_again() -> None:
    rows = [_row(i) for i in range(4)]
    first = SafeCopies()
    made = json_safe_kept(_body(rows), first)
    _same_shape(made, json_safe(_body(rows)))
    assert first.reused == 0 and len(first.now) == 4
    # the next build: rows 0 and 2 are new objects (their teams changed), 1 and 3 the same
    rows2 = [_row(0, "2"), rows[1], _row(2, "5"), rows[3]]
    second = SafeCopies(before=first.now)
    again = json_safe_kept(_body(rows2), second)
    _same_shape(again, json_safe(_body(rows2)))
    assert second.reused == 2
    # the reused rows are last build's copies; the changed rows' copies are new
    assert again["views"]["ytd"]["teams"][0] is made["views"]["ytd"]["teams"][0]
    assert again["views"]["ytd"]["teams"][1]["indicators"]["closed"]["value"] == "5"
    # what was not handed in again is not kept for the build after
    assert set(second.now) == {id(r) for r in rows2}


def test_a_row_in_two_places_of_one_body_gets_two_copies() -> None:
    rows = [_row(0), _row(1)]
    first = SafeCopies()
    made = json_safe_kept(_body(rows), first)
    court, in_region = made["views"]["ytd"]["court"], made["region"]["views"]["ytd"]["courts"][0]
    assert court == in_region and court is not in_region
    assert court["indicators"] is not in_region["indicators"]
    second = SafeCopies(before=first.now)
    again = json_safe_kept(_body(rows), second)
    court, in_region = again["views"]["ytd"]["court"], again["region"]["views"]["ytd"]["courts"][0]
    assert court is not in_region and court["indicators"] is not in_region["indicators"]
    assert second.reused == 2
