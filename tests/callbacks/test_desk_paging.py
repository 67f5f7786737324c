"""/cases in blocks: a list longer than SMALL_LIST is paged (AG Grid's infinite row model) —
server-side sort and filter, the count equal to the indicator's, the scope re-checked per block."""
from __future__ import annotations

import json
from typing import Any

import pytest
from dash.exceptions import PreventUpdate

from callbacks.desk import cases, paging
from callbacks.desk.lists import case_list
from tests.callbacks.test_access import PERIOD, A, B, client_as, post
from tests.db.test_case_queries import TODAY

ROWS = [
    {"id": 1, "case_number": "（2022）内0221执3号", "days": 30, "filed_on": "2022-03-01", "team": "甲"},
    {"id": 2, "case_number": "（2022）内0221执1号", "days": None, "filed_on": "2022-01-05", "team": "乙"},
    {"id": 3, "case_number": "（2022）内0221执2号", "days": 7, "filed_on": "", "team": "甲"},
    {"id": 4, "case_number": "（2022）内0221执4号", "days": 120, "filed_on": "2022-06-30", "team": "丙"},
]


def _ids(rows: list[Any]) -> list[int]:
    return [r["id"] for r in rows]


def test_blocks_sort_on_the_server_with_blanks_first_ascending() -> None:
    asc = {"startRow": 0, "endRow": 10, "sortModel": [{"colId": "days", "sort": "asc"}]}
    assert _ids(paging.block(ROWS, asc)[0]) == [2, 3, 1, 4]
    desc = asc | {"sortModel": [{"colId": "days", "sort": "desc"}]}
    assert _ids(paging.block(ROWS, desc)[0]) == [4, 1, 3, 2]
    two = asc | {"sortModel": [{"colId": "team", "sort": "asc"}, {"colId": "days", "sort": "desc"}]}
    assert _ids(paging.block(ROWS, two)[0]) == [4, 2, 1, 3]  # 丙 < 乙 < 甲 by code point; 甲: 30 before 7
    rows, count = paging.block(ROWS, {"startRow": 1, "endRow": 3})
    assert _ids(rows) == [2, 3] and count == 4  # unsorted: the list's own order


def test_blocks_filter_like_the_grids_filters() -> None:
    def kept(model: dict[str, Any]) -> list[int]:
        rows, count = paging.block(ROWS, {"startRow": 0, "endRow": 10, "filterModel": model})
        assert count == len(rows)
        return _ids(rows)

    assert kept({"team": {"filterType": "text", "type": "equals", "filter": "甲"}}) == [1, 3]
    assert kept({"case_number": {"filterType": "text", "type": "contains", "filter": "执4"}}) == [4]
    assert kept({"days": {"filterType": "number", "type": "greaterThan", "filter": 10}}) == [1, 4]
    assert kept({"days": {"filterType": "number", "type": "blank"}}) == [2]
    assert kept({"days": {"filterType": "number", "type": "inRange", "filter": 7, "filterTo": 30}}) == [1, 3]
    assert kept({"filed_on": {"filterType": "date", "type": "lessThan", "dateFrom": "2022-03-01 00:00:00"}}) == [2]
    assert kept({"days": {"filterType": "number", "operator": "OR", "conditions": [
        {"type": "lessThan", "filter": 10}, {"type": "greaterThan", "filter": 100}]}}) == [3, 4]
    assert kept({"team": {"filterType": "text", "type": "equals", "filter": "甲"},
                 "days": {"filterType": "number", "type": "lessThan", "filter": 10}}) == [3]
    assert kept({"team": {"filterType": "set", "values": ["x"]}}) == [1, 2, 3, 4]  # not understood: kept


def test_a_block_is_never_larger_than_asked_nor_ten_blocks() -> None:
    many = [{"id": i} for i in range(5000)]
    assert len(paging.block(many, {"startRow": 4990, "endRow": 5100})[0]) == 10
    assert len(paging.block(many, {"startRow": 0, "endRow": 100000})[0]) == 10 * paging.BLOCK
    assert paging.block(many, {"startRow": -5, "endRow": 3})[0] == many[:3]


INDICATOR = PERIOD | {"indicator": "accepted", "part": "numerator", "scope": "court"}


