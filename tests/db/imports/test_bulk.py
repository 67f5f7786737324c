"""The bulk write path of large case CSV files gives exactly what the per-row path gives.

Each scenario runs twice on the same database, once through the per-row path and once
forced through the bulk path (``Limits(bulk_bytes=0)``), each inside one transaction that is
rolled back afterwards; every step's report (counts, errors in order, the rejects workbook)
and the tables after it (rows, batch change records, data version) must be equal.
"""
from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import select

from db.base import Base
from db.imports import Limits, run_import, undo
from db.imports.batches import CHANGES
from db.session import begin_consistent_read, data_version
from tests.db.imports.helpers import CASES, CN, read_sheets, with_court

PER_ROW = Limits(bulk_bytes=1 << 40)
BULK = Limits(bulk_bytes=0)


def case_csv(n: int, *, bad: bool = False, changed: int = 0, duplicates: bool = False) -> bytes:
    """The helpers' three cases plus `n` generated ones in varied value forms; `bad` adds rows
    with errors, `changed` alters that many amounts, `duplicates` repeats 案号 in and across
    the engine's 1,000-row chunks."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(CASES)
    for i in range(4, n + 4):
        closed = i % 3 == 0
        filed = (f"2024/{1 + i % 12}/{1 + i % 28}" if i % 7 == 0 else f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}")
        amount = f"{i % 50}.5万" if i % 11 == 0 else f"{(i % 997) * 101}.50"
        if changed and i % (n // changed) == 0:
            amount = "1"
        row = [CN.format(i), filed, "", f"2024-12-{1 + i % 28:02d}" if closed else "",
               ("终本" if i % 2 else "执行完毕") if closed else "", f"执行{1 + i % 3}团队", f"法官{i % 7}",
               amount, "0" if not closed else str(i % 500), "民间借贷纠纷", "是" if i % 13 == 0 else "否",
               "繁" if i % 5 == 0 else "简"]
        if bad and i % 97 == 0:
            row[1] = "2024-02-30"
        if bad and i % 89 == 0:
            row[7] = "-5"
        if bad and i % 83 == 0:
            row[4] = "保全完毕"
        writer.writerow(row)
        if duplicates and i in (20, 1500):  # a 案号 again within the chunk, then across chunks
            writer.writerow([CN.format(15 if i == 20 else 30), *row[1:]])
    return out.getvalue().encode("utf-8")


def _report(result: Any) -> dict[str, Any]:
    report = result.as_dict()
    report.pop("batch")
    report.pop("batches")  # batch ids differ between the two runs, like "batch"
    rejects = result.rejects_workbook()
    report["rejects"] = read_sheets(rejects) if rejects else None
    return report


def _rows(s: Any) -> dict[str, list[tuple[str, ...]]]:
    """Every imported table's rows with ids replaced by the names they point at (a rolled-back
    run on PostgreSQL or MariaDB does not give its ids back, so the two runs' ids differ)."""
    names = {t: dict(s.execute(select(Base.metadata.tables[t].c.id, Base.metadata.tables[t].c[c])).all())
             for t, c in (("teams", "name"), ("officers", "name"), ("cases", "case_number"))}
    refer = {"team_id": "teams", "closed_team_id": "teams", "officer_id": "officers",
             "closed_officer_id": "officers", "case_id": "cases", "origin_case_id": "cases"}
    out = {}
    for name in ("teams", "officers", "cases", "case_assignments"):
        table = Base.metadata.tables[name]
        cols = [c for c in table.columns if c.name not in {"id", "created_at", "updated_at"}]
        out[name] = sorted(tuple(str(names[refer[c.name]].get(v) if c.name in refer else v) for c, v in zip(cols, r, strict=True))
                           for r in s.execute(select(*cols)))
    return out


def _state(s: Any) -> dict[str, Any]:
    changes = sorted((r.table_name, r.action, r.before or "", (r.last_row_id or r.row_id) - r.row_id)
                     for r in s.execute(select(CHANGES)))
    return {"rows": _rows(s), "changes": changes, "version": data_version(s)[0]}


def _scenario(factory: Any, steps: list[tuple[bytes | None, dict[str, Any]]], limits: Limits) -> list[Any]:
    """Run the steps (a file and run_import's options, or None for undoing the last batch)
    in one transaction, rolled back at the end; what each step reported and left."""
    seen: list[Any] = []
    with factory() as s:
        begin_consistent_read(s)  # on SQLite a real BEGIN, so the rollback below undoes everything
        last = None
        for data, options in steps:
            if data is None:
                seen.append(undo(s, last, "admin"))
            else:
                result = run_import(s, data, name="案件.csv", actor="admin", limits=limits, **options)
                last = result.batch or last
                seen.append(_report(result))
            s.flush()
            seen.append(_state(s))
        s.rollback()
    return seen


def _same(engine: Any, steps: list[tuple[bytes | None, dict[str, Any]]]) -> list[Any]:
    factory = with_court(engine)
    per_row = _scenario(factory, steps, PER_ROW)
    bulk = _scenario(factory, steps, BULK)
    for one, other in zip(per_row, bulk, strict=True):
        assert one == other
    return bulk


