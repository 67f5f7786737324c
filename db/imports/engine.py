"""The import engine: one path for a file, an upload and a sync run.

Reading, validating and writing go sheet by sheet in the fixed order 人员 → 案件 → child
sheets, in chunks, inside one SAVEPOINT of the caller's transaction: a rejected file or a
dry run rolls the savepoint back, so nothing is written; otherwise the caller commits.

A file may hold several courts' data: each row belongs to the court of its 案号's 法院代字 (a
人员 row: its 法院 column, else the import's court). Every court gets its own batch (its own
ImportBatch row, its own undo); a row of a court that is not registered, or not among the
courts the importing user may see (`court_ids`), is an error of that row.
"""
from __future__ import annotations

import bisect
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, Table, insert, literal, select, update
from sqlalchemy.orm import Session

from db.auth.masking import mask_id_number
from db.base import Base, table_of
from db.cases.numbers import CaseNumber
from db.cases.vocab import CLOSING_METHODS
from db.imports import batches, bulk
from db.imports.result import ImportResult, SheetCounts
from db.imports.schema import (
    ORDER,
    SHEETS,
    Field,
    Sheet,
    field_for,
    match_sheet,
    normalize_header,
)
from db.imports.source import ImportSource, Limits, RawSheet, SourceError, open_sheets
from db.imports.values import case_text_cell, is_blank, parse_value, text
from db.models import (
    Court,
    ImportBatch,
    ImportMapping,
    Officer,
    Team,
    TrackChange,
)
from db.session import bump_data_version

TRACK_CHANGES = table_of(TrackChange)

CHUNK = 1000
MEMO_SIZE = 20_000  # distinct texts remembered per column (memory stays flat)
Progress = Callable[[str, int, int | None], None]
T: dict[str, Table] = dict(Base.metadata.tables)
CASES = T["cases"]
CASE_FIELDS = ("received_on", "filed_on", "closed_on", "closing_method", "track", "non_litigation",
               "team_id", "officer_id", "target_amount", "recovered_amount", "cause", "origin_case_id")
# child sheet → (table, columns compared and written, besides case_id)
CHILD_COLUMNS = {
    "当事人": ("role", "kind", "name", "id_number"),
    "分案记录": ("assigned_on", "team_id", "officer_id", "reason"),
    "扣除期限": ("kind", "started_on", "ended_on", "reason"),
    "延长期限": ("approved_on", "days", "reason"),
    "案款": ("ref", "received_on", "amount", "paid_out_on", "paid_amount", "clerk_id"),
    "执行事件": ("kind", "occurred_at", "expires_on", "amount", "officer_id", "detail", "media_ref"),
}
TEAM_NAME_KINDS = (("简案", "simple"), ("繁案", "complex"), ("保全", "preservation"), ("指挥中心", "center"))


class ImportFailed(ValueError):
    """The file could not be read at all (not a validation error of its rows)."""


def team_kind_from_name(name: str) -> str:
    return next((kind for word, kind in TEAM_NAME_KINDS if word in name), "other")


@dataclass
class Column:
    index: int
    header: str  # as the file has it
    field: Field
    unit: str


@dataclass
class Row:
    number: int
    values: tuple[Any, ...]
    rec: dict[str, Any]


def load_mapping(session: Session, court_id: int | None) -> dict[str, Any] | None:
    if court_id is None:
        return None
    stored = session.scalar(select(ImportMapping.mapping).where(ImportMapping.court_id == court_id,
                                                                ImportMapping.name == "default"))
    return json.loads(stored) if stored else None


def save_mapping(session: Session, court_id: int, mapping: Mapping[str, Any]) -> None:
    """Keep `mapping` as the court's column mapping (used when an import gives none)."""
    check_mapping(mapping)
    row = session.scalar(select(ImportMapping).where(ImportMapping.court_id == court_id,
                                                     ImportMapping.name == "default"))
    if row is None:
        row = ImportMapping(court_id=court_id, name="default", mapping="{}", updated_at=batches.utcnow())
        session.add(row)
    row.mapping = json.dumps(mapping, ensure_ascii=False)
    row.updated_at = batches.utcnow()
    session.flush()


def check_mapping(mapping: Mapping[str, Any]) -> None:
    """A mapping is {"sheets": {file sheet: standard sheet}, standard sheet: {header: field}}."""
    if not isinstance(mapping, Mapping):
        raise ImportFailed("列映射应为 {工作表: {表头: 字段}} 的形式")
    for sheet_name, columns in mapping.items():
        if sheet_name == "sheets":
            for target in dict(columns).values():
                if target not in SHEETS:
                    raise ImportFailed(f"列映射中的工作表“{target}”不是标准工作表（{'、'.join(SHEETS)}）")
            continue
        sheet = SHEETS.get(sheet_name)
        if sheet is None:
            raise ImportFailed(f"列映射中的工作表“{sheet_name}”不是标准工作表（{'、'.join(SHEETS)}）")
        for header, target in dict(columns).items():
            if field_for(sheet, normalize_header(target)[0]) is None:
                raise ImportFailed(f"列映射中“{sheet_name}”表的“{header}”指向未知字段“{target}”")


def _sheet_of(raw: RawSheet, mapping: Mapping[str, Any] | None, forced: str | None) -> Sheet | None:
    if forced:
        return SHEETS.get(forced)
    alias = (mapping or {}).get("sheets", {}).get(raw.name)
    if alias:
        return SHEETS.get(alias)
    found = match_sheet(raw.name)
    if found is None and raw.kind == "csv":  # 案件_2024.csv, 案件(1).csv
        found = next((s for name, s in SHEETS.items() if raw.name.startswith(name)
                      and not "\u4e00" <= raw.name[len(name):len(name) + 1] <= "\u9fff"), None)
    return found


def columns_of(sheet: Sheet, headers: list[Any], mapping: Mapping[str, Any] | None
               ) -> tuple[list[Column], list[str]]:
    """(recognised columns, ignored headers) for a header row."""
    own = {normalize_header(k)[0]: v for k, v in ((mapping or {}).get(sheet.name) or {}).items()}
    taken: set[str] = set()
    columns, ignored = [], []
    for index, raw in enumerate(headers):
        header, unit = normalize_header(raw)
        if not header:
            continue
        target = own.get(header)
        found = field_for(sheet, normalize_header(target)[0]) if target else field_for(sheet, header)
        if target and not unit:
            unit = normalize_header(target)[1]
        if found is None or found.key in taken:
            ignored.append(text(raw))
            continue
        taken.add(found.key)
        columns.append(Column(index, text(raw), found, unit))
    return columns, ignored


