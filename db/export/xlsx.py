"""Excel (.xlsx) export of what a page shows: Chinese headers, period, as-of time, formulas.

Numbers stay numbers and dates stay dates. Any text that starts with = + - @ (or a tab or
carriage return) is neutralised with a leading apostrophe so Excel never evaluates it.
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS: dict[str, str] = {
    "int": "#,##0",
    "number": "#,##0.00",
    "percent": "0.00%",
    "money": "#,##0.00",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "text": "@",
    # per row: percent when the row's "unit" is %, else a plain number (indicator sheets)
    "by_unit": "#,##0.00",
}
# The kind of a value by its indicator unit: rates are numbers with a percent format
# (87.37% is stored as 0.8737), counts integers, days numbers, amounts numbers in 元.
UNIT_KINDS: dict[str, str] = {"%": "percent", "件": "int", "天": "number", "元": "money"}
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_BOLD = Font(bold=True)


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: str = "text"  # a key of FORMATS

    def __post_init__(self) -> None:
        if self.kind not in FORMATS:
            raise ValueError(f"未知的列类型“{self.kind}”（列“{self.header}”）")


@dataclass(frozen=True)
class Sheet:
    title: str
    heading: str
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, Any]]
    meta: Sequence[tuple[str, Any]] = ()  # (标签, 值): 统计期间, 对比期间, 数据截至 …
    notes: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (指标, 公式说明)


def safe_text(value: str) -> str:
    """Neutralise text Excel would read as a formula."""
    return "'" + value if value.startswith(DANGEROUS_PREFIXES) else value


def cell_value(value: Any, kind: str) -> Any:
    """Convert one value to what the cell stores: numbers, dates or safe text."""
    if value is None or value == "":
        return None
    if kind == "percent":
        return Decimal(str(value)) / 100  # values arrive in percent units (87.28)
    if kind in ("int", "number", "money"):
        return value if isinstance(value, int | float | Decimal) else Decimal(str(value))
    if kind == "date":
        if isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value)[:10])
    if kind == "datetime":
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        return dt.datetime.fromisoformat(str(value))
    return safe_text(str(value))


def _write_meta(ws: Worksheet, sheet: Sheet) -> int:
    """Write the heading and meta lines; return the row where the table starts."""
    ws.cell(row=1, column=1, value=safe_text(sheet.heading)).font = Font(bold=True, size=14)
    row = 2
    for label, value in sheet.meta:
        ws.cell(row=row, column=1, value=safe_text(label)).font = _BOLD
        cell = ws.cell(row=row, column=2)
        if isinstance(value, dt.datetime):
            cell.value, cell.number_format = value, "yyyy-mm-dd hh:mm:ss"
        elif isinstance(value, dt.date):
            cell.value, cell.number_format = value, FORMATS["date"]
        else:
            cell.value = safe_text(str(value))
        row += 1
    return row + 1


def _write_table(ws: Worksheet, sheet: Sheet, first_row: int) -> None:
    for col, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=first_row, column=col, value=safe_text(column.header))
        cell.font, cell.fill = _BOLD, _HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        width = max(len(column.header) * 2 + 2, 12 if column.kind == "date" else 8)
        ws.column_dimensions[get_column_letter(col)].width = min(width, 40)
    for r, row in enumerate(sheet.rows, start=first_row + 1):
        for c, column in enumerate(sheet.columns, start=1):
            kind = column.kind
            if kind == "by_unit":
                kind = "percent" if row.get("unit") == "%" else "number"
            cell = ws.cell(row=r, column=c, value=cell_value(row.get(column.key), kind))
            if cell.value is not None:
                cell.number_format = FORMATS[kind]
                if kind == "text":
                    cell.data_type = "s"
    ws.freeze_panes = ws.cell(row=first_row + 1, column=1)


def _write_notes(ws: Worksheet, sheet: Sheet) -> None:
    if not sheet.notes:
        return
    row = ws.max_row + 2
    ws.cell(row=row, column=1, value="指标计算公式").font = _BOLD
    for offset, (name, formula) in enumerate(sheet.notes, start=1):
        ws.cell(row=row + offset, column=1, value=safe_text(name))
        ws.cell(row=row + offset, column=2, value=safe_text(formula))


def file_name(*parts: str, day: dt.date, ext: str = "xlsx") -> str:
    """"团队-简案团队-结案率-2026-12-03.xlsx": what the file is, and the day; no path characters."""
    clean = ["".join("_" if ch in '\\/:*?"<>|' or ch.isspace() else ch for ch in str(p)).strip("_")
             for p in parts if p]
    return "-".join([*(p for p in clean if p), day.isoformat()]) + f".{ext}"


def _sheet_title(title: str, used: set[str]) -> str:
    clean = "".join("_" if ch in '[]:*?/\\' else ch for ch in title)[:31] or "Sheet"
    name, n = clean, 2
    while name in used:
        name = f"{clean[:28]}_{n}"
        n += 1
    used.add(name)
    return name


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """Return an .xlsx file with one worksheet per Sheet."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for sheet in sheets:
        ws = wb.create_sheet(_sheet_title(sheet.title, used))
        _write_table(ws, sheet, _write_meta(ws, sheet))
        _write_notes(ws, sheet)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
