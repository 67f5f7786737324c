"""The Excel export equals the screen: same rows, same values, same order; bad URLs get 400."""
from __future__ import annotations

import datetime as dt
import io
import re
import urllib.parse
from typing import Any

import pytest
from openpyxl import load_workbook

from callbacks.desk import analysis, cases
from callbacks.desk.common import grid_indicators
from callbacks.desk.params import search
from tests.callbacks.conftest import signed_client
from tests.callbacks.test_desk import HALF

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(app, path: str) -> Any:
    client = signed_client(app)
    with app.server.app_context():
        response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == XLSX
    return load_workbook(io.BytesIO(response.data))


def _table(ws, first_header: str) -> tuple[list[str], list[list[Any]]]:
    start = next(r for r in range(1, 30) if ws.cell(r, 1).value == first_header)
    headers = [c.value for c in ws[start] if c.value is not None]
    rows = []
    for r in range(start + 1, ws.max_row + 1):
        values = [ws.cell(r, c).value for c in range(1, len(headers) + 1)]
        if all(v is None for v in values):
            break
        rows.append(values)
    return headers, rows


def _meta(ws) -> dict[str, Any]:
    return {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, 6)}


@pytest.mark.parametrize("level", ["court", "team"])
def test_analysis_export_equals_the_grid(desk_app, level) -> None:
    app, ids = desk_app
    query = HALF | ({"team": str(ids["简案一组"])} if level == "team" else {})
    screen_rows = analysis.render_analysis(query)[7]
    wb = _download(app, "/export/analysis.xlsx" + search(query))
    name = "团队" if level == "court" else "承办人"
    ws = wb[name]
    headers, rows = _table(ws, name)
    keys = [k for k, _, _ in grid_indicators()]
    assert headers[0] == name and len(headers) == len(keys) + 1
    assert [r[0] for r in rows] == [r["name"] for r in screen_rows]
    for sheet_row, screen_row in zip(rows, screen_rows, strict=True):
        for key, value in zip(keys, sheet_row[1:], strict=True):
            expected = screen_row[key]
            if expected is not None and key.endswith("rate"):
                expected = expected / 100  # percent cells hold fractions
            assert value == pytest.approx(expected), (screen_row["name"], key)
    meta = _meta(ws)
    assert meta["统计期间"] == "2022-01-01 至 2022-06-30"
    assert meta["对比期间"] == "2021-01-01 至 2021-06-30"
    assert isinstance(meta["数据截至"], dt.datetime)
    formulas = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert formulas["结案率"].startswith("结案率 = 结案数 ÷ 受理（旧存＋新收）数 × 100%")


def test_analysis_export_indicator_sheet_equals_the_table(desk_app) -> None:
    app, _ = desk_app
    wb = _download(app, "/export/analysis.xlsx" + search(HALF))
    headers, rows = _table(wb["指标"], "指标")
    assert headers[:5] == ["指标", "本期值", "单位", "分子", "分母"]
    table = analysis.render_analysis(HALF)[10]
    names = [tr.children[0].children for tr in table.children[1].children]
    assert [r[0] for r in rows] == names
    closure = next(r for r in rows if r[0] == "结案率")
    # a rate is a number with a percent format (70% stored as 0.7), as in the grid sheet
    assert closure[1:5] == [0.7, "%", 7, 10]
    cell = next(c for c in wb["指标"]["B"] if c.value == 0.7)
    assert cell.number_format == "0.00%"


@pytest.mark.parametrize("kind", ["indicator", "queue", "node"])
def test_case_list_export_equals_the_list(desk_app, kind) -> None:
    app, ids = desk_app
    query = {
        "indicator": {"indicator": "closed", "part": "numerator", "scope": "team", "id": str(ids["简案一组"]),
                      "start": "2022-01-01", "end": "2022-06-30"},
        "queue": {"queue": "near_termination", "scope": "court", "id": str(ids["court"])},
        "node": {"node": "overdue", "scope": "team", "id": str(ids["简案一组"])},
    }[kind]
    screen_rows = cases.render_cases(query)[4]
    wb = _download(app, "/export/cases.xlsx" + search(query))
    headers, rows = _table(wb["清单"], "案号")
    assert [r[0] for r in rows] == [r["case_number"] for r in screen_rows]
    if kind == "node":
        assert len(rows) == len(screen_rows) > 0
        assert all(isinstance(r[headers.index("节点期限")], dt.datetime) for r in rows)
        return
    assert len(rows) == (7 if kind == "indicator" else 2)
    filed = headers.index("立案日期")
    assert all(isinstance(r[filed], dt.datetime) for r in rows)
    assert all("*" in (r[headers.index("申请执行人")] or "*") for r in rows)


def test_export_with_bad_parameters_is_a_chinese_400(desk_app) -> None:
    app, _ = desk_app
    client = signed_client(app)
    with app.server.app_context():
        bad = client.get("/export/analysis.xlsx?team=99")
        worse = client.get("/export/cases.xlsx?indicator=closed&start=2022-02-30&end=2022-03-01")
    assert bad.status_code == 400 and "团队编号 99 不存在" in bad.get_data(as_text=True)
    assert worse.status_code == 400 and "格式不正确" in worse.get_data(as_text=True)


def test_list_export_file_name_says_what_it_is(desk_app) -> None:
    app, ids = desk_app
    query = {"indicator": "closure_rate", "part": "numerator", "scope": "team",
             "id": str(ids["简案一组"]), "start": "2022-01-01", "end": "2022-06-30"}
    client = signed_client(app)
    with app.server.app_context():
        response = client.get("/export/cases.xlsx" + search(query))
    assert response.status_code == 200
    disposition = urllib.parse.unquote(response.headers["Content-Disposition"])
    assert re.search(r"团队-简案一组-结案率-\d{4}-\d{2}-\d{2}\.xlsx", disposition), disposition
    assert "案件清单.xlsx" not in disposition