class _Run:
    def __init__(self, session: Session, result: ImportResult, *, court: Court | None, actor: str,
                 mapping: Mapping[str, Any] | None, skip_invalid: bool, tz: str,
                 progress: Progress | None, auto_people: bool, bulk_bytes: int | None = None,
                 court_ids: frozenset[int] | None = None, origin: str = "file") -> None:
        self.s = session
        self.r = result
        self.court = court
        self.court_id = court.id if court is not None else None
        self.court_ids = court_ids  # the courts the importing user may see; None: every court
        self.origin = origin
        self.actor = actor
        self.mapping = mapping
        self.skip_invalid = skip_invalid
        self.tz = ZoneInfo(tz)
        self.progress = progress
        self.auto_people = auto_people
        self.bulk_bytes = bulk_bytes
        self.bulk = False  # the 案件 sheet being written takes the bulk path
        self.dropped_indexes: list[str] = []  # SQLite: rebuilt after the load
        self.bind_memos: dict[str, dict[Any, Any]] = {}  # the bulk path's converted values, per column
        rows = session.execute(select(Court.id, Court.code, Court.name, Court.short_name)).all()
        self.courts = {c.code: c.id for c in rows}
        self.court_codes = {c.id: c.code for c in rows}
        # a 法院 cell may hold the 法院代字, the full name or the short name
        self.court_names = {n: c.id for c in rows for n in (c.short_name, c.name, c.code) if n}
        # each court's batch: its recorder and counts; `current` is the court being written
        self.current: int | None = None
        self.recs: dict[int | None, batches.Recorder] = {}
        self.batch_rows: dict[int | None, ImportBatch] = {}
        self.court_counts: dict[int | None, dict[str, SheetCounts]] = {}
        self.inserted_by_court: dict[int | None, list[tuple[int, int]]] = defaultdict(list)
        self.teams: dict[tuple[int, str], int] = {}
        self.team_kinds: dict[int, str] = {}
        for t in session.execute(select(Team.id, Team.court_id, Team.name, Team.kind)):
            self.teams.setdefault((t.court_id, t.name), t.id)
            self.team_kinds[t.id] = t.kind
        self.officers: dict[tuple[int, str], int] = {}
        self.staff: dict[tuple[int, str], int] = {}
        for o in session.execute(select(Officer.id, Officer.court_id, Officer.name, Officer.staff_no)):
            self.officers.setdefault((o.court_id, o.name), o.id)
            if o.staff_no:
                self.staff[(o.court_id, o.staff_no)] = o.id
        self.bad_cases: set[str] = set()
        self.pending_origins: list[tuple[str, Row, list[Any]]] = []
        self.cases_sheet_failed = False
        self.updated_cases: set[int] = set()
        self.seen_cases = bytearray()  # one byte per case id: its 案号 came earlier in this file
        self.inserted_cases: list[tuple[int, int]] = []

    @property
    def rec(self) -> batches.Recorder:
        """The recorder of the batch of the court being written."""
        return self.recs[self.enter(self.current)]

    def enter(self, court_id: int | None) -> int | None:
        """Write for `court_id` from now on; its batch is opened on first use."""
        self.current = court_id
        if court_id not in self.recs:
            batch = ImportBatch(court_id=court_id, actor=self.actor[:64], origin=self.origin,
                                file_name=self.r.file_name[:256], sha256=self.r.sha256,
                                started_at=batches.utcnow(), status="done", counts="{}")
            self.s.add(batch)
            self.s.flush()
            self.batch_rows[court_id] = batch
            self.recs[court_id] = batches.Recorder(self.s, batch.id)
            self.court_counts[court_id] = {}
        return court_id

    def tally(self, sheet: str) -> SheetCounts:
        """The counts of `sheet` in the current court's batch."""
        self.enter(self.current)
        return self.court_counts[self.current].setdefault(sheet, SheetCounts())

    def court_problem(self, court_id: int | None, label: str) -> str:
        """Why rows of court `label` (its 法院代字 or name as written) cannot be imported, or ""."""
        if court_id is None:
            return f"法院“{label}”不是已登记的法院（python -m dashboard court list 可查看已登记的法院）"
        if self.court_ids is not None and court_id not in self.court_ids:
            return f"法院“{label}”不在您可导入的法院范围内（只能导入本院及辖区法院的数据）"
        if self.court_id is not None and court_id != self.court_id:
            assert self.court is not None
            return f"法院“{label}”与导入的法院（{self.court.code}）不符"
        return ""

    def default_court(self) -> int | None:
        """The court of a 人员 row without a 法院 cell: the import's court, or the only one the
        user may import into (None: ambiguous)."""
        if self.court_id is not None:
            return self.court_id
        choices = self.court_ids if self.court_ids is not None else frozenset(self.court_codes)
        return next(iter(choices)) if len(choices) == 1 else None

    # ---- errors -------------------------------------------------------------------------
    def error(self, sheet: str, number: int, column: str, value: Any, message: str) -> dict[str, Any]:
        shown = text(value)
        if column in SHEETS["当事人"].field("id_number").headers or "证件" in column or "身份证" in column:
            shown = mask_id_number(shown)
        item = {"sheet": sheet, "row": number, "column": column, "value": shown,
                "message": f"{sheet}表第 {number} 行“{column}”" + (f"（{shown}）" if shown else "") + f"：{message}"}
        self.r.errors.append(item)
        return item

    def reject(self, sheet: str, headers: list[Any], row: Row, reasons: list[str]) -> None:
        self.r.reject(sheet, headers, row.values, "；".join(reasons))

    # ---- reading --------------------------------------------------------------------------
    def rows(self, sheet: Sheet, raw: RawSheet,  # noqa: C901 - the per-cell hot loop, kept in one piece
             columns: list[Column]) -> Iterator[tuple[Row, list[str]]]:
        """Parsed rows with their errors (already recorded); blank rows are skipped."""
        done = 0
        # a text cell's parse is a pure function of its text: columns with few distinct values
        # (dates, amounts, enumerations, names) are parsed once per distinct text
        parsers: list[tuple[Column, int, str, bool, dict[Any, Any] | None, bool]] = [
            (col, col.index, col.field.key, col.field.required, None if col.field.kind == "case_number" else {},
             col.field.kind == "case_number") for col in columns]
        progress, name = self.progress, sheet.name
        for number, values, formula_bad in raw.rows:
            done += 1
            if progress and done % CHUNK == 0:
                progress(name, done, raw.total)
            if (not values or is_blank(values[0])) and all(is_blank(v) for v in values):
                continue
            rec: dict[str, Any] = {}
            reasons: list[str] = []
            width = len(values)
            for col, index, key, required, memo, case_number in parsers:
                value = values[index] if index < width else None
                if formula_bad and index in formula_bad:
                    reasons.append(self.error(name, number, col.header, value,
                                              "单元格是公式但没有计算结果，请在 Excel 中打开并保存后再导入，"
                                              "或把公式粘贴为数值")["message"])
                    continue
                if memo is not None and type(value) is str:
                    parsed = memo.get(value, memo)
                    if parsed is memo:
                        parsed = _parse_or_reason(col, value)
                        if len(memo) < MEMO_SIZE:
                            memo[value] = parsed
                elif case_number and type(value) is str:  # unique per row: no memo, the short path
                    parsed = _case_cell(value)
                else:
                    parsed = _parse_or_reason(col, value)
                if type(parsed) is _Reason:
                    reasons.append(self.error(name, number, col.header, value, parsed.message)["message"])
                    continue
                if parsed is None and required:
                    reasons.append(self.error(name, number, col.header, value, "不能为空")["message"])
                    continue
                rec[key] = parsed
            yield Row(number, tuple(values), rec), reasons
        if self.progress:
            self.progress(sheet.name, done, raw.total)

    def header_of(self, columns: list[Column], key: str, sheet: Sheet) -> str:
        return next((c.header for c in columns if c.field.key == key), sheet.field(key).label)

    # ---- people ---------------------------------------------------------------------------
    def team_id(self, court_id: int, name: str | None, kind: str | None = None) -> int | None:
        if not name:
            return None
        found = self.teams.get((court_id, name))
        if found is None and (kind is not None or self.auto_people):
            kind = kind or team_kind_from_name(name)
            found = _new_id(self.s.execute(insert(Team).values(court_id=court_id, name=name, kind=kind, active=True,
                                                       sort_order=0)))
            self.teams[(court_id, name)] = found
            self.team_kinds[found] = kind
            self.rec.inserted("teams", [found])
        return found

    def officer_id(self, court_id: int, name: str | None, team_id: int | None) -> int | None:
        if not name:
            return None
        found = self.officers.get((court_id, name))
        if found is None and self.auto_people:
            found = _new_id(self.s.execute(insert(Officer).values(court_id=court_id, team_id=team_id, name=name,
                                                          role="judge", active=True)))
            self.officers[(court_id, name)] = found
            self.rec.inserted("officers", [found])
        return found

    def person_court(self, sheet: Sheet, columns: list[Column], row: Row) -> tuple[int | None, list[str]]:
        """The court of a 人员 row (its 法院 cell, else the default) or the reason it has none."""
        written = row.rec.get("court")
        if written:
            court_id = self.court_names.get(str(written))
            problem = self.court_problem(court_id, str(written))
            if problem:
                return None, [self.error(sheet.name, row.number, self.header_of(columns, "court", sheet),
                                         written, problem)["message"]]
            return court_id, []
        court_id = self.default_court()
        if court_id is None:
            message = "导入的数据涉及多个法院，请在“法院”列填写法院代字，或指定导入的法院（--court）"
            return None, [self.error(sheet.name, row.number, self.header_of(columns, "court", sheet), "",
                                     message)["message"]]
        return court_id, []

    def people(self, sheet: Sheet, raw: RawSheet, columns: list[Column]) -> None:  # noqa: C901
        present = {c.field.key for c in columns}
        table = T["officers"]
        seen: dict[Any, int] = {}
        for row, reasons in self.rows(sheet, raw, columns):
            rec = row.rec
            court_id: int | None = None
            if not reasons:
                court_id, reasons = self.person_court(sheet, columns, row)
            key = (court_id, "no", rec.get("staff_no")) if rec.get("staff_no") else (court_id, "name", rec.get("name"))
            if not reasons and key in seen:
                col = "staff_no" if key[1] == "no" else "name"
                reasons.append(self.error(sheet.name, row.number, self.header_of(columns, col, sheet), key[2],
                                          f"与第 {seen[key]} 行重复")["message"])
            if reasons:
                self.reject(sheet.name, raw.headers, row, reasons)
                continue
            seen[key] = row.number
            assert court_id is not None  # a row without its court has a reason above
            self.enter(court_id)
            counts = self.tally(sheet.name)
            team_id = self.team_id(court_id, rec["team"], rec.get("team_kind") or team_kind_from_name(rec["team"]))
            assert team_id is not None  # a named team is found or made
            if "team_kind" in present and rec.get("team_kind") and self.team_kinds.get(team_id) != rec["team_kind"]:
                before = {"kind": self.team_kinds[team_id]}
                self.s.execute(update(T["teams"]).where(T["teams"].c.id == team_id).values(kind=rec["team_kind"]))
                self.rec.updated("teams", team_id, before)
                self.team_kinds[team_id] = rec["team_kind"]
            found = None
            if rec.get("staff_no"):
                found = self.staff.get((court_id, rec["staff_no"]))
            if found is None:
                found = self.officers.get((court_id, rec["name"]))
            values = {"name": rec["name"], "team_id": team_id}
            if "staff_no" in present:
                values["staff_no"] = rec.get("staff_no") or None
            if "role" in present or found is None:
                values["role"] = rec.get("role") or "judge"
            if "duty" in present:
                values["duty"] = rec.get("duty") or None
            if "active" in present or found is None:
                values["active"] = True if "active" not in present else bool(rec.get("active"))
            if found is None:
                new_id = _new_id(self.s.execute(insert(table).values(court_id=court_id, **values)))
                self.rec.inserted("officers", [new_id])
                counts.new += 1
                found = new_id
            else:
                stored = self.s.execute(select(*(table.c[k] for k in values)).where(table.c.id == found)).one()
                before = {k: v for k, v in zip(values, stored, strict=True) if v != values[k]}
                if before:
                    self.s.execute(update(table).where(table.c.id == found)
                                   .values({k: values[k] for k in before}))
                    self.rec.updated("officers", found, before)
                    counts.updated += 1
                else:
                    counts.unchanged += 1
            self.officers[(court_id, rec["name"])] = found
            if rec.get("staff_no"):
                self.staff[(court_id, rec["staff_no"])] = found

    # ---- cases ----------------------------------------------------------------------------
    def cases(self, sheet: Sheet, raw: RawSheet, columns: list[Column]) -> None:
        present = {c.field.key for c in columns}
        self.bulk = (raw.kind == "csv" and self.bulk_bytes is not None
                     and int(raw.extra.get("bytes", 0)) >= self.bulk_bytes)
        if self.bulk:
            self.dropped_indexes += bulk.drop_indexes(self.s, CASES)
        chunk: list[tuple[Row, CaseNumber]] = []
        for row, reasons in self.rows(sheet, raw, columns):
            number = row.rec.get("case_number")
            if number is not None:
                reasons += self.check_case(sheet, columns, row, number, clean=not reasons)
            if reasons:
                if number is not None:
                    self.bad_cases.add(str(number))
                self.reject(sheet.name, raw.headers, row, reasons)
                continue
            assert number is not None  # a required field: missing means a reason above
            chunk.append((row, number))
            if len(chunk) >= CHUNK:
                self.write_cases(sheet, raw, columns, present, chunk)
                chunk = []
        if chunk:
            self.write_cases(sheet, raw, columns, present, chunk)

    def check_case(self, sheet: Sheet, columns: list[Column], row: Row, number: CaseNumber,  # noqa: C901
                   clean: bool = True) -> list[str]:
        """The row's cross-field errors; its team and officer are looked up (and, with no 人员
        sheet, created) only when the row has no other error, so a rejected row adds nobody."""
        rec = row.rec
        problems: list[tuple[str, str]] = []  # (field, message) in the order found, recorded at the end
        bad = problems.append
        court_id = self.courts.get(number.court_code)
        problem = self.court_problem(court_id, number.court_code)
        if court_id is None:
            bad(("case_number", f"法院代字“{number.court_code}”不是已登记的法院"
                                "（先运行 python -m dashboard court add）"))
        elif problem:
            bad(("case_number", problem.replace("法院“", "法院代字“", 1)))
            court_id = None
        elif rec.get("court") and self.court_names.get(str(rec["court"])) != court_id:
            bad(("court", f"与案号中的法院代字“{number.court_code}”不符"))
        get = rec.get
        filed, received, closed = get("filed_on"), get("received_on"), get("closed_on")
        method = get("closing_method")
        if filed:
            if filed.year != number.year:
                bad(("filed_on", f"立案日期的年度与案号年度 {number.year} 不一致"))
            if received and received > filed:
                bad(("received_on", f"收案日期晚于立案日期 {filed}"))
            if closed and closed < filed:
                bad(("closed_on", f"结案日期早于立案日期 {filed}"))
        if closed and not method:
            bad(("closing_method", "已结案（有结案日期）但结案方式为空"))
        if method:
            closing = CLOSING_METHODS[method]
            if not closed:
                bad(("closed_on", f"填写了结案方式“{closing.label}”但没有结案日期"))
            if number.category not in closing.categories:
                bad(("closing_method", f"结案方式“{closing.label}”不适用于{number.type_code}字号案件"))
        origin = get("origin_case_number")
        if origin is not None and str(origin) == str(number):
            bad(("origin_case_number", "原案号不能是本案自己"))
        if court_id is not None and clean and not problems:
            # known names are one dict look-up; team_id/officer_id create an unknown one
            # (no 人员 sheet, in the court's batch) or report it missing
            self.enter(court_id)
            team, officer = get("team"), get("officer")
            team_id = self.teams.get((court_id, team or ""))
            if team and team_id is None:
                team_id = self.team_id(court_id, team)
                if team_id is None:
                    bad(("team", "团队不存在（不在数据库中，也不在本文件的“人员”表中）"))
            if officer and (court_id, officer) not in self.officers \
                    and self.officer_id(court_id, officer, team_id) is None:
                bad(("officer", "承办人不存在（不在数据库中，也不在本文件的“人员”表中）"))
        return [self.error(sheet.name, row.number, self.header_of(columns, key, sheet),
                           rec.get(key) if key != "case_number" else str(number), message)["message"]
                for key, message in problems]

    def write_cases(self, sheet: Sheet, raw: RawSheet, columns: list[Column], present: set[str],
                    chunk: list[tuple[Row, CaseNumber]]) -> None:
        """Write a chunk, each court's rows in that court's batch."""
        by_court: dict[int, list[tuple[Row, CaseNumber]]] = defaultdict(list)
        for item in chunk:
            by_court[self.courts[item[1].court_code]].append(item)
        for court_id, part in by_court.items():
            self.enter(court_id)
            self.write_court_cases(sheet, raw, columns, present, part)

    def write_court_cases(self, sheet: Sheet, raw: RawSheet, columns: list[Column], present: set[str],
                          chunk: list[tuple[Row, CaseNumber]]) -> None:
        counts = self.tally(sheet.name)
        keys: dict[str, tuple[Row, CaseNumber]] = {}
        for row, number in chunk:
            key = str(number)
            if key in keys:
                col = self.header_of(columns, "case_number", sheet)
                reason = self.error(sheet.name, row.number, col, key, f"案号与第 {keys[key][0].number} 行重复")
                self.bad_cases.add(key)
                self.reject(sheet.name, raw.headers, row, [reason["message"]])
                continue
            keys[key] = (row, number)
        fields = [f for f in CASE_FIELDS if f != "origin_case_id"]
        found = self.stored_numbers(list(keys))  # most chunks of a first import: none
        stored = {r.case_number: r for r in self.s.execute(
            select(CASES.c.id, CASES.c.case_number, *(CASES.c[f] for f in fields), CASES.c.origin_case_id)
            .where(CASES.c.case_number.in_(found)))} if found else {}
        origin_numbers = {str(r.rec["origin_case_number"]) for r, _ in keys.values()
                          if r.rec.get("origin_case_number") is not None}
        origin_ids: dict[str, int] = dict(self.s.execute(select(CASES.c.case_number, CASES.c.id)
                                         .where(CASES.c.case_number.in_(list(origin_numbers))))
                          .all()) if origin_numbers else {}
        new_rows: list[Any] = []
        for key, (row, number) in keys.items():
            origin = row.rec.get("origin_case_number")
            origin_key = str(origin) if origin else None
            old = stored.get(key)
            if old is not None and self.touched(old.id):
                reason = self.error(sheet.name, row.number, self.header_of(columns, "case_number", sheet), key,
                                    "案号在本文件中重复出现")
                self.reject(sheet.name, raw.headers, row, [reason["message"]])
                continue
            if old is None and self.bulk:  # the row as a plain tuple, no dict on the way
                new_rows.append(self.bulk_case(row.rec, number, key,
                                               origin_ids.get(origin_key) if origin_key else None))
                counts.new += 1
            elif old is None:
                new_rows.append(self.case_values(row.rec, number, present, key, origin_ids, origin_key))
                counts.new += 1
            else:
                values = self.case_values(row.rec, number, present, key, origin_ids, origin_key)
                self.see(old.id)
                before = {k: getattr(old, k) for k in values if k in CASE_FIELDS and _differs(getattr(old, k), values[k])}
                if before:
                    self.s.execute(update(CASES).where(CASES.c.id == old.id).values({k: values[k] for k in before}))
                    self.rec.updated("cases", old.id, before)
                    if "track" in before:  # 转繁/转简 by the case system: kept in the track history
                        self.track_change(old.id, before["track"], values["track"])
                    self.updated_cases.add(old.id)
                    counts.updated += 1
                else:
                    counts.unchanged += 1
            if origin_key and origin_ids.get(origin_key) is None:
                self.pending_origins.append((key, row, raw.headers))
        if new_rows:
            self.insert_cases(new_rows)

    def stored_numbers(self, keys: list[str]) -> list[str]:
        """Which of `keys` (案号s) the cases table has: one plain driver query (no statement
        compiled for the 1,000 parameters, no typed rows); the stored rows are then read only
        for these."""
        if not keys:
            return []
        conn = self.s.connection()
        if conn.dialect.name == "postgresql":  # one array parameter: psycopg parses no 1,000-mark text
            return [r[0] for r in conn.exec_driver_sql("SELECT case_number FROM cases WHERE case_number = ANY(%s)",
                                                       (keys,))]
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        sql = f"SELECT case_number FROM cases WHERE case_number IN ({', '.join([mark] * len(keys))})"
        return [r[0] for r in conn.exec_driver_sql(sql, tuple(keys))]

    def insert_cases(self, new_rows: list[Any]) -> None:
        """Insert the chunk's new cases: dicts, or on the bulk path tuples in BULK_CASE_COLUMNS order."""
        ids: Sequence[int]
        if self.bulk:
            top = bulk.top_id(self.s, CASES)
            bulk.insert_rows(self.s, CASES, BULK_CASE_COLUMNS, new_rows, self.bind_memos)
            ids = bulk.ids_after(self.s, CASES, top)
        else:
            self.s.execute(insert(CASES), new_rows)
            ids = self.s.execute(select(CASES.c.id).where(
                CASES.c.case_number.in_([v["case_number"] for v in new_rows]))).scalars().all()
        self.rec.inserted("cases", ids)
        for run in batches.runs(ids):
            bisect.insort(self.inserted_cases, run)
            self.inserted_by_court[self.current].append(run)

    def see(self, case_id: int) -> None:
        if case_id >= len(self.seen_cases):
            self.seen_cases.extend(bytes(case_id + 1 - len(self.seen_cases) + 65536))
        self.seen_cases[case_id] = 1

    def track_change(self, case_id: int, old: str | None, new: str) -> None:
        """A track history row for a case whose 繁简 the import changed (undone with the batch)."""
        today = dt.datetime.now(self.tz).date()
        found = cast(CursorResult[Any], self.s.execute(insert(TRACK_CHANGES).values(
            case_id=case_id, changed_on=today, old_track=old, new_track=new, actor=self.actor[:64],
            reason="导入更新繁简", source="import")))
        key = found.inserted_primary_key
        assert key is not None  # a single-row INSERT reports its key on every backend
        self.rec.inserted("track_changes", [int(key[0])])

    def touched(self, case_id: int) -> bool:
        """Did a 案号 earlier in the file name this case (written or found unchanged)?"""
        if case_id in self.updated_cases or (case_id < len(self.seen_cases) and self.seen_cases[case_id]):
            return True
        at = bisect.bisect_right(self.inserted_cases, (case_id, float("inf"))) - 1
        return at >= 0 and self.inserted_cases[at][0] <= case_id <= self.inserted_cases[at][1]

    def case_values(self, rec: dict[str, Any], number: CaseNumber, present: set[str], key: str,
                    origin_ids: dict[str, int], origin_key: str | None) -> dict[str, Any]:
        court_id = self.courts[number.court_code]
        team_id = self.teams.get((court_id, rec.get("team") or "")) if rec.get("team") else None
        values: dict[str, Any] = {
            "court_id": court_id, "case_number": key, "year": number.year,
            "court_code": number.court_code, "type_code": number.type_code, "serial": number.serial,
            "category": number.category, "filed_on": rec["filed_on"],
        }
        defaults = {"received_on": None, "closed_on": None, "closing_method": None, "track": "simple",
                    "non_litigation": False, "target_amount": Decimal("0.00"),
                    "recovered_amount": Decimal("0.00"), "cause": ""}
        for key, default in defaults.items():
            if key in present:
                value = rec.get(key)
                values[key] = default if value is None else value
        if "team" in present:
            values["team_id"] = team_id
        if "officer" in present:
            values["officer_id"] = self.officers.get((court_id, rec["officer"])) if rec.get("officer") else None
        if "origin_case_number" in present:
            values["origin_case_id"] = origin_ids.get(origin_key) if origin_key else None
        return values

    def bulk_case(self, rec: dict[str, Any], number: CaseNumber, key: str, origin_id: int | None) -> tuple[Any, ...]:
        """A new case's row for the bulk insert, in BULK_CASE_COLUMNS order: what case_values
        gives, with the model's defaults for the columns the file lacks (a missing column's
        value is None in `rec`, as an empty cell's is). The closing holders are given as the
        insert trigger would set them (the team and officer when closed), so it has nothing to do."""
        get = rec.get
        court_id = self.courts[number.court_code]
        team, officer, closed = get("team"), get("officer"), get("closed_on")
        team_id = self.teams.get((court_id, team)) if team else None
        officer_id = self.officers.get((court_id, officer)) if officer else None
        track, flag, target, recovered, cause = (get("track"), get("non_litigation"), get("target_amount"),
                                                 get("recovered_amount"), get("cause"))
        return (court_id, key, number.year, number.court_code, number.type_code, number.serial, number.category,
                get("received_on"), rec["filed_on"], closed, get("closing_method"),
                "simple" if track is None else track, False if flag is None else flag, team_id, officer_id,
                ZERO if target is None else target, ZERO if recovered is None else recovered,
                "" if cause is None else cause, origin_id,
                team_id if closed is not None else None, officer_id if closed is not None else None)

    def finish_origins(self) -> None:
        """执恢 rows whose 原案 came later in the file: link them now, or reject them."""
        for key, row, headers in self.pending_origins:
            origin = str(row.rec["origin_case_number"])
            origin_id = self.s.scalar(select(CASES.c.id).where(CASES.c.case_number == origin))
            if origin_id is None:
                reason = self.error("案件", row.number, "原案号", origin,
                                    "原案号不存在（不在数据库中，也不在本文件的“案件”表中）")
                self.bad_cases.add(key)
                self.reject("案件", headers, row, [reason["message"]])
                continue
            self.s.execute(update(CASES).where(CASES.c.case_number == key).values(origin_case_id=origin_id))

    # ---- child sheets ---------------------------------------------------------------------
    def children(self, sheet: Sheet, raw: RawSheet, columns: list[Column]) -> None:
        groups: dict[str, list[Row]] = defaultdict(list)
        bad_groups: dict[str, list[str]] = defaultdict(list)
        for row, reasons in self.rows(sheet, raw, columns):
            number = row.rec.get("case_number")
            key = str(number) if number is not None else None
            if not reasons:
                reasons = self.check_child(sheet, columns, row)
            if reasons:
                self.reject(sheet.name, raw.headers, row, reasons)
                if key:
                    bad_groups[key].append(str(row.number))
                continue
            assert key is not None
            groups[key].append(row)
        by_court: dict[int | None, list[str]] = defaultdict(list)
        for key, rows in groups.items():
            by_court[self.courts.get(rows[0].rec["case_number"].court_code)].append(key)
        for court_id, keys in by_court.items():
            self.enter(court_id)
            for start in range(0, len(keys), CHUNK):
                self.write_children(sheet, raw, columns, {k: groups[k] for k in keys[start:start + CHUNK]},
                                    bad_groups)

    def check_child(self, sheet: Sheet, columns: list[Column], row: Row) -> list[str]:
        rec, out = row.rec, []

        def bad(key: str, message: str) -> None:
            out.append(self.error(sheet.name, row.number, self.header_of(columns, key, sheet),
                                  rec.get(key), message)["message"])

        code = rec["case_number"].court_code
        problem = self.court_problem(self.courts.get(code), code)
        if problem:
            bad("case_number", problem.replace("法院“", "法院代字“", 1))
            return out

        if sheet.name == "扣除期限" and rec.get("ended_on") and rec["ended_on"] < rec["started_on"]:
            bad("ended_on", f"结束日期早于开始日期 {rec['started_on']}")
        if sheet.name == "案款":
            if rec.get("paid_out_on") and rec["paid_out_on"] < rec["received_on"]:
                bad("paid_out_on", f"发放日期早于到账日期 {rec['received_on']}")
            if rec.get("paid_amount") is not None and rec["paid_amount"] > rec["amount"]:
                bad("paid_amount", f"发放金额大于到账金额 {rec['amount']}")
            if rec.get("paid_amount") is not None and not rec.get("paid_out_on"):
                bad("paid_out_on", "填写了发放金额但没有发放日期")
        if sheet.name == "执行事件" and rec.get("expires_on") and rec["expires_on"] < rec["occurred_at"].date():
            bad("expires_on", "届满日期早于事件时间")
        if sheet.name == "延长期限" and rec.get("days") is not None and not 0 < rec["days"] <= 3650:
            bad("days", "延长天数应在 1 到 3650 之间")
        return out

    def child_values(self, sheet: Sheet, rec: dict[str, Any], court_id: int) -> dict[str, Any]:
        if sheet.name == "当事人":
            return {"role": rec["role"], "kind": rec.get("kind") or "natural", "name": rec["name"],
                    "id_number": rec.get("id_number") or ""}
        if sheet.name == "分案记录":
            team_id = self.team_id(court_id, rec.get("team"))
            return {"assigned_on": rec["assigned_on"], "team_id": team_id,
                    "officer_id": self.officer_id(court_id, rec.get("officer"), team_id),
                    "reason": rec.get("reason") or ""}
        if sheet.name == "扣除期限":
            return {"kind": rec["kind"], "started_on": rec["started_on"], "ended_on": rec.get("ended_on"),
                    "reason": rec.get("reason") or ""}
        if sheet.name == "延长期限":
            return {"approved_on": rec["approved_on"], "days": rec["days"], "reason": rec.get("reason") or ""}
        if sheet.name == "案款":
            return {"ref": rec.get("ref") or None, "received_on": rec["received_on"], "amount": rec["amount"],
                    "paid_out_on": rec.get("paid_out_on"), "paid_amount": rec.get("paid_amount"),
                    "clerk_id": self.officer_id(court_id, rec.get("clerk"), None)}
        local = rec["occurred_at"].replace(tzinfo=self.tz)
        detail = "；".join(x for x in (f"结果：{rec['result']}" if rec.get("result") else "",
                                       rec.get("detail") or "") if x)
        return {"kind": rec["kind"], "occurred_at": local.astimezone(dt.UTC).replace(tzinfo=None),
                "expires_on": rec.get("expires_on"), "amount": rec.get("amount"),
                "officer_id": self.officer_id(court_id, rec.get("officer"), None),
                "detail": detail, "media_ref": rec.get("media_ref") or ""}

    def write_children(self, sheet: Sheet, raw: RawSheet, columns: list[Column],
                       groups: dict[str, list[Row]], bad_groups: dict[str, list[str]]) -> None:
        table = T[sheet.table]
        names = CHILD_COLUMNS[sheet.name]
        wanted = self.resolve_children(sheet, raw, columns, groups, bad_groups)
        if not wanted:
            return
        stored: dict[int, list[Any]] = defaultdict(list)
        for r in self.s.execute(select(table.c.id, table.c.case_id, *(table.c[n] for n in names))
                                .where(table.c.case_id.in_(list(wanted)))):
            stored[r.case_id].append(r)
        new_rows = []
        for case_id, values in wanted.items():
            new_rows += [{"case_id": case_id, **v} for v in self.replace_list(sheet, stored.get(case_id, []), values)]
        if new_rows:
            top = self.s.scalar(select(table.c.id).order_by(table.c.id.desc()).limit(1)) or 0
            self.s.execute(insert(table), new_rows)
            ids = self.s.execute(select(table.c.id).where(table.c.id > top,
                                                          table.c.case_id.in_(list(wanted)))).scalars().all()
            self.rec.inserted(sheet.table, ids)

    def resolve_children(self, sheet: Sheet, raw: RawSheet, columns: list[Column], groups: dict[str, list[Row]],
                         bad_groups: dict[str, list[str]]) -> dict[int, list[dict[str, Any]]]:
        """{case id: the file's rows as column values} for the cases whose rows all pass."""
        case_col = self.header_of(columns, "case_number", sheet)
        found = {r.case_number: (r.id, r.court_id) for r in self.s.execute(
            select(CASES.c.id, CASES.c.case_number, CASES.c.court_id).where(CASES.c.case_number.in_(list(groups))))}
        wanted: dict[int, list[dict[str, Any]]] = {}
        for key, rows in groups.items():
            message = self.group_problem(key, found, bad_groups)
            if not message:
                resolved = [self.child_values(sheet, row.rec, found[key][1]) for row in rows]
                missing = [(row, k) for row, values in zip(rows, resolved, strict=True)
                           for k in ("team", "officer", "clerk") if row.rec.get(k) and values.get(f"{k}_id") is None]
                for row, k in missing:
                    label = {"team": "团队", "clerk": "案款专管员"}.get(
                        k, "承办人" if sheet.name == "分案记录" else "执行人员")
                    self.error(sheet.name, row.number, self.header_of(columns, k, sheet), row.rec[k],
                               f"{label}不存在（不在数据库中，也不在本文件的“人员”表中）")
                if missing:
                    message = "同一案件在本表有人员不存在的行，该案件在本表的行均未导入"
                else:
                    wanted[found[key][0]] = resolved
            if message:
                for row in rows:
                    self.error(sheet.name, row.number, case_col, key, message)
                    self.reject(sheet.name, raw.headers, row, [message])
        return wanted

    def group_problem(self, key: str, found: dict[str, tuple[int, int]], bad_groups: dict[str, list[str]]) -> str:
        if self.cases_sheet_failed:
            return "“案件”表缺少必填列，本行未导入"
        if key in self.bad_cases:
            return "该案件在“案件”表中有错误，本行未导入"
        if key in bad_groups:
            return f"同一案件在本表第 {'、'.join(bad_groups[key])} 行有错误，该案件在本表的行均未导入"
        if key not in found:
            return "案号不存在（不在数据库中，也不在本文件的“案件”表中）"
        if self.court is not None and found[key][1] != self.court.id:
            return "案件不属于导入的法院"
        return ""

    def replace_list(self, sheet: Sheet, stored: list[Any], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Make a case's stored rows equal the file's list: equal rows stay, changed rows are
        updated in place, extra rows deleted; returns the rows still to insert."""
        table = T[sheet.table]
        names = CHILD_COLUMNS[sheet.name]
        counts = self.tally(sheet.name)
        by_sig: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
        for r in stored:
            by_sig[tuple(_norm(getattr(r, n)) for n in names)].append(r)
        leftover_new = []
        for values in items:
            same = by_sig.get(tuple(_norm(values[n]) for n in names))
            if same:
                same.pop()
                counts.unchanged += 1
            else:
                leftover_new.append(values)
        leftover_old = sorted((r for rows in by_sig.values() for r in rows), key=lambda r: r.id)
        for old, values in zip(leftover_old, leftover_new, strict=False):
            before = {n: getattr(old, n) for n in names if _differs(getattr(old, n), values[n])}
            self.s.execute(update(table).where(table.c.id == old.id).values({n: values[n] for n in before}))
            self.rec.updated(sheet.table, old.id, before)
            counts.updated += 1
        for old in leftover_old[len(leftover_new):]:
            image = dict(self.s.execute(select(*(table.c[c] for c in batches.imaged_columns(sheet.table)))
                                        .where(table.c.id == old.id)).one()._mapping)
            self.s.execute(table.delete().where(table.c.id == old.id))
            self.rec.deleted(sheet.table, old.id, image)
            counts.deleted += 1
        counts.new += max(0, len(leftover_new) - len(leftover_old))
        return leftover_new[len(leftover_old):]

    def first_assignments(self) -> None:
        """New cases with no 分案记录 get one at 立案 (as db.cases.input.add_cases does);
        5,000 cases at a time, so memory stays flat.

        On SQLite's bulk path the assignment insert trigger is dropped for these rows (inside
        the transaction, as the indexes are) and its work done set-based: for a case whose only
        assignment is this one, dated 立案 ≤ 结案, the trigger's 结案 holder is the assignment's
        team and officer, i.e. the case's own — which the case row already has (the bulk insert
        wrote them), so the UPDATE below normally finds nothing, where the trigger rewrote every
        closed case (~7 µs a row)."""
        a = T["case_assignments"]
        mysql = self.s.get_bind().dialect.name in ("mysql", "mariadb")
        suspended = bulk.drop_triggers(self.s, [FIRST_ASSIGNMENT_TRIGGER]) if self.dropped_indexes else []
        for court_id, low, high in [(c, lo, hi) for c, runs in self.inserted_by_court.items() for lo, hi in runs]:
            self.enter(court_id)
            for start in range(low, high + 1, 5000):
                top = bulk.top_id(self.s, a)
                end = min(high, start + 4999)
                # the assignments' range is spelled out too: PostgreSQL's planner, with no
                # statistics yet for a table this transaction filled, would otherwise hash the
                # whole (growing) case_assignments table for every part — quadratic in the file
                part = (select(CASES.c.id, CASES.c.team_id, CASES.c.officer_id, CASES.c.filed_on, literal(""))
                        .where(CASES.c.id.between(start, end),
                               ~select(a.c.id).where(a.c.case_id == CASES.c.id,
                                                     a.c.case_id.between(start, end)).exists())
                        .order_by(CASES.c.id))
                if mysql:  # MariaDB refuses INSERT … SELECT FROM cases while a trigger updates cases
                    bulk.insert_rows(self.s, a, FIRST_ASSIGNMENT, [tuple(r) for r in self.s.execute(part)])
                else:
                    self.s.execute(insert(a).from_select(FIRST_ASSIGNMENT, part))
                if suspended:
                    self.s.execute(update(CASES).where(
                        CASES.c.id.between(start, end), CASES.c.closed_on.is_not(None),
                        CASES.c.filed_on <= CASES.c.closed_on,
                        CASES.c.closed_team_id.is_distinct_from(CASES.c.team_id)
                        | CASES.c.closed_officer_id.is_distinct_from(CASES.c.officer_id),
                        CASES.c.id.in_(select(a.c.case_id).where(a.c.id > top)))
                        .values(closed_team_id=CASES.c.team_id, closed_officer_id=CASES.c.officer_id))
                self.rec.inserted("case_assignments", bulk.ids_after(self.s, a, top))
        bulk.restore_indexes(self.s, suspended)


class _Reason:
    """A cell's parse error, kept in the memo beside the parsed values."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


