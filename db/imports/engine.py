"""The import engine: one path for a file, an upload and a sync run.

Reading, validating and writing go sheet by sheet in the fixed order 人员 → 案件 → child
sheets, in chunks, inside one SAVEPOINT of the caller's transaction: a rejected file or a
dry run rolls the savepoint back, so nothing is written; otherwise the caller commits.
"""
from __future__ import annotations

import bisect
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from db.auth.masking import mask_id_number
from db.base import Base
from db.cases.numbers import CaseNumber
from db.cases.vocab import CLOSING_METHODS
from db.imports import batches
from db.imports.result import ImportResult
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
from db.imports.values import is_blank, parse_value, text
from db.models import (
    Court,
    ImportBatch,
    ImportMapping,
    Officer,
    Team,
)
from db.session import bump_data_version

CHUNK = 1000
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
    "案款": ("ref", "received_on", "amount", "paid_out_on", "paid_amount"),
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
                 progress: Progress | None, auto_people: bool) -> None:
        self.s = session
        self.r = result
        self.court = court
        self.actor = actor
        self.mapping = mapping
        self.skip_invalid = skip_invalid
        self.tz = ZoneInfo(tz)
        self.progress = progress
        self.auto_people = auto_people
        self.courts = {c.code: c.id for c in session.scalars(select(Court))}
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
        self.inserted_cases: list[tuple[int, int]] = []
        self._rec: batches.Recorder | None = None

    @property
    def rec(self) -> batches.Recorder:
        assert self._rec is not None, "the batch is not open"
        return self._rec

    @rec.setter
    def rec(self, value: batches.Recorder) -> None:
        self._rec = value

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
    def rows(self, sheet: Sheet, raw: RawSheet, columns: list[Column]) -> Iterator[tuple[Row, list[str]]]:
        """Parsed rows with their errors (already recorded); blank rows are skipped."""
        done = 0
        for number, values, formula_bad in raw.rows:
            done += 1
            if self.progress and done % CHUNK == 0:
                self.progress(sheet.name, done, raw.total)
            if all(is_blank(v) for v in values):
                continue
            rec: dict[str, Any] = {}
            reasons: list[str] = []
            for col in columns:
                value = values[col.index] if col.index < len(values) else None
                if col.index in formula_bad:
                    reasons.append(self.error(sheet.name, number, col.header, value,
                                              "单元格是公式但没有计算结果，请在 Excel 中打开并保存后再导入，"
                                              "或把公式粘贴为数值")["message"])
                    continue
                try:
                    parsed = parse_value(col.field, value, col.unit)
                except ValueError as exc:
                    reasons.append(self.error(sheet.name, number, col.header, value, str(exc))["message"])
                    continue
                if parsed is None and col.field.required:
                    reasons.append(self.error(sheet.name, number, col.header, value, "不能为空")["message"])
                    continue
                rec[col.field.key] = parsed
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

    def people(self, sheet: Sheet, raw: RawSheet, columns: list[Column]) -> None:  # noqa: C901
        counts = self.r.counts(sheet.name)
        present = {c.field.key for c in columns}
        table = T["officers"]
        seen: dict[Any, int] = {}
        for row, reasons in self.rows(sheet, raw, columns):
            rec = row.rec
            if self.court is None and not reasons:
                reasons.append(self.error(sheet.name, row.number, self.header_of(columns, "name", sheet),
                                          rec.get("name"), "数据库中有多个法院，请指定导入的法院（--court）")["message"])
            key = ("no", rec.get("staff_no")) if rec.get("staff_no") else ("name", rec.get("name"))
            if not reasons and key in seen:
                col = "staff_no" if key[0] == "no" else "name"
                reasons.append(self.error(sheet.name, row.number, self.header_of(columns, col, sheet), key[1],
                                          f"与第 {seen[key]} 行重复")["message"])
            if reasons:
                self.reject(sheet.name, raw.headers, row, reasons)
                continue
            seen[key] = row.number
            assert self.court is not None  # checked above
            court_id = self.court.id
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
        rec, out = row.rec, []

        def bad(key: str, message: str) -> None:
            out.append(self.error(sheet.name, row.number, self.header_of(columns, key, sheet),
                                  rec.get(key) if key != "case_number" else str(number), message)["message"])

        court_id = self.courts.get(number.court_code)
        if court_id is None:
            bad("case_number", f"法院代字“{number.court_code}”不是已登记的法院"
                               "（先运行 python -m dashboard court add）")
        elif self.court is not None and court_id != self.court.id:
            bad("case_number", f"法院代字“{number.court_code}”与导入的法院（{self.court.code}）不符")
        filed, received, closed = rec.get("filed_on"), rec.get("received_on"), rec.get("closed_on")
        method = rec.get("closing_method")
        if filed and filed.year != number.year:
            bad("filed_on", f"立案日期的年度与案号年度 {number.year} 不一致")
        if filed and received and received > filed:
            bad("received_on", f"收案日期晚于立案日期 {filed}")
        if filed and closed and closed < filed:
            bad("closed_on", f"结案日期早于立案日期 {filed}")
        if closed and not method:
            bad("closing_method", "已结案（有结案日期）但结案方式为空")
        if method and not closed:
            bad("closed_on", f"填写了结案方式“{CLOSING_METHODS[method].label}”但没有结案日期")
        if method and number.category not in CLOSING_METHODS[method].categories:
            bad("closing_method", f"结案方式“{CLOSING_METHODS[method].label}”不适用于{number.type_code}字号案件")
        origin = rec.get("origin_case_number")
        if origin is not None and str(origin) == str(number):
            bad("origin_case_number", "原案号不能是本案自己")
        if court_id is not None and clean and not out:
            if rec.get("team") and self.team_id(court_id, rec["team"]) is None:
                bad("team", "团队不存在（不在数据库中，也不在本文件的“人员”表中）")
            team_id = self.teams.get((court_id, rec.get("team") or ""))
            if rec.get("officer") and self.officer_id(court_id, rec["officer"], team_id) is None:
                bad("officer", "承办人不存在（不在数据库中，也不在本文件的“人员”表中）")
        return out

    def write_cases(self, sheet: Sheet, raw: RawSheet, columns: list[Column], present: set[str],
                    chunk: list[tuple[Row, CaseNumber]]) -> None:
        counts = self.r.counts(sheet.name)
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
        stored = {r.case_number: r for r in self.s.execute(
            select(CASES.c.id, CASES.c.case_number, *(CASES.c[f] for f in fields), CASES.c.origin_case_id)
            .where(CASES.c.case_number.in_(list(keys))))}
        origin_numbers = {str(r.rec["origin_case_number"]) for r, _ in keys.values()
                          if r.rec.get("origin_case_number") is not None}
        origin_ids: dict[str, int] = dict(self.s.execute(select(CASES.c.case_number, CASES.c.id)
                                         .where(CASES.c.case_number.in_(list(origin_numbers))))
                          .all()) if origin_numbers else {}
        new_rows = []
        for key, (row, number) in keys.items():
            values = self.case_values(row.rec, number, present)
            origin_key = str(row.rec["origin_case_number"]) if row.rec.get("origin_case_number") else None
            if "origin_case_number" in present:
                values["origin_case_id"] = origin_ids.get(origin_key) if origin_key else None
            old = stored.get(key)
            if old is not None and self.touched(old.id):
                reason = self.error(sheet.name, row.number, self.header_of(columns, "case_number", sheet), key,
                                    "案号在本文件中重复出现")
                self.reject(sheet.name, raw.headers, row, [reason["message"]])
                continue
            if old is None:
                new_rows.append(values)
                counts.new += 1
            else:
                before = {k: getattr(old, k) for k in values if k in CASE_FIELDS and _differs(getattr(old, k), values[k])}
                if before:
                    self.s.execute(update(CASES).where(CASES.c.id == old.id).values({k: values[k] for k in before}))
                    self.rec.updated("cases", old.id, before)
                    self.updated_cases.add(old.id)
                    counts.updated += 1
                else:
                    counts.unchanged += 1
            if origin_key and origin_ids.get(origin_key) is None:
                self.pending_origins.append((key, row, raw.headers))
        if new_rows:
            self.s.execute(insert(CASES), new_rows)
            ids = self.s.execute(select(CASES.c.id).where(
                CASES.c.case_number.in_([v["case_number"] for v in new_rows]))).scalars().all()
            self.rec.inserted("cases", ids)
            for run in batches.runs(ids):
                bisect.insort(self.inserted_cases, run)

    def touched(self, case_id: int) -> bool:
        """Did this batch already write this case (a 案号 that came earlier in the file)?"""
        if case_id in self.updated_cases:
            return True
        at = bisect.bisect_right(self.inserted_cases, (case_id, float("inf"))) - 1
        return at >= 0 and self.inserted_cases[at][0] <= case_id <= self.inserted_cases[at][1]

    def case_values(self, rec: dict[str, Any], number: CaseNumber, present: set[str]) -> dict[str, Any]:
        court_id = self.courts[number.court_code]
        team_id = self.teams.get((court_id, rec.get("team") or "")) if rec.get("team") else None
        values: dict[str, Any] = {
            "court_id": court_id, "case_number": str(number), "year": number.year,
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
        return values

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
        keys = list(groups)
        for start in range(0, len(keys), CHUNK):
            self.write_children(sheet, raw, columns, {k: groups[k] for k in keys[start:start + CHUNK]}, bad_groups)

    def check_child(self, sheet: Sheet, columns: list[Column], row: Row) -> list[str]:
        rec, out = row.rec, []

        def bad(key: str, message: str) -> None:
            out.append(self.error(sheet.name, row.number, self.header_of(columns, key, sheet),
                                  rec.get(key), message)["message"])

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
                    "paid_out_on": rec.get("paid_out_on"), "paid_amount": rec.get("paid_amount")}
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
                           for k in ("team", "officer") if row.rec.get(k) and values.get(f"{k}_id") is None]
                for row, k in missing:
                    label = "团队" if k == "team" else ("承办人" if sheet.name == "分案记录" else "执行人员")
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
        counts = self.r.counts(sheet.name)
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
        5,000 cases at a time, so memory stays flat."""
        a = T["case_assignments"]
        for low, high in self.inserted_cases:
            for start in range(low, high + 1, 5000):
                part = self.s.execute(
                    select(CASES.c.id, CASES.c.team_id, CASES.c.officer_id, CASES.c.filed_on)
                    .where(CASES.c.id.between(start, min(high, start + 4999)),
                           ~select(a.c.id).where(a.c.case_id == CASES.c.id).exists())).all()
                if not part:
                    continue
                top = self.s.scalar(select(a.c.id).order_by(a.c.id.desc()).limit(1)) or 0
                self.s.execute(insert(a), [{"case_id": r.id, "team_id": r.team_id, "officer_id": r.officer_id,
                                            "assigned_on": r.filed_on, "reason": ""} for r in part])
                self.rec.inserted("case_assignments",
                                  self.s.execute(select(a.c.id).where(a.c.id > top)).scalars().all())


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


def resolve_court(session: Session, court: Court | int | str | None) -> Court | None:
    """The court an import belongs to: given (object, id or 法院代字), else the only one."""
    if isinstance(court, Court):
        return court
    if court is not None:
        found = session.scalar(select(Court).where(Court.code == str(court))) if isinstance(court, str) \
            else session.get(Court, court)
        if found is None:
            raise ImportFailed(f"法院“{court}”不存在（python -m dashboard court list 可查看已登记的法院）")
        return found
    courts = session.scalars(select(Court).limit(2)).all()
    if not courts:
        raise ImportFailed("数据库中还没有法院，请先运行 python -m dashboard court add --code 法院代字 --name 法院名称")
    return courts[0] if len(courts) == 1 else None


def run_import(session: Session, source: Any, *, actor: str, mapping: Mapping[str, Any] | None = None,
               dry_run: bool = False, skip_invalid: bool = False, court: Court | int | str | None = None,
               progress: Progress | None = None, sheet: str | None = None, name: str | None = None,
               limits: Limits | None = None, tz: str = "Asia/Shanghai", origin: str = "file") -> ImportResult:
    """Validate and upsert one file; see the package docstring."""
    src = ImportSource.of(source, name)
    limits = limits or Limits()
    the_court = resolve_court(session, court)
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
                 progress, sheet, tz, origin)
    except SourceError as exc:
        raise ImportFailed(str(exc)) from None
    return result


def run_sheets(session: Session, raws: list[RawSheet], *, name: str, actor: str,
               mapping: Mapping[str, Any] | None = None, court: Court | int | str | None = None,
               dry_run: bool = False, skip_invalid: bool = False, tz: str = "Asia/Shanghai",
               origin: str = "sync", fingerprint: str = "") -> ImportResult:
    """The engine over sheets that come from elsewhere than a file (the sync's SELECTs)."""
    the_court = resolve_court(session, court)
    if mapping is not None:
        check_mapping(mapping)
    result = ImportResult(file_name=name, sha256=fingerprint, dry_run=dry_run, skip_invalid=skip_invalid)
    try:
        _run(session, ImportSource(name), raws, result, the_court, actor, mapping, dry_run, skip_invalid,
             None, None, tz, origin)
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
         skip_invalid: bool, progress: Progress | None, forced: str | None, tz: str, origin: str) -> None:
    plan = _plan(src, raws, result, mapping, forced)
    run = _Run(session, result, court=court, actor=actor, mapping=mapping, skip_invalid=skip_invalid, tz=tz,
               progress=progress, auto_people=not any(s.name == "人员" for s, _ in plan))
    with session.begin_nested() as savepoint:
        batch = ImportBatch(court_id=court.id if court else None, actor=actor[:64], origin=origin,
                            file_name=src.name[:256], sha256=result.sha256, started_at=batches.utcnow(),
                            status="done", counts="{}")
        session.add(batch)
        session.flush()
        run.rec = batches.Recorder(session, batch.id)
        for spec, raw in plan:
            _sheet(run, spec, raw, mapping)
        run.first_assignments()
        run.rec.flush()
        batch.counts = json.dumps({k: v.as_dict() for k, v in result.sheets.items()}, ensure_ascii=False)
        batch.finished_at = batches.utcnow()
        if run.rec.count:
            bump_data_version(session)
        session.flush()
        if dry_run or (result.errors and not skip_invalid):
            savepoint.rollback()
        else:
            result.batch = batch.id
    if result.batch is None:
        session.expire_all()
