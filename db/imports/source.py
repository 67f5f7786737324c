"""Open an import file by its content (xlsx, xls or CSV), with guards, and stream its rows.

Nothing here loads a whole xlsx or CSV file: openpyxl's read-only mode and the csv module
hand over one row at a time. (An .xls file is at most 65,536 rows per sheet; xlrd reads it
whole.) Macros are never run: openpyxl and xlrd only read cell values.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import os
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"


class SourceError(ValueError):
    """The whole file is refused (wrong type, too large, unreadable); message in Chinese."""


@dataclass(frozen=True)
class Limits:
    """Guards; DASHBOARD_IMPORT_MAX_MB sets max_bytes from the settings."""

    max_bytes: int = 200 * 1024 * 1024
    max_unzipped: int = 4 * 1024 * 1024 * 1024
    max_ratio: int = 400  # a larger compression ratio on a large part reads as a zip bomb
    max_members: int = 5000
    bomb_part_bytes: int = 64 * 1024 * 1024  # parts smaller than this are never called bombs
    bulk_bytes: int = 4 * 1024 * 1024  # a 案件 CSV at least this large takes the bulk write path


@dataclass
class ImportSource:
    """A file to import: a path on disk, or bytes with the name the user gave them."""

    name: str
    path: Path | None = None
    data: bytes | None = None

    @classmethod
    def of(cls, value: Any, name: str | None = None) -> ImportSource:
        if isinstance(value, ImportSource):
            return value
        if isinstance(value, bytes | bytearray):
            return cls(name or "upload", data=bytes(value))
        path = Path(value)
        return cls(name or path.name, path=path)

    def open(self) -> IO[bytes]:
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        try:
            return open(self.path, "rb")  # noqa: SIM115 - the caller closes it
        except OSError as exc:
            raise SourceError(f"无法打开文件“{self.name}”：{exc.strerror or exc}") from None

    def size(self) -> int:
        if self.data is not None:
            return len(self.data)
        assert self.path is not None
        try:
            return os.stat(self.path).st_size
        except OSError as exc:
            raise SourceError(f"无法打开文件“{self.name}”：{exc.strerror or exc}") from None

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with self.open() as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()

    @property
    def stem(self) -> str:
        return Path(self.name).stem


@dataclass
class RawSheet:
    """One sheet as the file has it: its name, header row and a one-pass row iterator.

    `rows` yields (Excel row number, cell values, indexes of formula cells without a value).
    """

    name: str
    headers: list[Any]
    rows: Iterator[tuple[int, tuple[Any, ...], tuple[int, ...]]]
    total: int | None = None
    kind: str = "xlsx"
    extra: dict[str, Any] = field(default_factory=dict)


def sniff(source: ImportSource, limits: Limits) -> str:
    """'xlsx', 'xls' or 'csv' from the first bytes; SourceError for anything else."""
    size = source.size()
    if size > limits.max_bytes:
        raise SourceError(f"文件“{source.name}”有 {size / 1048576:.1f} MB，超过上限 "
                          f"{limits.max_bytes / 1048576:.0f} MB")
    if size == 0:
        raise SourceError(f"文件“{source.name}”是空文件")
    with source.open() as fh:
        head = fh.read(8192)
    if head.startswith(OLE2):
        return "xls"
    if head.startswith(ZIP):
        return "xlsx"
    if b"\x00" in head:
        raise SourceError(f"文件“{source.name}”不是 xlsx、xls 或 CSV 文件")
    return "csv"


def _check_zip(source: ImportSource, limits: Limits) -> None:
    with source.open() as fh:
        try:
            members = zipfile.ZipFile(fh).infolist()
        except zipfile.BadZipFile:
            raise SourceError(f"文件“{source.name}”已损坏，不是有效的 xlsx 工作簿") from None
    names = {m.filename for m in members}
    if "xl/workbook.bin" in names:
        raise SourceError(f"文件“{source.name}”是 xlsb 二进制工作簿，请在 Excel 中另存为 xlsx")
    if "xl/workbook.xml" not in names:
        raise SourceError(f"文件“{source.name}”是压缩包但不是 Excel 工作簿（xlsx）")
    if len(members) > limits.max_members:
        raise SourceError(f"文件“{source.name}”包含的部件过多（{len(members)} 个），拒绝读取")
    total = sum(m.file_size for m in members)
    bomb = any(m.file_size > limits.bomb_part_bytes and m.file_size > limits.max_ratio * max(m.compress_size, 1)
               for m in members)
    if total > limits.max_unzipped or bomb:
        raise SourceError(f"文件“{source.name}”解压后过大（{total / 1048576:.0f} MB），疑似压缩炸弹，拒绝读取")


@contextmanager
def open_sheets(source: ImportSource, limits: Limits, sheet: str | None = None) -> Iterator[list[RawSheet]]:
    """The file's sheets in file order (a CSV file is one sheet named `sheet` or its stem)."""
    kind = sniff(source, limits)
    with ExitStack() as stack:
        if kind == "xlsx":
            _check_zip(source, limits)
            yield list(_xlsx_sheets(source, stack))
        elif kind == "xls":
            yield list(_xls_sheets(source, limits))
        else:
            yield [_csv_sheet(source, stack, sheet or source.stem)]


