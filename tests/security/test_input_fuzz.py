"""Finding 8: bad input gets a 400 or a Chinese message, never a 500 — a fuzz over every
callback's inputs and states (crafted POSTs from app.callback_map), out-of-range dates in
/analysis and the exports, and absurdly nested JSON to the callback endpoint."""
from __future__ import annotations

import json
from typing import Any

import pytest

from tests.callbacks.test_access import client_as

WEIRD: list[Any] = [
    None, 0, -1, 10**30, 1.5, True, "", "x" * 5000, "../../etc/passwd", "<script>alert(1)</script>",
    [], {}, [None, {"a": 1}], {"path_id": "-1", "query": {"start": "x"}}, "0001-01-01", "9999-12-31",
    {"start": "0001-01-01", "end": "9999-12-31", "preset": "custom", "indicator": "accepted",
     "part": "denominator", "scope": "court", "id": "1"},
    {"start": "9999-12-31", "end": "9999-12-31", "preset": "custom", "order": "99999999999999999999",
     "case": "1e9", "new": "1", "team": "-5", "officer": "abc"},
]


def _body(key: str, spec: dict[str, Any], value: Any) -> dict[str, Any]:
    outs = spec["output"] if isinstance(spec["output"], list) else [spec["output"]]

    def part(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"id": i["id"], "property": i["property"], "value": value} for i in items]

    inputs = part(spec["inputs"])
    outputs = [{"id": o.component_id, "property": o.component_property.split("@")[0]} for o in outs]
    return {"output": key, "inputs": inputs, "state": part(spec.get("state", [])),
            "outputs": outputs if len(outputs) > 1 else outputs[0],  # as the renderer sends it
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs]}


@pytest.mark.slow
@pytest.mark.parametrize("role", ["center", "admin"])
def test_no_callback_answers_500_to_any_input(desk_court, role: str) -> None:
    app, ids, engine = desk_court
    client = client_as(app, engine, role, ids)
    client.get("/")
    failures = []
    for key, spec in app.callback_map.items():
        if any(isinstance(i["id"], dict) or str(i["id"]).startswith("{") for i in spec["inputs"]):
            continue  # pattern-matching inputs need their own ids; none take user text
        for value in WEIRD:
            reply = client.post("/_dash-update-component", json=_body(key, spec, value))
            if reply.status_code >= 500:
                failures.append((key, json.dumps(value, ensure_ascii=False)[:60], reply.status_code))
    assert not failures, sorted({f[0] for f in failures})


def test_a_malformed_callback_request_is_a_400(desk_court) -> None:
    """The request's shape itself is wrong (outputs not matching the callback, a relative page
    path): Dash's own exceptions become a 400 too."""
    app, ids, engine = desk_court
    client = client_as(app, engine, "center", ids)
    client.get("/")
    key = next(k for k in app.callback_map if k.startswith("analysis-nav.search"))
    body = _body(key, app.callback_map[key], None)
    body["outputs"] = [body["outputs"], body["outputs"]]
    assert client.post("/_dash-update-component", json=body).status_code == 400
    router = {"output": ".._pages_content.children..._pages_store.data..",
              "outputs": [{"id": "_pages_content", "property": "children"},
                          {"id": "_pages_store", "property": "data"}],
              "inputs": [{"id": "_pages_location", "property": "pathname", "value": "analysis"},
                         {"id": "_pages_location", "property": "search", "value": ""}],
              "changedPropIds": ["_pages_location.pathname"], "state": []}
    assert client.post("/_dash-update-component", json=router).status_code in (200, 400)


def test_out_of_range_dates_get_a_chinese_message(desk_court) -> None:
    app, ids, engine = desk_court
    client = client_as(app, engine, "center", ids)
    for start, end in (("0001-01-01", "0001-12-31"), ("9999-01-01", "9999-12-31"), ("0001-01-01", "9999-12-31")):
        for url in (f"/export/analysis.xlsx?preset=custom&start={start}&end={end}",
                    f"/export/cases.xlsx?indicator=accepted&part=numerator&scope=court&start={start}&end={end}"):
            reply = client.get(url)
            assert reply.status_code == 400, (url, reply.status_code)
            assert "超出范围" in reply.get_data(as_text=True)
        page = client.get(f"/analysis?preset=custom&start={start}&end={end}")
        assert page.status_code == 200


def test_deeply_nested_json_is_a_400(desk_court) -> None:
    app, ids, engine = desk_court
    client = client_as(app, engine, "center", ids)
    depth = 200_000
    body = '{"output": "analysis-crumbs.children", "inputs": ' + "[" * depth + "]" * depth + "}"
    reply = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert reply.status_code == 400
    assert "请求" in reply.get_data(as_text=True)


def test_json_depth_counts_brackets_outside_strings() -> None:
    from dashboard.auth.badinput import MAX_JSON_DEPTH, json_depth

    assert json_depth(b'{"a": [1, {"b": "[[[["}]}') == 0  # few brackets: not scanned
    deep = b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1)
    assert json_depth(deep) == MAX_JSON_DEPTH + 1
    quoted = b'["' + b"[" * 500 + b'\\"' + b'"]'
    assert json_depth(quoted) == 1


def test_deep_json_is_refused_before_parsing(desk_court, caplog: pytest.LogCaptureFixture) -> None:
    """Refused by the depth scan, before any parser recurses: a RecursionError in the process
    would leave CPython 3.11's parser broken (a later ast.parse fails with a SystemError)."""
    import ast

    app, ids, engine = desk_court
    client = client_as(app, engine, "center", ids)
    body = '{"output": "analysis-crumbs.children", "inputs": ' + "[" * 5000 + "]" * 5000 + "}"
    with caplog.at_level("WARNING", logger="dashboard.auth.badinput"):
        reply = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert reply.status_code == 400
    assert "JSON nested too deep" in caplog.text
    ast.parse("x = [[[1]]]")
