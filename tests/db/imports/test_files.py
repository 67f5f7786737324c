"""File kinds (xlsx, xls, CSV in UTF-8 and GB18030), column mappings, the guards, and every
kind of row error: each names sheet, Excel row, column and value, and nothing is written."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
import xlwt
from sqlalchemy import func, select

from db.imports import (
    ImportFailed,
    Limits,
    load_mapping,
    preview,
    run_import,
    save_mapping,
)
from db.models import Case, Court, ImportBatch, Officer, Payment
from tests.db.imports.helpers import CN, standard, with_court, workbook

CASE_ROWS = standard()["案件"]


def _csv(rows, encoding: str) -> bytes:
    text = "\r\n".join(",".join(f'"{c}"' if "," in str(c) else str(c) for c in row) for row in rows)
    return text.encode(encoding)


def _import(factory, data, name="本院数据.xlsx", **kw):
    with factory() as session:
        result = run_import(session, data, name=name, actor="admin", **kw)
        session.commit()
    return result


def _cases(factory) -> dict[str, Case]:
    with factory() as s:
        return {c.case_number: c for c in s.scalars(select(Case))}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_case_csv_in_each_encoding(sqlite_engine, encoding: str) -> None:
    factory = with_court(sqlite_engine)
    result = _import(factory, _csv(CASE_ROWS, encoding), name="案件.csv")
    assert result.errors == [] and result.sheets["案件"].new == 3
    cases = _cases(factory)
    assert cases[CN.format(1)].target_amount == Decimal("10000.00")
    assert cases[CN.format(2)].closed_on == dt.date(2024, 6, 30)


def test_csv_sheet_from_option_or_refused(sqlite_engine) -> None:
    factory = with_court(sqlite_engine)
    data = _csv(CASE_ROWS, "gb18030")
    with pytest.raises(ImportFailed, match="--sheet"):
        _import(factory, data, name="export_20240101.csv")
    assert _import(factory, data, name="export.csv", sheet="案件").sheets["案件"].new == 3


def test_xls_workbook(sqlite_engine) -> None:
    factory = with_court(sqlite_engine)
    book = xlwt.Workbook(encoding="utf-8")
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    ws = book.add_sheet("案件")
    for c, header in enumerate(["案号", "立案日期", "结案日期", "结案方式", "标的金额(万元)", "非诉执行"]):
        ws.write(0, c, header)
    ws.write(1, 0, "(2024)内0299执8号")
    ws.write(1, 1, dt.datetime(2024, 3, 4), dates)
    ws.write(1, 2, dt.datetime(2024, 5, 6), dates)
    ws.write(1, 3, "执行完毕")
    ws.write(1, 4, 1.5)
    ws.write(1, 5, "Y")
    out = io.BytesIO()
    book.save(out)
    result = _import(factory, out.getvalue(), name="旧格式.xls")
    assert result.errors == [] and result.sheets["案件"].new == 1
    case = _cases(factory)[CN.format(8)]
    assert (case.filed_on, case.closed_on) == (dt.date(2024, 3, 4), dt.date(2024, 5, 6))
    assert case.target_amount == Decimal("15000.00") and case.non_litigation is True


def test_excel_date_cells_and_numbers_in_xlsx(sqlite_engine) -> None:
    factory = with_court(sqlite_engine)
    rows = [["案号", "立案日期", "标的额", "实际到位金额"],
            [CN.format(9), dt.datetime(2024, 7, 8), 1234.5, 100],
            [CN.format(10), 45296, 20, None]]
    assert _import(factory, workbook({"案件": rows})).errors == []
    cases = _cases(factory)
    assert cases[CN.format(9)].filed_on == dt.date(2024, 7, 8)
    assert cases[CN.format(10)].filed_on == dt.date(2024, 1, 5)
    assert cases[CN.format(9)].target_amount == Decimal("1234.50")


def test_mapping_reads_another_layout_and_is_kept_with_the_court(sqlite_engine) -> None:
    factory = with_court(sqlite_engine)
    rows = [["序号", "案件编号", "立案日", "执行标的(万元)", "备注"],
            [1, CN.format(11), "2024-05-06", "2", "x"]]
    data = workbook({"案件清单": rows})
    mapping = {"sheets": {"案件清单": "案件"}, "案件": {"案件编号": "案号", "立案日": "filed_on",
                                                    "执行标的": "标的金额"}}
    shown = preview(data, mapping, name="x.xlsx")
    assert shown[0]["sheet"] == "案件" and shown[0]["ignored_columns"] == ["序号", "备注"]
    assert {c["header"]: c["field"] for c in shown[0]["columns"]} == {
        "案件编号": "case_number", "立案日": "filed_on", "执行标的(万元)": "target_amount"}
    assert shown[0]["rows"][0]["cells"]["案号"]["value"] == CN.format(11)
    with factory() as s:
        court = s.scalar(select(Court))
        save_mapping(s, court.id, mapping)
        s.commit()
        assert load_mapping(s, court.id) == mapping
    result = _import(factory, data)  # no mapping given: the court's stored one applies
    assert result.errors == [] and result.ignored_columns == {"案件": ["序号", "备注"]}
    assert _cases(factory)[CN.format(11)].target_amount == Decimal("20000.00")


def test_unknown_columns_and_sheets_are_ignored_and_named(sqlite_engine) -> None:
    factory = with_court(sqlite_engine)
    rows = [["序号", *CASE_ROWS[0], "备注"], *[[i, *r, "x"] for i, r in enumerate(CASE_ROWS[1:])]]
    result = _import(factory, workbook({"案件": rows, "说明": [["随便写"]]}))
    assert result.errors == [] and result.ignored_columns == {"案件": ["序号", "备注"]}
    assert result.ignored_sheets == ["说明"]


@pytest.mark.parametrize(("data", "message"), [
    (b"%PDF-1.7\n" + b"\x00" * 100, "不是 xlsx、xls 或 CSV"),
    (b"", "空文件"),
])
def test_content_not_name_decides(sqlite_engine, data: bytes, message: str) -> None:
    factory = with_court(sqlite_engine)
    with pytest.raises(ImportFailed, match=message):
        _import(factory, data, name="案件.xlsx")


def test_guards_size_zip_bomb_and_plain_zip(sqlite_engine) -> None:
    factory = with_court(sqlite_engine)
    data = workbook(standard())
    with pytest.raises(ImportFailed, match="超过上限"):
        _import(factory, data, limits=Limits(max_bytes=1000))
    with pytest.raises(ImportFailed, match="压缩炸弹"):
        _import(factory, data, limits=Limits(max_unzipped=10_000))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x00" * 5_000_000)
    with pytest.raises(ImportFailed, match="压缩炸弹"):
        _import(factory, bomb.getvalue(), limits=Limits(bomb_part_bytes=1_000_000))
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(ImportFailed, match="不是 Excel 工作簿"):
        _import(factory, plain.getvalue(), name="案件.xlsx")


def test_formula_without_cached_value_is_rejected(sqlite_engine) -> None:
    factory = with_court(sqlite_engine)
    rows = [["案号", "立案日期", "标的金额"], [CN.format(12), "2024-01-02", "=1000*2"]]
    result = _import(factory, workbook({"案件": rows}))
    assert result.rejected
    assert result.errors[0]["row"] == 2 and result.errors[0]["column"] == "标的金额"
    assert "公式" in result.errors[0]["message"]


ERRORS = [  # (sheet, row index, column index, value, column header reported, message part)
    ("案件", 1, 1, "2024-02-31", "立案日期", "不是有效日期"),
    ("案件", 1, 7, "十万", "申请执行标的金额（元）", "不是有效金额"),
    ("案件", 1, 7, "-3", "申请执行标的金额（元）", "不能为负数"),
    ("案件", 1, 0, "2024内0299执1号", "案号", "格式不正确"),
    ("案件", 1, 0, "（2024）内9999执1号", "案号", "不是已登记的法院"),
    ("案件", 1, 1, "2023-12-30", "立案日期", "与案号年度 2024 不一致"),
    ("案件", 1, 2, "2024-01-09", "收案日期", "晚于立案日期"),
    ("案件", 1, 3, "2024-01-01", "结案日期", "早于立案日期"),
    ("案件", 1, 4, "", "结案方式", "结案方式为空"),
    ("案件", 3, 4, "执行完毕", "结案日期", "没有结案日期"),
    ("案件", 1, 4, "保全完毕", "结案方式", "不适用于执字号案件"),
    ("案件", 1, 4, "随便结", "结案方式", "不是可识别的取值"),
    ("案件", 1, 10, "也许", "非诉执行", "是/否"),
    ("案件", 1, 5, "不存在的团队", "承办团队", "团队不存在"),
    ("案件", 1, 6, "不存在的人", "承办人", "承办人不存在"),
    ("案件", 2, 0, CN.format(1), "案号", "重复"),
    ("案件", 1, 1, "", "立案日期", "不能为空"),
    ("案件", 1, 12, CN.format(404), "原案号", "原案号不存在"),
    ("人员", 2, 1, "0001", "工号", "重复"),
    ("当事人", 1, 0, CN.format(99), "案号", "案号不存在"),
    ("当事人", 1, 4, "1" * 40, "证件号码", "超过 32 个字"),
    ("扣除期限", 1, 3, "2024-02-01", "结束日期", "早于开始日期"),
    ("延长期限", 1, 2, "三十", "延长天数", "整数"),
    ("案款", 1, 5, "7000", "发放金额", "大于到账金额"),
    ("执行事件", 1, 1, "吃饭", "事件", "不是可识别的取值"),
    ("执行事件", 1, 5, "无名氏", "执行人员", "执行人员不存在"),
    ("分案记录", 1, 3, "无名氏", "承办人", "承办人不存在"),
]


@pytest.mark.parametrize(("sheet", "row", "col", "value", "column", "message"), ERRORS,
                         ids=[f"{e[0]}-{e[5]}" for e in ERRORS])
def test_every_error_kind_names_the_cell_and_writes_nothing(sqlite_engine, sheet, row, col, value,
                                                            column, message) -> None:
    factory = with_court(sqlite_engine)
    sheets = standard()
    if col >= len(sheets[sheet][0]):
        sheets[sheet][0].append(column)
    for r in sheets[sheet][1:]:
        r.extend([""] * (len(sheets[sheet][0]) - len(r)))
    sheets[sheet][row][col] = value
    result = _import(factory, workbook(sheets))
    assert result.rejected and result.batch is None
    hits = [e for e in result.errors if e["sheet"] == sheet and e["row"] == row + 1 and e["column"] == column]
    assert hits, result.errors
    assert any(message in e["message"] for e in hits), hits
    assert all(e["sheet"] in e["message"] and f"第 {e['row']} 行" in e["message"] for e in result.errors)
    if column == "证件号码":
        assert hits[0]["value"] == "*" * 40  # ID numbers are masked in messages
    with factory() as s:
        for model in (Case, Officer, Payment, ImportBatch):
            assert s.scalar(select(func.count()).select_from(model)) == 0


def test_missing_required_column_rejects_the_file(sqlite_engine) -> None:
    factory = with_court(sqlite_engine)
    rows = [["案号", "结案日期"], [CN.format(1), "2024-01-09"]]
    result = _import(factory, workbook({"案件": rows}))
    assert result.rejected and result.errors[0]["row"] == 1 and "缺少必填列“立案日期”" in result.errors[0]["message"]


def test_preview_names_the_fields_and_masks_parties() -> None:
    shown = {item["sheet"]: item for item in preview(workbook(standard()), name="x.xlsx", rows=2)}
    assert set(shown) == set(standard())
    first = shown["当事人"]["rows"][0]
    assert first["row"] == 2 and first["cells"]["名称"]["value"] == "王*"
    assert first["cells"]["证件号码"]["value"] == "*" * 18
    assert shown["案件"]["rows"][0]["cells"]["申请执行标的金额"]["value"] == "10000.00"
    bad = preview(workbook({"案件": [["案号", "立案日期"], ["x", "2024-13-01"]]}), name="x.xlsx")[0]
    assert bad["rows"][0]["cells"]["立案日期"]["error"] and bad["missing"] == []
