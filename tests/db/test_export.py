"""xlsx export: headers, meta lines, numbers as numbers, dates as dates, formulas neutralised."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from db.export.xlsx import Column, Sheet, cell_value, safe_text, workbook_bytes

COLUMNS = [
    Column("案号", "case_number"), Column("立案日期", "filed_on", "date"),
    Column("结案率", "rate", "percent"), Column("件数", "count", "int"),
    Column("金额（元）", "amount", "money"), Column("当事人", "party"),
]
ROWS = [
    {"case_number": "（2022）内0221执1号", "filed_on": dt.date(2022, 1, 3), "rate": 87.28,
     "count": 707, "amount": Decimal("1000.50"), "party": "=HYPERLINK(\"http://x\",\"点我\")"},
    {"case_number": "+cmd", "filed_on": "2022-02-01", "rate": None, "count": 0,
     "amount": "12.5", "party": "@SUM(A1)"},
    {"case_number": "-1+1", "filed_on": None, "rate": "30.61", "count": 3, "amount": None,
     "party": "张*"},
]
META = [("统计期间", "2021-10-01 至 2022-09-30"), ("对比期间", "2020-10-01 至 2021-09-30"),
        ("数据截至", dt.datetime(2022, 10, 1, 8, 30)), ("导出时间", dt.datetime(2022, 10, 1, 9, 0))]
NOTES = [("结案率", "结案率 = 结案数 ÷ 受理数 × 100%"), ("坏", "=1+1")]


def _sheet():
    data = workbook_bytes([Sheet("清单", "简案团队 案件清单", COLUMNS, ROWS, META, NOTES)])
    return load_workbook(io.BytesIO(data))["清单"]


def _table(ws):
    header_row = next(r for r in range(1, 20) if ws.cell(r, 1).value == "案号")
    return header_row, [[c.value for c in row] for row in ws.iter_rows(min_row=header_row + 1,
                                                                        max_row=header_row + len(ROWS))]


def test_meta_lines_and_headers() -> None:
    ws = _sheet()
    assert ws["A1"].value == "简案团队 案件清单"
    assert [ws.cell(r, 1).value for r in range(2, 6)] == ["统计期间", "对比期间", "数据截至", "导出时间"]
    assert ws["B2"].value == "2021-10-01 至 2022-09-30"
    assert ws["B4"].value == dt.datetime(2022, 10, 1, 8, 30)
    header_row, _ = _table(ws)
    assert [ws.cell(header_row, c).value for c in range(1, 7)] == [c.header for c in COLUMNS]


def test_numbers_are_numbers_and_dates_are_dates() -> None:
    ws = _sheet()
    header_row, rows = _table(ws)
    first = rows[0]
    assert first[1] == dt.datetime(2022, 1, 3)  # openpyxl reads dates back as datetimes
    assert ws.cell(header_row + 1, 2).number_format == "yyyy-mm-dd"
    assert first[2] == pytest.approx(0.8728) and ws.cell(header_row + 1, 3).number_format == "0.00%"
    assert first[3] == 707 and isinstance(first[3], int)
    assert first[4] == pytest.approx(1000.5)
    assert rows[1][1] == dt.datetime(2022, 2, 1) and rows[1][4] == pytest.approx(12.5)
    assert rows[1][2] is None and rows[2][1] is None and rows[2][4] is None
    assert rows[2][2] == pytest.approx(0.3061)


def test_formula_like_text_is_neutralised() -> None:
    ws = _sheet()
    header_row, rows = _table(ws)
    assert rows[0][5] == "'=HYPERLINK(\"http://x\",\"点我\")"
    assert rows[1][0] == "'+cmd" and rows[1][5] == "'@SUM(A1)" and rows[2][0] == "'-1+1"
    assert rows[2][5] == "张*"
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula"
    notes = [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(1, ws.max_row + 1)]
    assert ("结案率", "结案率 = 结案数 ÷ 受理数 × 100%") in notes
    assert ("坏", "'=1+1") in notes
    assert ("指标计算公式", None) in notes


def test_helpers() -> None:
    assert safe_text("=A1") == "'=A1" and safe_text("\tx") == "'\tx" and safe_text("正常") == "正常"
    assert cell_value("", "int") is None
    assert cell_value("2022-09-30T00:00:00", "date") == dt.date(2022, 9, 30)
    with pytest.raises(ValueError, match="未知的列类型"):
        Column("x", "x", "weird")


def test_several_sheets_get_unique_safe_titles() -> None:
    sheets = [Sheet("指标/一", "a", COLUMNS[:1], []), Sheet("指标/一", "b", COLUMNS[:1], [])]
    wb = load_workbook(io.BytesIO(workbook_bytes(sheets)))
    assert wb.sheetnames == ["指标_一", "指标_一_2"]
