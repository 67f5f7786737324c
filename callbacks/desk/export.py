"""The current view as .xlsx: built from the same Screen/CaseList the page renders."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from callbacks.context import app_context
from callbacks.desk.common import grid_indicators
from callbacks.desk.data import court_today
from callbacks.desk.lists import CaseList, fetch_case_list, parse_cases
from callbacks.desk.request import AnalysisRequest
from callbacks.desk.screens import Screen, fetch_analysis
from db.export.xlsx import UNIT_KINDS, Column, Sheet, file_name, workbook_bytes
from db.session import data_version

GRID_NAMES = {"team": "团队", "officer": "承办人"}
INDICATOR_COLUMNS = [
    Column("指标", "name"), Column("本期值", "value", "by_unit"), Column("单位", "unit"),
    Column("分子", "numerator", "number"), Column("分母", "denominator", "number"),
    Column("对比期值", "compare_value", "by_unit"), Column("变化", "delta", "number"),
    Column("变化单位", "delta_unit"), Column("状态", "status_label"), Column("计算公式", "formula"),
]
CASE_COLUMNS = [
    Column("案号", "case_number"), Column("类别", "category"), Column("立案日期", "filed_on", "date"),
    Column("结案日期", "closed_on", "date"), Column("结案方式", "closing_method"),
    Column("用时/已历天数", "days", "int"), Column("团队", "team"), Column("承办人", "officer"),
    Column("申请执行人", "applicant"), Column("被执行人", "respondent"),
    Column("标的金额（元）", "target_amount", "money"),
]


def _as_of() -> Any:
    """The data's as-of time in the court's zone (data_state.changed_at), or 未知."""
    with app_context().sessions() as session:
        changed = data_version(session)[1]
    if changed is None:
        return "未知"
    zone = ZoneInfo(app_context().settings.get("TIMEZONE") or "Asia/Shanghai")
    return changed.replace(tzinfo=dt.UTC).astimezone(zone).replace(tzinfo=None)


def _meta(period: str, compare: str) -> list[tuple[str, Any]]:
    now = dt.datetime.now(ZoneInfo(app_context().settings.get("TIMEZONE") or "Asia/Shanghai"))
    return [("统计期间", period), ("对比期间", compare), ("数据截至", _as_of()),
            ("导出时间", now.replace(tzinfo=None, microsecond=0))]


def grid_columns(scope: str) -> list[Column]:
    """The grid's columns as export columns: name, then value and status per indicator."""
    cols = [Column(GRID_NAMES[scope], "name")]
    for key, name, unit in grid_indicators():
        cols.append(Column(f"{name}（{unit}）", key, UNIT_KINDS.get(unit, "number")))
    return cols


def analysis_sheets(screen: Screen) -> list[Sheet]:
    """Sheet 1: the focus entity's indicators with formulas; sheet 2: the drill-down grid."""
    meta = _meta(screen.choice.label, screen.choice.compare_label)
    notes = [(r["name"], r["formula"]) for r in screen.indicators]
    sheets = [Sheet("指标", f"{screen.title} 执行质效指标", INDICATOR_COLUMNS, screen.indicators, meta, notes)]
    if screen.grid_scope:
        grid_notes = [(name, next(r["formula"] for r in screen.indicators if r["key"] == key))
                      for key, name, _ in grid_indicators()]
        sheets.append(Sheet(GRID_NAMES[screen.grid_scope], f"{screen.title} 各{GRID_NAMES[screen.grid_scope]}指标",
                            grid_columns(screen.grid_scope), screen.grid, meta, grid_notes))
    return sheets


def analysis_workbook(query: Mapping[str, Any]) -> tuple[bytes, str]:
    """(.xlsx bytes, file name) of /analysis for this URL query."""
    today = court_today()
    screen = fetch_analysis(AnalysisRequest.parse(query, today), today)
    return workbook_bytes(analysis_sheets(screen)), file_name(
        "会商分析", screen.title, screen.choice.period, day=today)


def case_sheet(found: CaseList) -> Sheet:
    """The list as one sheet: same rows, same order as the grid."""
    period = f"{found.period.start} 至 {found.period.end}" if found.period else "截至今日"
    columns = list(CASE_COLUMNS)
    if found.kind == "payments":
        columns[5:5] = [Column("到账日期", "received_on", "date"), Column("发放日期", "paid_out_on", "date")]
    if found.value_label:
        columns.insert(1, Column(found.value_label, "value", "number"))
    if found.kind == "officers":
        columns = [Column("姓名", "name"), Column("角色", "role"), Column("团队", "team")]
    if found.kind == "nodes":
        columns = [Column("案号", "case_number"), Column("流程节点", "node"), Column("节点期限", "deadline", "date"),
                   Column("状态", "status"), Column("剩余（负数为超期）天数", "days_left", "int"),
                   Column("团队", "team"), Column("承办人", "officer")]
    notes = [("说明", line) for line in found.lines]
    return Sheet("清单", found.title, columns, found.rows, _meta(period, "不适用"), notes)


def cases_workbook(query: Mapping[str, Any]) -> tuple[bytes, str]:
    """(.xlsx bytes, file name) of /cases for this URL query."""
    found = fetch_case_list(parse_cases(query), court_today())
    return workbook_bytes([case_sheet(found)]), file_name(*(found.file_parts or [found.title]),
                                                          day=court_today())


