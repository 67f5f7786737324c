"""Server-side blocks of a long case list (AG Grid's infinite row model on /cases).

A list of up to SMALL_LIST rows goes to the browser whole (client-side model: sort, filter and
print in the browser). A longer one is sent a block at a time: the grid asks for rows
[startRow, endRow) with its sort and filter model (`getRowsRequest`), the server answers the
block and the filtered row count (`getRowsResponse`). Sorting and filtering here mirror what
AG Grid's text, number and date filters do in the browser.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

SMALL_LIST = 5000  # rows a list sends whole; above: blocks of BLOCK rows
BLOCK = 200
PRINT_ROWS = 2000  # a paged list prints its first PRINT_ROWS rows (the export has all)
PRINT_NOTE = "仅打印前 {n:,} 行，完整清单请导出 Excel"

Row = Mapping[str, Any]


def _blank(value: Any) -> bool:
    return value is None or value == ""


def _number(value: Any) -> float | None:
    try:
        return None if _blank(value) else float(value)
    except (TypeError, ValueError):
        return None


def _text_test(cond: Mapping[str, Any]) -> Callable[[Any], bool] | None:
    kind, term = cond.get("type"), str(cond.get("filter") or "").lower()
    tests: dict[str, Callable[[str], bool]] = {
        "contains": lambda s: term in s, "notContains": lambda s: term not in s,
        "equals": lambda s: s == term, "notEqual": lambda s: s != term,
        "startsWith": lambda s: s.startswith(term), "endsWith": lambda s: s.endswith(term),
    }
    if kind == "blank":
        return _blank
    if kind == "notBlank":
        return lambda v: not _blank(v)
    test = tests.get(str(kind))
    return None if test is None else (lambda v: test("" if v is None else str(v).lower()))


def _ordered_test(kind: Any, low: Any, high: Any) -> Callable[[Any], bool] | None:
    tests: dict[str, Callable[[Any], bool]] = {
        "equals": lambda x: x == low, "notEqual": lambda x: x != low,
        "lessThan": lambda x: x < low, "lessThanOrEqual": lambda x: x <= low,
        "greaterThan": lambda x: x > low, "greaterThanOrEqual": lambda x: x >= low,
        "inRange": lambda x: low <= x <= high,
    }
    if kind == "blank":
        return _blank
    if kind == "notBlank":
        return lambda v: not _blank(v)
    test = tests.get(str(kind))
    if test is None or low is None or (kind == "inRange" and high is None):
        return None
    return test


def _condition(cond: Mapping[str, Any]) -> Callable[[Any], bool] | None:
    """One filter condition as a test of a cell value (None: a condition not understood)."""
    ftype = cond.get("filterType")
    if ftype == "number":
        test = _ordered_test(cond.get("type"), _number(cond.get("filter")), _number(cond.get("filterTo")))
        if test is None or cond.get("type") in ("blank", "notBlank"):
            return test
        return lambda v: (x := _number(v)) is not None and test(x)
    if ftype == "date":
        low, high = (str(cond.get(k) or "")[:10] or None for k in ("dateFrom", "dateTo"))
        test = _ordered_test(cond.get("type"), low, high)
        if test is None or cond.get("type") in ("blank", "notBlank"):
            return test
        return lambda v: not _blank(v) and test(str(v)[:10])
    return _text_test(cond)


def _column_test(model: Mapping[str, Any]) -> Callable[[Any], bool] | None:
    """A column's filter model (one condition, or several joined by AND/OR)."""
    if "conditions" in model:
        tests = [t for t in (_condition({"filterType": model.get("filterType"), **c})
                             for c in model.get("conditions") or []) if t]
        if not tests:
            return None
        if str(model.get("operator", "AND")).upper() == "OR":
            return lambda v: any(t(v) for t in tests)
        return lambda v: all(t(v) for t in tests)
    return _condition(model)


def filtered(rows: Sequence[Row], filter_model: Mapping[str, Any] | None) -> list[Row]:
    """The rows every column filter keeps (conditions not understood keep every row)."""
    tests = [(col, t) for col, model in (filter_model or {}).items()
             if isinstance(model, Mapping) and (t := _column_test(model))]
    return [r for r in rows if all(t(r.get(col)) for col, t in tests)]


def _sort_key(value: Any) -> tuple[int, Any]:
    if _blank(value):
        return (0, 0)  # blanks first when ascending, as AG Grid does
    if isinstance(value, bool | int | float):
        return (1, value)
    return (2, str(value))


def sorted_rows(rows: Sequence[Row], sort_model: Sequence[Mapping[str, Any]] | None) -> list[Row]:
    """Rows in the grid's sort order (a stable sort per column, last column first); unsorted:
    the list's own order."""
    out = list(rows)
    for spec in reversed(list(sort_model or [])):
        col = spec.get("colId")
        if not col:
            continue
        out.sort(key=lambda r, c=col: _sort_key(r.get(c)), reverse=spec.get("sort") == "desc")
    return out


def block(rows: Sequence[Row], request: Mapping[str, Any]) -> tuple[list[Row], int]:
    """(rows [startRow, endRow) after the request's filter and sort, how many rows match)."""
    kept = sorted_rows(filtered(rows, request.get("filterModel")), request.get("sortModel"))
    start = max(0, int(request.get("startRow") or 0))
    end = max(start, min(int(request.get("endRow") or start + BLOCK), start + 10 * BLOCK))
    return kept[start:end], len(kept)
