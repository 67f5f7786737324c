"""Several courts' data in one workbook (issue #21), on every backend: each court's rows become
their own batch with its own undo; a row of an unregistered court, of a court outside the
importing user's 辖区 (db.org.courts.subtree_ids) or of a 人员 row whose court is ambiguous is an
error naming the row and the column, and nothing is written."""
from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from db.imports import ImportFailed, UndoError, run_import, undo
from db.models import Case, CaseParty, Court, ImportBatch, Officer, Payment, Team
from db.org.courts import subtree_ids
from db.session import make_session_factory
from tests.db.imports.helpers import snapshot, workbook

A, B, FOREIGN = "内0203", "内0221", "内0302"  # two basic courts of 内02; one of another 中院


def _cn(code: str, serial: int) -> str:
    return f"（2024）{code}执{serial}号"


PEOPLE = [["姓名", "工号", "团队", "角色", "法院"],
          ["张法官", "0001", "简案团队", "承办人", A],
          ["李法官", "0002", "繁案团队", "承办人", A],
          ["王法官", "0001", "简案团队", "承办人", "土右旗法院"]]  # short name; same 工号, other court
CASES = [["案号", "立案日期", "结案日期", "结案方式", "承办团队", "承办人", "申请执行标的金额"],
         [_cn(A, 1), "2024-01-05", "2024-03-01", "执行完毕", "简案团队", "张法官", "10000"],
         [_cn(A, 2), "2024-02-01", "", "", "繁案团队", "李法官", "250000"],
         [_cn(B, 1), "2024-01-08", "", "", "简案团队", "王法官", "5000"]]
PARTIES = [["案号", "诉讼地位", "类型", "名称"],
           [_cn(A, 1), "申请执行人", "自然人", "赵某"],
           [_cn(B, 1), "被执行人", "自然人", "钱某"]]
PAYMENTS = [["案号", "案款编号", "到账日期", "到账金额"],
            [_cn(A, 1), "AK-A1", "2024-02-20", "10000"],
            [_cn(B, 1), "AK-B1", "2024-03-01", "800"]]


def _sheets(**changes: list[list[Any]]) -> dict[str, list[list[Any]]]:
    base = {"人员": PEOPLE, "案件": CASES, "当事人": PARTIES, "案款": PAYMENTS}
    return {name: [list(r) for r in changes.get(name, rows)] for name, rows in base.items()}


@pytest.fixture
def region(engine) -> Any:
    """Two 中院, 内02 with two basic courts and 内03 with one: a session factory and court ids."""
    factory = make_session_factory(engine)
    with factory() as s:
        top = Court(code="内02", name="包头市中级人民法院", short_name="包头中院", level="intermediate")
        other = Court(code="内03", name="乌海市中级人民法院", short_name="乌海中院", level="intermediate")
        s.add_all([top, other])
        s.flush()
        s.add_all([Court(code=A, name="包头市昆都仑区人民法院", short_name="昆区法院", parent_id=top.id),
                   Court(code=B, name="包头市土默特右旗人民法院", short_name="土右旗法院", parent_id=top.id),
                   Court(code=FOREIGN, name="乌海市海勃湾区人民法院", short_name="海勃湾区法院",
                         parent_id=other.id)])
        s.commit()
        ids = dict(s.execute(select(Court.code, Court.id)).all())
    return factory, ids


def _import(factory: Any, sheets: dict[str, list[list[Any]]], visible_from: int | None = None,
            **kw: Any) -> Any:
    with factory() as s:
        court_ids = subtree_ids(s, visible_from) if visible_from is not None else None
        result = run_import(s, workbook(sheets), name="辖区数据.xlsx", actor="zy-center",
                            court_ids=court_ids, **kw)
        s.commit()
    return result


def _count(factory: Any, model: Any) -> int:
    with factory() as s:
        return int(s.scalar(select(func.count()).select_from(model)))


