"""Indicators after an import equal the indicators of the same data entered through the
Python API (db.cases.input.add_cases and the ORM for pauses, extensions, money, events)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from db.cases.input import add_cases
from db.imports import run_import
from db.indicators import Period, compute_all
from db.models import (
    Case,
    CaseEvent,
    CaseExtension,
    CaseParty,
    CasePause,
    Court,
    Officer,
    Payment,
    Team,
)
from db.session import make_session_factory
from tests.backends import clear_all
from tests.db.imports.helpers import CN, PEOPLE, STANDARD, workbook

PERIOD = Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def _figures(session) -> Any:
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("id", "team_id", "court_id", "officer_id")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value
    return strip(compute_all(session, PERIOD))


def _by_api(session) -> None:
    court = Court(code="内0299", name="某某人民法院")
    session.add(court)
    session.flush()
    teams = {}
    for name, kind in (("执行一团队", "simple"), ("执行二团队", "complex")):
        teams[name] = Team(court_id=court.id, name=name, kind=kind, active=True)
        session.add(teams[name])
    session.flush()
    for name, staff_no, team, _kind, role, active in PEOPLE[1:]:
        session.add(Officer(court_id=court.id, team_id=teams[team].id, name=name, staff_no=staff_no,
                            role={"承办人": "judge", "执行法官": "judge", "法官助理": "assistant"}[role],
                            active=active == "是"))
    session.flush()
    add_cases(session, [
        {"case_number": CN.format(1), "filed_on": "2024-01-05", "received_on": "2024-01-03",
         "closed_on": "2024-03-01", "closing_method": "completed", "team": "执行一团队", "officer": "张法官",
         "target_amount": "10000", "recovered_amount": "10000", "cause": "民间借贷纠纷", "track": "simple",
         "parties": [{"role": "applicant", "kind": "natural", "name": "王某", "id_number": "150221199001011234"},
                     {"role": "respondent", "kind": "legal", "name": "包头某某有限公司",
                      "id_number": "91150200MA0000000X"}]},
        {"case_number": CN.format(2), "filed_on": "2024-02-01", "closed_on": "2024-06-30",
         "closing_method": "terminated_this_round", "team": "执行二团队", "officer": "李法官",
         "target_amount": "250000.5", "recovered_amount": "0", "cause": "买卖合同纠纷", "track": "complex",
         "parties": [{"role": "respondent", "kind": "natural", "name": "刘某", "id_number": ""}]},
        {"case_number": CN.format(3), "filed_on": "2024-03-10", "team": "执行一团队", "officer": "张法官",
         "target_amount": "5000", "cause": "劳动争议", "non_litigation": True, "track": "simple"},
    ])
    ids = dict(session.execute(select(Case.case_number, Case.id)).all())
    session.add_all([
        CasePause(case_id=ids[CN.format(2)], kind="appraisal", reason="委托评估",
                  started_on=dt.date(2024, 3, 1), ended_on=dt.date(2024, 3, 21)),
        CasePause(case_id=ids[CN.format(3)], kind="suspension", reason="案外人异议",
                  started_on=dt.date(2024, 4, 1)),
        CaseExtension(case_id=ids[CN.format(2)], approved_on=dt.date(2024, 6, 20), days=30, reason="院长批准"),
        Payment(case_id=ids[CN.format(1)], ref="AK001", received_on=dt.date(2024, 2, 20), amount=Decimal("6000"),
                paid_out_on=dt.date(2024, 2, 25), paid_amount=Decimal("6000")),
        Payment(case_id=ids[CN.format(1)], ref="AK002", received_on=dt.date(2024, 2, 27), amount=Decimal("4000")),
    ])
    lee = session.scalar(select(Officer.id).where(Officer.name == "李法官"))
    for kind, at, expires, amount, detail in (
            ("online_query_started", dt.datetime(2024, 2, 2, 1, 30), None, None, "总对总"),
            ("online_query_result", dt.datetime(2024, 2, 5, 8, 0), None, None, "结果：无财产"),
            ("freeze", dt.datetime(2024, 2, 5, 16, 0), dt.date(2025, 2, 5), Decimal("1200.50"), "银行存款")):
        session.add(CaseEvent(case_id=ids[CN.format(2)], kind=kind, occurred_at=at, expires_on=expires,
                              amount=amount, officer_id=lee, detail=detail, media_ref=""))
    session.flush()


def test_indicators_after_import_equal_those_of_the_python_api(engine) -> None:
    factory = make_session_factory(engine)
    with factory() as session:
        _by_api(session)
        session.commit()
        by_api = _figures(session)
        parties = session.scalar(select(CaseParty.name).where(CaseParty.role == "applicant"))
    clear_all(engine)
    with factory() as session:
        session.add(Court(code="内0299", name="某某人民法院"))
        session.commit()
        sheets = {k: v for k, v in STANDARD.items() if k != "分案记录"}
        result = run_import(session, workbook(sheets), name="x.xlsx", actor="test")
        session.commit()
        assert result.errors == []
        by_import = _figures(session)
    assert parties == "王某"
    assert by_import == by_api
    assert by_api["court"][0]["indicators"]  # the comparison covers real figures
