"""The import engine on every backend: first import, idempotent and corrected re-import,
undo, skip-invalid with its rejects workbook, and nothing written on any error."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from db.imports import ImportFailed, UndoError, history, run_import, undo
from db.models import (
    Case,
    CaseAssignment,
    CaseEvent,
    CaseExtension,
    CaseParty,
    CasePause,
    ImportBatch,
    Officer,
    Payment,
    Team,
)
from db.session import data_version
from tests.db.imports.helpers import (
    CN,
    read_sheets,
    snapshot,
    standard,
    with_court,
    workbook,
)


def _import(factory, data, **kw):
    with factory() as session:
        result = run_import(session, data, name=kw.pop("name", "本院数据.xlsx"), actor="admin", **kw)
        session.commit()
    return result


def test_standard_workbook_is_imported(engine) -> None:
    factory = with_court(engine)
    result = _import(factory, workbook(standard()))
    assert result.errors == [] and result.batch is not None
    assert {k: v.new for k, v in result.sheets.items()} == {
        "人员": 3, "案件": 3, "当事人": 3, "分案记录": 2, "扣除期限": 2, "延长期限": 1, "案款": 2, "执行事件": 3}
    with factory() as s:
        one = s.scalar(select(Case).where(Case.case_number == CN.format(1)))
        two = s.scalar(select(Case).where(Case.case_number == CN.format(2)))
        three = s.scalar(select(Case).where(Case.case_number == CN.format(3)))
        assert (one.filed_on, one.received_on, one.closed_on) == (dt.date(2024, 1, 5), dt.date(2024, 1, 3),
                                                                   dt.date(2024, 3, 1))
        assert one.closing_method == "completed" and one.target_amount == Decimal("10000.00")
        assert two.closing_method == "terminated_this_round" and two.track == "complex"
        assert two.target_amount == Decimal("250000.50") and two.filed_on == dt.date(2024, 2, 1)
        assert three.non_litigation is True and three.closed_on is None
        # the trigger-kept rollups follow the imported pauses and extensions
        s.refresh(two)
        assert (two.paused_days, two.extension_days) == (20, 30)
        teams = dict(s.execute(select(Team.name, Team.kind)).all())
        assert teams == {"执行一团队": "simple", "执行二团队": "complex"}
        officers = {o.name: (o.staff_no, o.role, o.active) for o in s.scalars(select(Officer))}
        assert officers["赵助理"] == ("0003", "assistant", False)
        assert officers["李法官"][1] == "judge"
        zhang = s.scalar(select(Officer.id).where(Officer.name == "张法官"))
        assert one.officer_id == zhang
        # 分案记录 is the list for case 2; cases 1 and 3 got their first assignment at 立案
        assigned = s.execute(select(CaseAssignment.case_id, CaseAssignment.assigned_on)
                             .order_by(CaseAssignment.case_id, CaseAssignment.assigned_on)).all()
        assert [(c, d) for c, d in assigned if c == two.id] == [(two.id, dt.date(2024, 2, 1)),
                                                                 (two.id, dt.date(2024, 3, 15))]
        assert (one.id, one.filed_on) in assigned and (three.id, three.filed_on) in assigned
        party = s.scalar(select(CaseParty).where(CaseParty.name == "王某"))
        assert party.id_number == "150221199001011234" and party.role == "applicant"
        pay = s.scalar(select(Payment).where(Payment.ref == "AK001"))
        assert (pay.amount, pay.paid_amount, pay.team_id) == (Decimal("6000.00"), Decimal("6000.00"), one.team_id)
        query = s.scalar(select(CaseEvent).where(CaseEvent.kind == "online_query_started"))
        assert query.occurred_at == dt.datetime(2024, 2, 2, 1, 30)  # 09:30 Beijing time, stored in UTC
        freeze = s.scalar(select(CaseEvent).where(CaseEvent.kind == "freeze"))
        assert freeze.expires_on == dt.date(2025, 2, 5) and freeze.amount == Decimal("1200.50")
        assert s.scalar(select(CaseEvent.detail).where(CaseEvent.kind == "online_query_result")) == "结果：无财产"
        assert data_version(s)[0] == 1


def test_same_file_twice_writes_nothing_the_second_time(engine) -> None:
    factory = with_court(engine)
    data = workbook(standard())
    _import(factory, data)
    with factory() as s:
        before, version = snapshot(s), data_version(s)[0]
    again = _import(factory, data)
    assert again.as_dict()["new"] == again.as_dict()["updated"] == again.as_dict()["deleted"] == 0
    assert again.as_dict()["unchanged"] == 19
    with factory() as s:
        assert snapshot(s) == before and data_version(s)[0] == version
        changes = s.execute(select(func.count()).select_from(ImportBatch)).scalar()
        assert changes == 2  # the second import is recorded, with nothing changed


def test_corrected_file_changes_exactly_the_corrected_rows(engine) -> None:
    factory = with_court(engine)
    _import(factory, workbook(standard()))
    sheets = standard()
    sheets["案件"][1][8] = "9500"  # 实际到位金额 of case 1
    sheets["案款"][2][3] = "4,100"  # AK002 到账金额
    del sheets["执行事件"][3]  # case 2 loses its 冻结 event
    sheets["当事人"].append([CN.format(3), "申请执行人", "法人", "某某银行股份有限公司", ""])
    with factory() as s:
        before = snapshot(s)
    result = _import(factory, workbook(sheets))
    counts = result.as_dict()["sheets"]
    assert counts["案件"] == {"new": 0, "updated": 1, "unchanged": 2, "rejected": 0, "deleted": 0}
    assert counts["案款"]["updated"] == 1 and counts["案款"]["unchanged"] == 1
    assert counts["执行事件"]["deleted"] == 1 and counts["执行事件"]["unchanged"] == 2
    assert counts["当事人"]["new"] == 1 and counts["当事人"]["unchanged"] == 3
    with factory() as s:
        after = snapshot(s)
        changed = {name: (set(before[name]) ^ set(after[name])) for name in before}
        assert {k for k, v in changed.items() if v} == {"cases", "payments", "case_events", "case_parties"}
        assert s.scalar(select(Case.recovered_amount).where(Case.case_number == CN.format(1))) == Decimal("9500.00")
        assert s.scalar(select(func.count()).select_from(CaseEvent)) == 2


def test_undo_restores_the_rows_and_refuses_while_a_later_batch_touched_them(engine) -> None:
    factory = with_court(engine)
    first = _import(factory, workbook(standard()))
    with factory() as s:
        before = snapshot(s)
    sheets = standard()
    sheets["案件"][2][7] = "260000"
    sheets["扣除期限"][1][3] = "2024-03-31"
    second = _import(factory, workbook(sheets))
    assert second.batch and second.as_dict()["updated"] == 2
    with factory() as s:
        assert s.scalar(select(Case.paused_days).where(Case.case_number == CN.format(2))) == 30
    with factory() as s, pytest.raises(UndoError, match=f"批次 {second.batch}"):
        undo(s, first.batch, "admin")
    with factory() as s:
        restored = undo(s, second.batch, "admin")
        s.commit()
        assert restored == {"cases": 1, "case_pauses": 1}
        assert snapshot(s) == before
        assert s.scalar(select(Case.paused_days).where(Case.case_number == CN.format(2))) == 20
        assert [b["status"] for b in history(s)] == ["undone", "done"]
    with factory() as s, pytest.raises(UndoError, match="已于"):
        undo(s, second.batch, "admin")
    with factory() as s:
        undo(s, first.batch, "admin")
        s.commit()
        assert s.scalar(select(func.count()).select_from(Case)) == 0
        assert s.scalar(select(func.count()).select_from(Officer)) == 0
        assert s.scalar(select(func.count()).select_from(Team)) == 0


def test_one_bad_row_rejects_the_file_and_lists_every_error(engine) -> None:
    factory = with_court(engine)
    sheets = standard()
    sheets["案件"][1][1] = "2024-13-45"
    sheets["案件"][2][7] = "-5"
    sheets["案款"][1][3] = "六千"
    result = _import(factory, workbook(sheets))
    assert result.rejected and result.batch is None
    found = {(e["sheet"], e["row"], e["column"]) for e in result.errors}
    assert {("案件", 2, "立案日期"), ("案件", 3, "申请执行标的金额（元）"), ("案款", 2, "到账金额")} <= found
    with factory() as s:
        for model in (Case, Officer, Team, Payment, CaseParty, CasePause, CaseExtension, ImportBatch):
            assert s.scalar(select(func.count()).select_from(model)) == 0
        assert data_version(s)[0] == 0


def test_skip_invalid_writes_the_valid_rows_and_a_rejects_workbook(engine, tmp_path) -> None:
    factory = with_court(engine)
    sheets = standard()
    sheets["案件"][3][4] = "保全完毕"  # not a closing method of a 执 case, and no 结案日期
    result = _import(factory, workbook(sheets), skip_invalid=True)
    assert result.batch is not None
    assert result.sheets["案件"].new == 2 and result.sheets["案件"].rejected == 1
    # the pause of the rejected case is rejected with it
    assert result.sheets["扣除期限"].rejected == 1 and result.sheets["扣除期限"].new == 1
    path = tmp_path / "rejects.xlsx"
    assert result.write_rejects(path)
    rejects = read_sheets(path.read_bytes())
    assert rejects["案件"][0][-1] == "错误原因" and rejects["案件"][1][0] == CN.format(3)
    assert "保全完毕" in rejects["案件"][1][-1]
    assert rejects["扣除期限"][1][0] == CN.format(3)
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 2
    # fixing the row and importing the rejects workbook (minus its reason column) completes the data
    fixed = {name: [list(r[:-1]) for r in rows] for name, rows in rejects.items()}
    fixed["案件"][1][4] = ""
    again = _import(factory, workbook(fixed))
    assert again.errors == [] and again.sheets["案件"].new == 1 and again.sheets["扣除期限"].new == 1


def test_dry_run_counts_without_writing(engine) -> None:
    factory = with_court(engine)
    result = _import(factory, workbook(standard()), dry_run=True)
    assert result.batch is None and result.as_dict()["new"] == 19 and not result.errors
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0


def test_without_a_people_sheet_teams_and_officers_come_from_the_case_sheet(engine) -> None:
    factory = with_court(engine)
    result = _import(factory, workbook({"案件": standard()["案件"]}))
    assert result.errors == [] and result.sheets["案件"].new == 3
    with factory() as s:
        assert sorted(s.scalars(select(Officer.name))) == ["张法官", "李法官"]
        assert dict(s.execute(select(Team.name, Team.kind)).all()) == {"执行一团队": "other", "执行二团队": "other"}


def test_no_court_is_a_clear_failure(engine) -> None:
    from db.session import make_session_factory

    with make_session_factory(engine)() as s, pytest.raises(ImportFailed, match="court add"):
        run_import(s, workbook(standard()), name="x.xlsx", actor="admin")


def test_undo_is_refused_when_an_added_case_is_referenced_elsewhere(sqlite_engine) -> None:
    factory = with_court(sqlite_engine)
    first = _import(factory, workbook({"案件": standard()["案件"]}))
    with factory() as s:
        case_id = s.scalar(select(Case.id).where(Case.case_number == CN.format(1)))
        s.add(CaseEvent(case_id=case_id, kind="interview", occurred_at=dt.datetime(2024, 2, 1), detail="约谈"))
        s.commit()
    with factory() as s, pytest.raises(UndoError, match="已被其他数据引用"):
        undo(s, first.batch, "admin")
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 3
        assert history(s)[0]["status"] == "done"


def test_progress_is_reported_per_sheet(sqlite_engine) -> None:
    factory = with_court(sqlite_engine)
    rows = [standard()["案件"][0]] + [[CN.format(i), "2024-01-05"] + [""] * 10 for i in range(1, 2501)]
    seen = []
    result = _import(factory, workbook({"案件": rows}), progress=lambda sheet, done, total: seen.append(
        (sheet, done, total)))
    assert result.sheets["案件"].new == 2500
    assert [d for _, d, _ in seen] == [1000, 2000, 2500] and {s for s, _, _ in seen} == {"案件"}
    assert seen[-1][2] == 2501  # the workbook's row count, header included


def test_a_rejected_row_creates_no_team_or_officer(sqlite_engine) -> None:
    factory = with_court(sqlite_engine)
    rows = [standard()["案件"][0], [CN.format(7), "2024-01-05", "", "", "", "新团队", "新法官", "-1"] + [""] * 4]
    result = _import(factory, workbook({"案件": rows}), skip_invalid=True)
    assert result.sheets["案件"].rejected == 1 and result.batch is not None
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Team)) == 0
        assert s.scalar(select(func.count()).select_from(Officer)) == 0
