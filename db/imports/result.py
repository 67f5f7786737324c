"""What an import reports: counts per sheet, ignored columns, errors and the rejected rows."""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from db.imports.schema import SHEETS

REASON_HEADER = "错误原因"


@dataclass
class SheetCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    deleted: int = 0  # child rows the file's list for a case no longer has

    def as_dict(self) -> dict[str, int]:
        return {"new": self.new, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": self.rejected, "deleted": self.deleted}


@dataclass
class ImportResult:
    """The outcome of `run_import`. `batch` is None when nothing was written (a rejected
    file or a dry run). `errors` are dicts {sheet, row, column, value, message}; `row` is
    the row number as Excel shows it (the header is row 1)."""

    file_name: str = ""
    sha256: str = ""
    batch: int | None = None  # the first court's batch (the only one for a single court's data)
    batches: dict[str, int] = field(default_factory=dict)  # 法院代字 → its batch ("" for no court)
    dry_run: bool = False
    skip_invalid: bool = False
    sheets: dict[str, SheetCounts] = field(default_factory=dict)
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)
    ignored_sheets: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    rejected_rows: dict[str, tuple[list[Any], list[list[Any]]]] = field(default_factory=dict)

    @property
    def rejected(self) -> bool:
        """True when the file was refused as a whole (errors and no --skip-invalid)."""
        return bool(self.errors) and not self.skip_invalid

    @property
    def written(self) -> bool:
        return self.batch is not None

    def counts(self, sheet: str) -> SheetCounts:
        return self.sheets.setdefault(sheet, SheetCounts())

    def total(self, key: str) -> int:
        return sum(getattr(c, key) for c in self.sheets.values())

    def as_dict(self) -> dict[str, Any]:
        """The CLI's `--format json` object; top-level counts add up the sheets."""
        return {
            "batch": self.batch,
            "batches": self.batches,
            "file": self.file_name,
            "sha256": self.sha256,
            "dry_run": self.dry_run,
            "new": self.total("new"), "updated": self.total("updated"),
            "unchanged": self.total("unchanged"), "rejected": self.total("rejected"),
            "deleted": self.total("deleted"),
            "sheets": {name: counts.as_dict() for name, counts in self.sheets.items()},
            "ignored_columns": self.ignored_columns,
            "ignored_sheets": self.ignored_sheets,
            "errors": self.errors,
        }

    def reject(self, sheet: str, headers: list[Any], values: tuple[Any, ...] | list[Any],
               reason: str) -> None:
        """Keep a bad row as it was, for the rejects workbook."""
        kept = self.rejected_rows.setdefault(sheet, (list(headers), []))
        kept[1].append([*values, *([None] * (len(headers) - len(values)))][: max(len(headers), len(values))]
                       + [reason])
        self.counts(sheet).rejected += 1

    def write_rejects(self, target: str | Path | IO[bytes]) -> bool:
        """Write the rejects workbook (each sheet's bad rows as they were plus 错误原因);
        False, and nothing written, when no row was rejected."""
        if not self.rejected_rows:
            return False
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        order = [s for s in SHEETS if s in self.rejected_rows]
        order += [s for s in self.rejected_rows if s not in order]
        for name in order:
            headers, rows = self.rejected_rows[name]
            ws = book.create_sheet(name)
            ws.append([_cell(h) for h in headers] + [REASON_HEADER])
            for row in rows:
                ws.append([_cell(v) for v in row])
        book.save(target)
        return True

    def rejects_workbook(self) -> bytes | None:
        out = io.BytesIO()
        return out.getvalue() if self.write_rejects(out) else None


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("="):
        return "'" + value  # never write a formula back
    if isinstance(value, dt.time):
        return value.isoformat()
    return value


def template_workbook() -> bytes:
    """The standard workbook with every sheet, its first header form and one example row."""
    import openpyxl
    from openpyxl.styles import Font

    examples = {
        "人员": ["张法官", "0001", "执行一团队（简案）", "简案团队", "承办人", "", "是", "内0299"],
        "案件": ["（2024）内0299执1号", "2024-01-05", "2024-01-03", "2024-03-01", "执行完毕",
                 "执行一团队（简案）", "张法官", "10000.00", "10000.00", "民间借贷纠纷", "否", "简", "",
                 "内0299"],
        "当事人": ["（2024）内0299执1号", "申请执行人", "自然人", "王某", ""],
        "分案记录": ["（2024）内0299执1号", "2024-01-05", "执行一团队（简案）", "张法官", "立案分案"],
        "扣除期限": ["（2024）内0299执1号", "鉴定评估", "2024-01-20", "2024-02-05", "委托评估"],
        "延长期限": ["（2024）内0299执1号", "2024-02-20", "30", "院长批准"],
        "案款": ["（2024）内0299执1号", "AK2024001", "2024-02-25", "10000.00", "2024-02-28", "10000.00"],
        "执行事件": ["（2024）内0299执1号", "网络查控发起", "2024-01-06 09:30", "", "", "张法官", "",
                     "总对总查询", ""],
    }
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, sheet in SHEETS.items():
        ws = book.create_sheet(name)
        ws.append([f.label for f in sheet.fields])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.append(examples[name])
        for index, f in enumerate(sheet.fields, start=1):
            ws.column_dimensions[openpyxl.utils.get_column_letter(index)].width = max(12, 4 * len(f.label))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