def test_a_long_list_is_paged_and_its_count_is_the_indicators(desk_app, monkeypatch) -> None:
    found = case_list(INDICATOR, TODAY)
    total = len(found.rows)
    assert total == found.number and total >= 5  # one number, one definition: the indicator's
    monkeypatch.setattr(cases, "SMALL_LIST", 3)
    monkeypatch.setattr(cases, "PRINT_ROWS", 2)
    out = cases.render_cases(INDICATOR)
    summary, grid_rows, paged_columns, lists_class, note, state = out[2], out[4], out[6], out[7], out[8], out[9]
    assert state == {"paged": True, "total": total} and "cases-paged" in lists_class
    assert f"共 {total:,} 件" in str(summary)
    assert grid_rows == [] and paged_columns == out[3]  # no row in the page's answer …
    printed = cases.print_rows(state, INDICATOR)  # … the first rows for printing come after it
    assert [r["case_number"] for r in printed] == [r["case_number"] for r in found.rows[:2]]
    assert note == "仅打印前 2 行，完整清单请导出 Excel"
    seen, start = [], 0
    while start < total:
        response = cases.page_block({"startRow": start, "endRow": start + 2,
                                     "sortModel": [{"colId": "case_number", "sort": "desc"}]}, INDICATOR, state)
        assert response["rowCount"] == total
        assert all(r["case_number__href"] == f"/case/{r['id']}" and r["_rid"] for r in response["rowData"])
        seen += [r["case_number"] for r in response["rowData"]]
        start += 2
    assert seen == sorted((r["case_number"] for r in found.rows), reverse=True)
    team = {"team": {"filterType": "text", "type": "equals", "filter": A}}
    filtered = cases.page_block({"startRow": 0, "endRow": 100, "filterModel": team}, INDICATOR, state)
    assert 0 < filtered["rowCount"] < total and {r["team"] for r in filtered["rowData"]} == {A}


def test_a_short_list_goes_whole_and_the_paged_grid_gets_nothing(desk_app) -> None:
    out = cases.render_cases(INDICATOR)
    assert out[9] == {"paged": False, "total": len(out[4])} and out[7] == "cases-lists" and out[8] is None
    assert out[6] == [] and len(out[4]) == out[9]["total"] > 0
    with pytest.raises(PreventUpdate):
        cases.print_rows(out[9], INDICATOR)  # a short list prints its own rows
    assert cases.page_block({"startRow": 0, "endRow": 100}, INDICATOR, out[9]) == {"rowData": [], "rowCount": 0}
    assert cases.render_cases({"queue": "x", "scope": "team", "id": "1"})[9] is None  # an error: no list


def _block(client: Any, app: Any, query: dict[str, Any]) -> tuple[int, str, dict[str, Any]]:
    """POST the paging callback as the grid would (`payload` picks the page's callback, which
    also has an output on the paged grid)."""
    body = {"output": "cases-paged-grid.getRowsResponse",
            "outputs": {"id": "cases-paged-grid", "property": "getRowsResponse"},
            "inputs": [{"id": "cases-paged-grid", "property": "getRowsRequest",
                        "value": {"startRow": 0, "endRow": 200, "sortModel": [], "filterModel": {}}}],
            "changedPropIds": ["cases-paged-grid.getRowsRequest"],
            "state": [{"id": "cases-query", "property": "data", "value": query},
                      {"id": "cases-total", "property": "data", "value": {"paged": True, "total": 1}}]}
    assert body["output"] in app.callback_map
    status, text = post(client, body)
    data = json.loads(text) if status == 200 and text.startswith("{") else {}
    return status, text, data.get("response", {}).get("cases-paged-grid", {}).get("getRowsResponse") or {}


@pytest.mark.parametrize("role, query_of", [
    ("lead", lambda ids: {"scope": "team", "id": str(ids[B])}),
    ("officer", lambda ids: {"scope": "team", "id": str(ids[B])}),
    ("officer", lambda ids: {"scope": "officer", "id": str(ids["丙法官"])}),
    ("lead", lambda ids: {"scope": "court"}),
])
def test_the_paging_callback_rechecks_the_scope(court, monkeypatch, role: str, query_of: Any) -> None:
    """A crafted block request for another team's / officer's list (or the court's) gets no row —
    also right after the center fetched that list (kept in the process as a long list)."""
    monkeypatch.setattr(cases, "SMALL_LIST", 0)  # every list is long: kept by scoped_list
    cases._long.clear()
    app, ids, engine = court
    query = PERIOD | {"indicator": "accepted", "part": "numerator"} | query_of(ids)
    center = client_as(app, engine, "center", ids)
    center.get("/")
    status, _, full = _block(center, app, query)
    assert status == 200 and full.get("rowCount"), _[:600]  # the list exists and has rows …
    assert len(cases._long) == 1  # … kept for the center
    numbers = [r["case_number"] for r in full["rowData"]]
    client = client_as(app, engine, role, ids)
    client.get("/")
    status, text, got = _block(client, app, query)
    assert status in (200, 403)  # … but not for this principal
    assert not got.get("rowData") and not got.get("rowCount")
    assert not [n for n in numbers if n in text], role


def test_the_paging_callback_answers_the_own_scope(court) -> None:
    app, ids, engine = court
    lead = client_as(app, engine, "lead", ids)
    lead.get("/")
    query = PERIOD | {"indicator": "accepted", "part": "numerator", "scope": "team", "id": str(ids[A])}
    status, _, got = _block(lead, app, query)
    assert status == 200 and got["rowCount"] == len(got["rowData"]) > 0