def test_first_import_reimport_correction_and_undo_are_the_same(engine) -> None:
    n = 2300
    seen = _same(engine, [(case_csv(n), {}), (case_csv(n), {}), (case_csv(n, changed=10), {}), (None, {})])
    first, again, corrected = seen[0], seen[2], seen[4]
    assert first["new"] == n + 3 and not first["errors"]
    assert first["sheets"]["案件"]["new"] == n + 3
    assert len(seen[1]["rows"]["case_assignments"]) == n + 3  # the first 分案 of every new case
    assert again["unchanged"] == n + 3 and again["new"] == again["updated"] == 0
    assert seen[3]["rows"] == seen[1]["rows"] and seen[3]["version"] == seen[1]["version"]
    assert corrected["updated"] == 10 and corrected["unchanged"] == n + 3 - 10
    assert seen[6] == {"cases": 10}  # the undo restores the ten corrected rows
    assert seen[7]["rows"] == seen[1]["rows"]


def test_errors_reject_the_file_the_same_way(engine) -> None:
    seen = _same(engine, [(case_csv(1200, bad=True, duplicates=True), {})])
    report, state = seen
    assert report["rejected"] > 0 and report["errors"]
    kinds = {e["message"].split("：", 1)[1][:6] for e in report["errors"]}
    assert len(kinds) >= 4  # date, amount, closing method, repeated 案号
    assert any("重复" in e["message"] for e in report["errors"])
    assert state["rows"]["cases"] == [] and state["changes"] == []


def test_skip_invalid_writes_the_same_rows_and_rejects_workbook(engine) -> None:
    seen = _same(engine, [(case_csv(2300, bad=True, duplicates=True), {"skip_invalid": True}),
                          (case_csv(2300, bad=True, duplicates=True), {"skip_invalid": True})])
    first, state, again = seen[0], seen[1], seen[2]
    assert first["rejected"] > 20 and first["rejects"]["案件"][0][-1] == "错误原因"
    assert len(first["rejects"]["案件"]) == first["rejected"] + 1
    assert len(state["rows"]["cases"]) == first["new"]
    assert any("本文件中重复出现" in e["message"] for e in first["errors"])  # across chunks
    assert any("行重复" in e["message"] for e in first["errors"])  # within a chunk
    assert again["new"] == again["updated"] == 0 and again["unchanged"] == first["new"]


def test_dry_run_is_the_same(engine) -> None:
    seen = _same(engine, [(case_csv(1100), {"dry_run": True})])
    assert seen[0]["new"] == 1103 and seen[1]["rows"]["cases"] == []


def test_the_case_indexes_are_back_after_a_written_and_a_refused_bulk_import(engine) -> None:
    from sqlalchemy import inspect

    factory = with_court(engine)
    before = sorted(i["name"] for i in inspect(engine).get_indexes("cases"))
    assert len(before) >= 10
    for data, written in ((case_csv(1100, bad=True), False), (case_csv(1100), True)):
        with factory() as s:
            result = run_import(s, data, name="案件.csv", actor="admin", limits=BULK)
            s.commit()
        assert result.written is written
        assert sorted(i["name"] for i in inspect(engine).get_indexes("cases")) == before


def test_first_assignments_keep_the_closed_holder_and_the_trigger_is_back(engine, monkeypatch) -> None:
    """SQLite's bulk path drops the assignment insert trigger for the first 分案 rows and does
    its work set-based. A closed case that reaches that step without its 结案 holder (forced
    here by wiping it first) still gets it, on both paths, and afterwards the trigger is back:
    a later 分案 dated before 结案 moves the holder again."""
    from sqlalchemy import insert, update

    import db.imports.engine as eng

    cases, teams = Base.metadata.tables["cases"], Base.metadata.tables["teams"]
    original = eng._Run.first_assignments

    def wiped_first(run: Any) -> None:
        run.s.execute(update(cases).where(cases.c.closed_on.is_not(None)).values(closed_team_id=None))
        original(run)

    monkeypatch.setattr(eng._Run, "first_assignments", wiped_first)
    factory = with_court(engine)
    for limits in (PER_ROW, BULK):
        with factory() as s:
            begin_consistent_read(s)
            assert run_import(s, case_csv(1100), name="案件.csv", actor="admin", limits=limits).written
            closed = s.execute(select(cases.c.team_id, cases.c.closed_team_id)
                               .where(cases.c.closed_on.is_not(None))).all()
            assert len(closed) > 300 and all(team == kept for team, kept in closed)
            case = s.execute(select(cases.c.id, cases.c.team_id, cases.c.filed_on)
                             .where(cases.c.closed_on.is_not(None)).limit(1)).one()
            other = s.scalar(select(teams.c.id).where(teams.c.id != case.team_id).limit(1))
            s.execute(insert(Base.metadata.tables["case_assignments"]).values(
                case_id=case.id, team_id=other, assigned_on=case.filed_on, reason="改派"))
            assert s.scalar(select(cases.c.closed_team_id).where(cases.c.id == case.id)) == other
            s.rollback()