def test_each_courts_rows_become_their_own_batch(region) -> None:
    factory, ids = region
    result = _import(factory, _sheets(), visible_from=ids["内02"])
    assert result.errors == []
    assert set(result.batches) == {A, B} and result.batch == result.batches[A]
    with factory() as s:
        batches = {b.court_id: b for b in s.scalars(select(ImportBatch))}
        assert set(batches) == {ids[A], ids[B]}
        assert {b.id for b in batches.values()} == set(result.batches.values())
        counts = {cid: json.loads(b.counts) for cid, b in batches.items()}
        assert counts[ids[A]]["案件"]["new"] == 2 and counts[ids[B]]["案件"]["new"] == 1
        assert counts[ids[A]]["人员"]["new"] == 2 and counts[ids[B]]["人员"]["new"] == 1
        cases = dict(s.execute(select(Case.case_number, Case.court_id)).all())
        assert cases == {_cn(A, 1): ids[A], _cn(A, 2): ids[A], _cn(B, 1): ids[B]}
        people = dict(s.execute(select(Officer.name, Officer.court_id)).all())
        assert people == {"张法官": ids[A], "李法官": ids[A], "王法官": ids[B]}
        teams = sorted(s.execute(select(Team.court_id, Team.name)).all())
        assert teams == sorted([(ids[A], "简案团队"), (ids[A], "繁案团队"), (ids[B], "简案团队")])
        wang = s.scalar(select(Officer.id).where(Officer.name == "王法官"))
        assert s.scalar(select(Case.officer_id).where(Case.case_number == _cn(B, 1))) == wang
    assert result.as_dict()["new"] == 3 + 3 + 2 + 2


def test_undo_of_one_courts_batch_leaves_the_other(region) -> None:
    factory, ids = region
    result = _import(factory, _sheets(), visible_from=ids["内02"])
    with factory() as s:
        before = snapshot(s)
        undo(s, result.batches[A], "admin")
        s.commit()
    with factory() as s:
        after = snapshot(s)
        assert s.scalars(select(Case.case_number)).all() == [_cn(B, 1)]
        assert s.scalars(select(Officer.name)).all() == ["王法官"]
        assert s.scalars(select(CaseParty.name)).all() == ["钱某"]
        assert s.scalars(select(Payment.ref)).all() == ["AK-B1"]
        statuses = dict(s.execute(select(ImportBatch.court_id, ImportBatch.status)).all())
        assert statuses == {ids[A]: "undone", ids[B]: "done"}
    # every row that remains is one the other court's batch wrote, unchanged
    for table, rows in after.items():
        assert set(rows) <= set(before[table]), table
    with factory() as s, pytest.raises(UndoError, match="已于"):
        undo(s, result.batches[A], "admin")
    with factory() as s:
        undo(s, result.batches[B], "admin")
        s.commit()
    assert _count(factory, Case) == _count(factory, Officer) == _count(factory, Team) == 0


def test_reimport_is_unchanged_in_every_courts_batch(region) -> None:
    factory, ids = region
    _import(factory, _sheets(), visible_from=ids["内02"])
    again = _import(factory, _sheets(), visible_from=ids["内02"])
    assert again.as_dict()["new"] == again.as_dict()["updated"] == 0
    with factory() as s:
        latest = s.scalars(select(ImportBatch).where(ImportBatch.id.in_(list(again.batches.values())))).all()
        assert {b.court_id for b in latest} == {ids[A], ids[B]}
        for batch in latest:
            counts = json.loads(batch.counts)
            assert all(c["new"] == c["updated"] == c["deleted"] == 0 for c in counts.values())


def _nothing_written(factory: Any) -> None:
    for model in (ImportBatch, Case, Officer, Team, CaseParty, Payment):
        assert _count(factory, model) == 0, model.__name__


@pytest.mark.parametrize(("code", "why"), [
    ("内0999", "法院代字“内0999”不是已登记的法院"),
    (FOREIGN, f"法院代字“{FOREIGN}”不在您可导入的法院范围内"),
])
def test_a_case_of_a_court_outside_the_users_region_rejects_the_file(region, code: str, why: str) -> None:
    factory, ids = region
    sheets = _sheets()
    sheets["案件"].append([_cn(code, 7), "2024-03-03", "", "", "", "", "100"])
    result = _import(factory, sheets, visible_from=ids["内02"])
    assert result.rejected and result.batch is None and result.batches == {}
    (error,) = result.errors
    assert (error["sheet"], error["row"], error["column"]) == ("案件", 5, "案号")
    assert error["message"].startswith(f"案件表第 5 行“案号”（{_cn(code, 7)}）：{why}")
    _nothing_written(factory)


