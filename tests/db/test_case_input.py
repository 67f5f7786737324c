"""db.cases.input.add_cases: valid rows are written; one bad row rejects the whole batch."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from db.cases.input import add_cases
from db.errors import ValidationError
from db.models import Case, CaseAssignment, CaseParty, Court, Officer, Team
from db.session import data_version, make_session_factory, session_scope


@pytest.fixture
def sessions(engine: Engine):
    """Session factory over a database holding one court, one team, one officer."""
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        court = Court(code="内0221", name="包头市土默特右旗人民法院")
        session.add(court)
        session.flush()
        team = Team(court_id=court.id, name="简案团队", kind="simple")
        session.add(team)
        session.flush()
        session.add(Officer(court_id=court.id, team_id=team.id, name="王法官", role="judge"))
    return factory


def _row(**changes: Any) -> dict[str, Any]:
    row = {
        "case_number": "（2022）内0221执101号", "filed_on": "2022-03-01",
        "received_on": "2022-02-27", "closed_on": "2022-04-12", "closing_method": "completed",
        "team": "简案团队", "officer": "王法官",
        "target_amount": "12000.50", "recovered_amount": "12000.50", "cause": "民间借贷纠纷",
    }
    return {**row, **changes}


def _counts(factory) -> tuple[int, int, int]:
    with factory() as session:
        return tuple(session.scalar(select(func.count()).select_from(t))
                     for t in (Case, CaseAssignment, CaseParty))


def test_valid_rows_are_written_with_assignment_and_version(sessions) -> None:
    rows = [
        _row(parties=[{"role": "applicant", "name": "李某"}, {"role": "respondent", "name": "赵某"}]),
        _row(case_number="（2022）内0221执恢7号", closed_on=None, closing_method=None,
             target_amount=2690, recovered_amount=None),
    ]
    with session_scope(sessions) as session:
        add_cases(session, rows)
    with sessions() as session:
        first, second = session.scalars(select(Case).order_by(Case.id)).all()
        version, _ = data_version(session)
        holders = session.execute(select(CaseAssignment.case_id, CaseAssignment.assigned_on)).all()
    assert (first.category, first.type_code, first.serial, first.year) == ("first", "执", 101, 2022)
    assert first.closed_on == dt.date(2022, 4, 12) and first.closing_method == "completed"
    assert first.target_amount == Decimal("12000.50")
    assert (second.category, second.closed_on, second.recovered_amount) == ("resumed", None, Decimal("0.00"))
    assert second.target_amount == Decimal("2690.00")
    assert sorted(holders) == [(first.id, first.filed_on), (second.id, second.filed_on)]
    assert version == 1
    assert _counts(sessions) == (2, 2, 2)


BAD_ROWS = [
    (_row(case_number="内0221执101"), "case_number", "格式不正确"),
    (_row(case_number="（2022）京0105执1号"), "case_number", "不是已登记的法院"),
    (_row(filed_on=None), "filed_on", "立案日期不能为空"),
    (_row(filed_on="2022-13-01"), "filed_on", "不是有效日期"),
    (_row(filed_on="2021-12-30"), "filed_on", "与案号年度 2022 不一致"),
    (_row(received_on="2022-03-02"), "received_on", "晚于立案日期"),
    (_row(closed_on="2022-02-28"), "closed_on", "早于立案日期"),
    (_row(closing_method="finished"), "closing_method", "结案方式“finished”无效"),
    (_row(closed_on=None), "closed_on", "没有结案日期"),
    (_row(closing_method="preservation_done"), "closing_method", "不适用于执字号案件"),
    (_row(team="繁案九组"), "team", "团队“繁案九组”不存在"),
    (_row(officer="无名氏"), "officer", "承办人“无名氏”不存在"),
    (_row(track="medium"), "track", "繁简分流“medium”无效"),
    (_row(target_amount="-1"), "target_amount", "申请执行标的金额不能为负数"),
    (_row(recovered_amount="abc"), "recovered_amount", "实际到位金额“abc”不是有效金额"),
]


@pytest.mark.parametrize(("bad", "field", "fragment"), BAD_ROWS, ids=[b[1] + "-" + b[2] for b in BAD_ROWS])
def test_bad_row_rejects_batch_with_row_and_field(sessions, bad, field, fragment) -> None:
    """The error names row 2 and the field; row 1 (valid) is not written either."""
    rows = [_row(case_number="（2022）内0221执1号"), bad]
    with pytest.raises(ValidationError) as err, session_scope(sessions) as session:
        add_cases(session, rows)
    assert (err.value.row, err.value.field) == (2, field)
    assert str(err.value).startswith("第 2 行：") and fragment in str(err.value)
    assert _counts(sessions) == (0, 0, 0)


def test_duplicate_case_number_in_batch_and_in_database(sessions) -> None:
    with session_scope(sessions) as session:
        add_cases(session, [_row()])
    for rows, row_no in (([_row()], 1), ([_row(case_number="（2022）内0221执5号")] * 2, 2)):
        with pytest.raises(ValidationError, match="重复") as err, session_scope(sessions) as session:
            add_cases(session, rows)
        assert err.value.row == row_no
    assert _counts(sessions) == (1, 1, 0)