def _xlsx_sheets(source: ImportSource, stack: ExitStack) -> Iterator[RawSheet]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(stack.enter_context(source.open()), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any parser failure means a broken workbook
        raise SourceError(f"文件“{source.name}”无法作为 xlsx 读取：{exc}") from None
    stack.callback(book.close)
    for ws in book.worksheets:
        if not hasattr(ws, "iter_rows"):
            continue  # chartsheet
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            continue
        plain = enumerate(rows, start=2)
        numbered: Iterator[tuple[int, tuple[Any, ...], tuple[int, ...]]]
        if _has_formulas(book, ws):
            numbered = _with_formula_check(source, stack, ws.title, plain)
        else:
            numbered = ((n, r, ()) for n, r in plain)
        total = ws.max_row if isinstance(ws.max_row, int) and ws.max_row > 1 else None
        yield RawSheet(ws.title, list(header), numbered, total=total, kind="xlsx")


def _has_formulas(book: Any, ws: Any) -> bool:
    """Scan the sheet's XML for <f> elements (cheap next to parsing it)."""
    path = getattr(ws, "_worksheet_path", None)
    archive = getattr(book, "_archive", None)
    if not path or archive is None:
        return True
    tail = b""
    with archive.open(path) as xml:
        for chunk in iter(lambda: xml.read(1 << 20), b""):
            block = tail + chunk
            if b"<f>" in block or b"<f " in block or b"<x:f" in block:
                return True
            tail = block[-8:]
    return False


def _with_formula_check(source: ImportSource, stack: ExitStack, title: str,
                        numbered: Iterator[tuple[int, tuple[Any, ...]]]) -> Iterator[tuple[int, tuple[Any, ...], tuple[int, ...]]]:
    """Walk the formulas beside the cached values; a formula without a value is flagged."""
    import openpyxl

    book = openpyxl.load_workbook(stack.enter_context(source.open()), read_only=True, data_only=False)
    stack.callback(book.close)
    formulas = book[title].iter_rows(min_row=2, values_only=True)
    for (number, values), raw in zip(numbered, formulas, strict=False):
        bad = tuple(i for i, v in enumerate(raw or ())
                    if isinstance(v, str) and v.startswith("=") and (i >= len(values) or values[i] is None))
        yield number, values, bad


def _xls_sheets(source: ImportSource, limits: Limits) -> Iterator[RawSheet]:
    import xlrd

    with source.open() as fh:
        data = fh.read(limits.max_bytes + 1)
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except Exception as exc:  # noqa: BLE001 - xlrd raises many kinds for broken files
        raise SourceError(f"文件“{source.name}”无法作为 xls 读取：{exc}") from None
    for index in range(book.nsheets):
        ws = book.sheet_by_index(index)
        if ws.nrows == 0:
            continue

        def cells(row: int, ws: Any = ws) -> tuple[Any, ...]:
            return tuple(_xls_value(book, c) for c in ws.row(row))

        rows = ((r + 1, cells(r), ()) for r in range(1, ws.nrows))
        yield RawSheet(ws.name, list(cells(0)), rows, total=ws.nrows, kind="xls")


def _xls_value(book: Any, cell: Any) -> Any:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_DATE:
        when = xlrd.xldate_as_datetime(cell.value, book.datemode)
        return when.date() if when.time() == dt.time() else when
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    return cell.value


def _csv_sheet(source: ImportSource, stack: ExitStack, name: str) -> RawSheet:
    raw = stack.enter_context(source.open())
    head = raw.read(1 << 16)
    raw.seek(0)
    encoding = _encoding(head)
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    stack.callback(text.detach)
    first = head.decode(encoding, errors="ignore").splitlines()[0] if head else ""
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = next(reader, None)
    except UnicodeDecodeError:
        raise SourceError(f"文件“{source.name}”的编码无法识别（应为 UTF-8 或 GB18030）") from None
    if header is None:
        raise SourceError(f"文件“{source.name}”没有表头行")

    def rows() -> Iterator[tuple[int, tuple[Any, ...], tuple[int, ...]]]:
        number = 1
        try:
            for row in reader:
                number += 1
                yield number, tuple(row), ()
        except UnicodeDecodeError:
            raise SourceError(f"文件“{source.name}”第 {number + 1} 行附近的编码无法识别（应为 UTF-8 或 GB18030）") from None
        except csv.Error as exc:
            raise SourceError(f"文件“{source.name}”第 {number + 1} 行不是有效的 CSV：{exc}") from None

    return RawSheet(name, list(header), rows(), kind="csv", extra={"bytes": source.size()})


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"