def test_a_basic_courts_user_cannot_import_a_sibling_court(region) -> None:
    factory, ids = region
    result = _import(factory, _sheets(), visible_from=ids[A])
    assert result.rejected and result.batch is None
    where = {(e["sheet"], e["row"], e["column"]) for e in result.errors}
    # 王法官 (人员 row 4, 法院 column), case 内0221执1 (案件 row 4) and its child rows
    assert where == {("人员", 4, "法院"), ("案件", 4, "案号"), ("当事人", 3, "案号"), ("案款", 3, "案号")}
    assert all("不在您可导入的法院范围内" in e["message"] for e in result.errors)
    _nothing_written(factory)
    with factory() as s, pytest.raises(ImportFailed, match="不在您可导入的法院范围内"):
        run_import(s, workbook(_sheets()), name="x.xlsx", actor="kd-center", court=B,
                   court_ids=subtree_ids(s, ids[A]))


def test_skip_invalid_writes_the_visible_courts_and_keeps_the_rest_as_rejects(region) -> None:
    factory, ids = region
    result = _import(factory, _sheets(), visible_from=ids[A], skip_invalid=True)
    assert set(result.batches) == {A}
    assert result.as_dict()["rejected"] == 4 and len(result.rejected_rows["案件"][1]) == 1
    with factory() as s:
        assert set(s.scalars(select(Case.court_id))) == {ids[A]}
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 1


def test_people_rows_need_their_court_when_several_are_possible(region) -> None:
    factory, ids = region
    people = [row[:4] for row in PEOPLE]  # no 法院 column
    result = _import(factory, _sheets(人员=people), visible_from=ids["内02"])
    assert result.rejected
    people_errors = [e for e in result.errors if e["sheet"] == "人员"]
    assert [(e["row"], e["column"]) for e in people_errors] == [(2, "法院"), (3, "法院"), (4, "法院")]
    assert "请在“法院”列填写法院代字" in people_errors[0]["message"]
    _nothing_written(factory)
    # a user of one basic court: its own court is the only choice, no 法院 column needed
    only_a = [r for r in people if r[0] != "王法官"]
    cases = [r for r in CASES if B not in str(r[0])]
    result = _import(factory, {"人员": only_a, "案件": cases}, visible_from=ids[A])
    assert result.errors == [] and set(result.batches) == {A}


def test_a_court_column_that_contradicts_the_case_number_is_an_error(region) -> None:
    factory, ids = region
    cases = [[*row, "法院" if i == 0 else (A if i == 3 else "")] for i, row in enumerate(CASES)]
    result = _import(factory, _sheets(案件=cases), visible_from=ids["内02"])
    error, *children = result.errors
    assert (error["sheet"], error["row"], error["column"]) == ("案件", 4, "法院")
    assert f"与案号中的法院代字“{B}”不符" in error["message"]
    assert [(e["sheet"], e["row"]) for e in children] == [("当事人", 3), ("案款", 3)]
    _nothing_written(factory)


def test_the_upload_job_imports_with_the_signed_in_users_courts(region) -> None:
    """The page's background job passes Principal.court_ids: a basic court's 指挥中心 is refused
    its sibling's rows, the 中院's gets a batch per court (named in the audit and the history)."""
    from db.auth.access import Principal
    from db.imports import Limits, history
    from db.models import AuditEntry
    from db.session import session_scope
    from db.uploads import jobs

    factory, ids = region

    def run(who: Principal) -> dict[str, Any]:
        with session_scope(factory) as s:
            job = jobs.create_job(s, kind="import", actor=who.username, file_name="辖区.xlsx",
                                  content=workbook(_sheets()))
        jobs.run_job(factory, job, who, limits=Limits())
        with factory() as s:
            return jobs.job_state(s, job)

    with factory() as s:
        basic = Principal(user_id=None, username="kd-center", display_name="昆区", role="center",
                          court_id=ids[A], court_ids=subtree_ids(s, ids[A]))
        top = Principal(user_id=None, username="zy-center", display_name="中院", role="center",
                        court_id=ids["内02"], court_ids=subtree_ids(s, ids["内02"]))
    refused = run(basic)
    assert refused["result"]["rejected_file"] and refused["batch_id"] is None
    assert any("不在您可导入的法院范围内" in e["message"] for e in refused["result"]["errors"])
    _nothing_written(factory)
    done = run(top)
    assert done["result"]["errors"] == [] and set(done["result"]["batches"]) == {A, B}
    with factory() as s:
        listed = history(s)
        assert {(b["court"], b["court_id"]) for b in listed} == {(A, ids[A]), (B, ids[B])}
        detail = s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "import")
                           .order_by(AuditEntry.id.desc())).first()
        assert detail is not None and f"{A}:" in detail and f"{B}:" in detail