def _parse_or_reason(col: Column, value: Any) -> Any:
    try:
        return parse_value(col.field, value, col.unit)
    except ValueError as exc:
        return _Reason(str(exc))


def _case_cell(value: str) -> Any:
    """A 案号 text cell: what _parse_or_reason gives, without its general steps."""
    try:
        return case_text_cell(value)
    except ValueError as exc:
        return _Reason(str(exc))


FIRST_ASSIGNMENT_TRIGGER = "trg_case_assignments_closed_insert"  # SQLite (migration 0010_closed_holder)
FIRST_ASSIGNMENT = ("case_id", "team_id", "officer_id", "assigned_on", "reason")
BULK_CASE_COLUMNS = ("court_id", "case_number", "year", "court_code", "type_code", "serial", "category",
                     "received_on", "filed_on", "closed_on", "closing_method", "track", "non_litigation",
                     "team_id", "officer_id", "target_amount", "recovered_amount", "cause", "origin_case_id",
                     "closed_team_id", "closed_officer_id")
ZERO = Decimal("0.00")


def _new_id(result: Any) -> int:
    """The primary key of a single-row INSERT."""
    return int(result.inserted_primary_key[0])


def _norm(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    if value == "":
        return ""
    return value


def _differs(old: Any, new: Any) -> bool:
    return _norm(old) != _norm(new)


def resolve_court(session: Session, court: Court | int | str | None,
                  court_ids: frozenset[int] | None = None) -> Court | None:
    """The court an import belongs to: given (object, id or 法院代字), else the only one; a
    given court must be one the importing user may see (`court_ids`, None: every court)."""
    if isinstance(court, Court):
        found: Court | None = court
    elif court is not None:
        found = session.scalar(select(Court).where(Court.code == str(court))) if isinstance(court, str) \
            else session.get(Court, court)
        if found is None:
            raise ImportFailed(f"法院“{court}”不存在（python -m dashboard court list 可查看已登记的法院）")
    if court is not None:
        assert found is not None
        if court_ids is not None and found.id not in court_ids:
            raise ImportFailed(f"法院“{found.code}”不在您可导入的法院范围内（只能导入本院及辖区法院的数据）")
        return found
    courts = session.scalars(select(Court).limit(2)).all()
    if not courts:
        raise ImportFailed("数据库中还没有法院，请先运行 python -m dashboard court add --code 法院代字 --name 法院名称")
    return courts[0] if len(courts) == 1 else None


def run_import(session: Session, source: Any, *, actor: str, mapping: Mapping[str, Any] | None = None,
               dry_run: bool = False, skip_invalid: bool = False, court: Court | int | str | None = None,
               progress: Progress | None = None, sheet: str | None = None, name: str | None = None,
               limits: Limits | None = None, tz: str = "Asia/Shanghai", origin: str = "file",
               court_ids: frozenset[int] | None = None) -> ImportResult:
    """Validate and upsert one file; see the package docstring."""
    src = ImportSource.of(source, name)
    limits = limits or Limits()
    the_court = resolve_court(session, court, court_ids)
    if mapping is None and the_court is not None:
        mapping = load_mapping(session, the_court.id)
    if mapping is not None:
        check_mapping(mapping)
    result = ImportResult(file_name=src.name, dry_run=dry_run, skip_invalid=skip_invalid)
    if sheet is not None and sheet not in SHEETS:
        raise ImportFailed(f"工作表“{sheet}”不是标准工作表（{'、'.join(SHEETS)}）")
    try:
        result.sha256 = src.sha256()
        with open_sheets(src, limits, sheet) as raws:
            _run(session, src, raws, result, the_court, actor, mapping, dry_run, skip_invalid,
                 progress, sheet, tz, origin, limits.bulk_bytes, court_ids)
    except SourceError as exc:
        raise ImportFailed(str(exc)) from None
    return result


def run_sheets(session: Session, raws: list[RawSheet], *, name: str, actor: str,
               mapping: Mapping[str, Any] | None = None, court: Court | int | str | None = None,
               dry_run: bool = False, skip_invalid: bool = False, tz: str = "Asia/Shanghai",
               origin: str = "sync", fingerprint: str = "", court_ids: frozenset[int] | None = None) -> ImportResult:
    """The engine over sheets that come from elsewhere than a file (the sync's SELECTs)."""
    the_court = resolve_court(session, court, court_ids)
    if mapping is not None:
        check_mapping(mapping)
    result = ImportResult(file_name=name, sha256=fingerprint, dry_run=dry_run, skip_invalid=skip_invalid)
    try:
        _run(session, ImportSource(name), raws, result, the_court, actor, mapping, dry_run, skip_invalid,
             None, None, tz, origin, court_ids=court_ids)
    except SourceError as exc:
        raise ImportFailed(str(exc)) from None
    return result


def _plan(src: ImportSource, raws: list[RawSheet], result: ImportResult, mapping: Mapping[str, Any] | None,
          forced: str | None) -> list[tuple[Sheet, RawSheet]]:
    plan: list[tuple[Sheet, RawSheet]] = []
    for raw in raws:
        spec = _sheet_of(raw, mapping, forced if raw.kind == "csv" else None)
        if spec is None and raw.kind == "csv":
            raise ImportFailed(f"无法确定 CSV 文件“{src.name}”对应的工作表：文件名应为“案件.csv”等标准工作表名，"
                               f"或用 --sheet 指定（{'、'.join(SHEETS)}）")
        if spec is None or any(p[0].name == spec.name for p in plan):
            result.ignored_sheets.append(raw.name)
            continue
        plan.append((spec, raw))
    if not plan:
        raise ImportFailed(f"文件“{src.name}”中没有可识别的工作表（应为 {'、'.join(SHEETS)} 之一）")
    plan.sort(key=lambda p: ORDER.index(p[0].name))
    return plan


def _sheet(run: _Run, spec: Sheet, raw: RawSheet, mapping: Mapping[str, Any] | None) -> None:
    result = run.r
    columns, ignored = columns_of(spec, raw.headers, mapping)
    result.counts(spec.name)
    if ignored:
        result.ignored_columns[spec.name] = ignored
    missing = [f for f in spec.fields if f.required and f.key not in {c.field.key for c in columns}]
    if missing:
        for f in missing:
            run.error(spec.name, 1, f.label, "", f"缺少必填列“{f.label}”（可用表头："
                      + "、".join(f.headers) + "），本表未导入")
        for _, values, _ in raw.rows:
            if not all(is_blank(v) for v in values):
                result.reject(spec.name, raw.headers, values, f"缺少必填列“{missing[0].label}”")
        run.cases_sheet_failed = run.cases_sheet_failed or spec.name == "案件"
    elif spec.name == "人员":
        run.people(spec, raw, columns)
    elif spec.name == "案件":
        run.cases(spec, raw, columns)
        run.finish_origins()
    else:
        run.children(spec, raw, columns)


def _run(session: Session, src: ImportSource, raws: list[RawSheet], result: ImportResult,
         court: Court | None, actor: str, mapping: Mapping[str, Any] | None, dry_run: bool,
         skip_invalid: bool, progress: Progress | None, forced: str | None, tz: str, origin: str,
         bulk_bytes: int | None = None, court_ids: frozenset[int] | None = None) -> None:
    plan = _plan(src, raws, result, mapping, forced)
    run = _Run(session, result, court=court, actor=actor, mapping=mapping, skip_invalid=skip_invalid, tz=tz,
               progress=progress, auto_people=not any(s.name == "人员" for s, _ in plan), bulk_bytes=bulk_bytes,
               court_ids=court_ids, origin=origin)
    with session.begin_nested() as savepoint:
        if court is not None:
            run.enter(court.id)  # the named court's batch even when the file changes nothing
        for spec, raw in plan:
            _sheet(run, spec, raw, mapping)
        run.first_assignments()
        bulk.restore_indexes(session, run.dropped_indexes)
        if not run.recs:
            run.enter(None)
        _close_batches(run)
        session.flush()
        if dry_run or (result.errors and not skip_invalid):
            savepoint.rollback()
        else:
            result.batches = {("" if cid is None else run.court_codes[cid]): b.id
                              for cid, b in run.batch_rows.items()}
            result.batch = next(iter(run.batch_rows.values())).id
    if result.batch is None:
        session.expire_all()


def _close_batches(run: _Run) -> None:
    """Write each court's changes and counts; one court alone gets the whole file's counts (its
    rejected rows too), as a single-court import always did."""
    for court_id in run.batch_rows:
        run.recs[court_id].flush()
        own = run.court_counts[court_id]
        for name, counts in own.items():
            total = run.r.counts(name)
            for key in ("new", "updated", "unchanged", "deleted"):
                setattr(total, key, getattr(total, key) + getattr(counts, key))
    for court_id, batch in run.batch_rows.items():
        own = run.court_counts[court_id]
        shown = run.r.sheets if len(run.batch_rows) == 1 else \
            {name: own.get(name, SheetCounts()) for name in run.r.sheets}
        batch.counts = json.dumps({k: v.as_dict() for k, v in shown.items()}, ensure_ascii=False)
        batch.finished_at = batches.utcnow()
    if any(rec.count for rec in run.recs.values()):
        bump_data_version(run.s)
