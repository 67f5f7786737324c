"""A closed case reassigned later (issue #15 §4; migration 0010_closed_holder).

The triggers keep cases.closed_team_id/closed_officer_id (set at 结案, kept on a later
reassignment, cleared on reopening; backfilled from the assignment history), `rollups
check` finds a wrong value written behind their back, and the indicator engine credits a
case closed by a period's end to its holder at 结案: reassigning a case closed last year
leaves last year's figures of its team and officer unchanged. SQLite, PostgreSQL, MariaDB.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from db import migrate
from db.indicators import compute
from db.indicators.engine import compute_all
from db.indicators.explain import explain
from db.indicators.period import Period
from db.models import Case, CaseAssignment, Court, Officer, Team, rollups
from db.session import make_engine
from tests.backends import BACKENDS, server_database
from tests.db.nodes_factory import Org, make_case, make_org

D = dt.date.fromisoformat
C = Case.__table__.c
LAST = Period(D("2025-01-01"), D("2025-12-31"))
THIS = Period(D("2026-01-01"), D("2026-06-30"))


def _holder(engine, case_id: int) -> tuple:
    with engine.connect() as conn:
        return tuple(conn.execute(select(C.closed_team_id, C.closed_officer_id)
                                  .where(C.id == case_id)).one())


def _move(session: Session, case_id: int, team: int, officer: int, on: dt.date) -> None:
    session.execute(update(Case).where(Case.id == case_id).values(team_id=team, officer_id=officer))
    session.add(CaseAssignment(case_id=case_id, team_id=team, officer_id=officer,
                               assigned_on=on, reason="改派"))


def test_triggers_set_keep_and_clear_the_holder_at_closure(engine) -> None:
    with Session(engine) as s, s.begin():
        org = make_org(s)
        a, b = org.teams[0].id, org.teams[1].id
        x, y = org.officers[0].id, org.officers[1].id
        loaded = make_case(s, org, D("2025-01-10"), closed_on=D("2025-03-01"),
                           closing_method="completed").id
        open_case = make_case(s, org, D("2025-02-10")).id
    assert _holder(engine, loaded) == (a, x)  # inserted closed: its holder
    assert _holder(engine, open_case) == (None, None)
    with engine.begin() as conn:  # closing sets it, from the holder in the same update
        conn.execute(update(Case.__table__).where(C.id == open_case)
                     .values(closed_on=D("2025-05-01"), closing_method="terminated"))
    assert _holder(engine, open_case) == (a, x)
    with engine.begin() as conn:  # a later reassignment keeps it; so does a date correction
        conn.execute(update(Case.__table__).where(C.id == open_case).values(team_id=b, officer_id=y))
        conn.execute(update(Case.__table__).where(C.id == open_case)
                     .values(closed_on=D("2025-05-02")))
    assert _holder(engine, open_case) == (a, x)
    with engine.begin() as conn:  # reopening clears it; closing again takes the new holder
        conn.execute(update(Case.__table__).where(C.id == open_case)
                     .values(closed_on=None, closing_method=None))
    assert _holder(engine, open_case) == (None, None)
    with engine.begin() as conn:
        conn.execute(update(Case.__table__).where(C.id == open_case)
                     .values(closed_on=D("2025-08-01"), closing_method="completed"))
    assert _holder(engine, open_case) == (b, y)


def test_a_history_loaded_after_the_closed_case_sets_its_holder_at_closure(engine) -> None:
    """An import of a case already handed on: the case arrives closed with its new holder,
    then its 分案记录; a row dated by 结案 decides, one dated after does not."""
    with Session(engine) as s, s.begin():
        org = make_org(s)
        a, b = org.teams[0].id, org.teams[1].id
        x, y = org.officers[0].id, org.officers[1].id
        case_id = make_case(s, org, D("2025-01-10"), team=1, closed_on=D("2025-06-30"),
                            closing_method="terminated_this_round").id
    assert _holder(engine, case_id) == (b, y)
    with Session(engine) as s, s.begin():
        s.add_all([CaseAssignment(case_id=case_id, team_id=a, officer_id=x,
                                  assigned_on=D("2025-01-10")),
                   CaseAssignment(case_id=case_id, team_id=b, officer_id=y,
                                  assigned_on=D("2026-02-01"), reason="移交终本管理")])
    assert _holder(engine, case_id) == (a, x)
    with Session(engine) as s:
        assert rollups.check(s)["closed_holder"] == 0
    with engine.begin() as conn:  # the pre-closure row deleted: no history by 结案 → current
        conn.execute(CaseAssignment.__table__.delete().where(
            CaseAssignment.__table__.c.case_id == case_id,
            CaseAssignment.__table__.c.assigned_on == D("2025-01-10")))
    assert _holder(engine, case_id) == (b, y)


def test_rollups_check_finds_a_wrong_holder_at_closure_and_repair_restores_it(engine) -> None:
    with Session(engine) as s, s.begin():
        org = make_org(s)
        case = make_case(s, org, D("2025-01-10"), closed_on=D("2025-03-01"),
                         closing_method="completed")
        s.add(CaseAssignment(case_id=case.id, team_id=org.teams[0].id,
                             officer_id=org.officers[0].id, assigned_on=D("2025-01-10")))
        case_id, a, x = case.id, org.teams[0].id, org.officers[0].id
        b = org.teams[1].id
        other = make_case(s, org, D("2025-02-10"), team=1, closed_on=D("2025-04-01"),
                          closing_method="completed")  # its history must not leak into case's
        s.add(CaseAssignment(case_id=other.id, team_id=b, officer_id=org.officers[1].id,
                             assigned_on=D("2025-02-10")))
    with Session(engine) as s:
        assert rollups.check(s)["closed_holder"] == 0
    with engine.begin() as conn:  # a direct write while the case stays closed
        conn.execute(update(Case.__table__).where(C.id == case_id).values(closed_team_id=b))
    with Session(engine) as s, s.begin():
        assert rollups.check(s)["closed_holder"] == 1
        assert rollups.repair(s)["closed_holder"] == 1
    assert _holder(engine, case_id) == (a, x)
    with Session(engine) as s:
        assert rollups.check(s)["closed_holder"] == 0


def _figures(session: Session, scope: str, period: Period) -> dict[int, dict]:
    return {e["id"]: e["indicators"]
            for e in compute(session, scope, period=period, compare=False)}


def test_reassigning_a_closed_case_leaves_last_years_figures_unchanged(engine) -> None:
    with Session(engine) as s, s.begin():
        org = make_org(s)
        a, b = org.teams[0].id, org.teams[1].id
        x, y = org.officers[0].id, org.officers[1].id
        ended = make_case(s, org, D("2025-02-01"), closed_on=D("2025-09-30"),
                          closing_method="terminated_this_round")
        s.add(CaseAssignment(case_id=ended.id, team_id=a, officer_id=x, assigned_on=D("2025-02-01")))
        make_case(s, org, D("2025-03-01"), closed_on=D("2025-06-30"), closing_method="completed")
        make_case(s, org, D("2025-04-01"))  # open: 未结 of A, now and then
        make_case(s, org, D("2026-02-01"), team=1)  # this year's 受理 of B
        ended_id = ended.id
    with Session(engine) as s:
        before = {scope: _figures(s, scope, LAST) for scope in ("court", "team", "officer")}
        now_before = {scope: _figures(s, scope, THIS) for scope in ("team", "officer")}
        all_before = compute_all(s, LAST, compare=False, parts_for=[a, b])
    assert before["team"][a]["closed"]["numerator"] == 2
    assert before["team"][a]["termination_rate"]["numerator"] == 1
    with Session(engine) as s, s.begin():  # handed to B/Y this year (终本管理)
        _move(s, ended_id, b, y, D("2026-03-01"))
    with Session(engine) as s:
        after = {scope: _figures(s, scope, LAST) for scope in ("court", "team", "officer")}
        now_after = {scope: _figures(s, scope, THIS) for scope in ("team", "officer")}
        all_after = compute_all(s, LAST, compare=False, parts_for=[a, b])
        # scoped to some ids (a team's own page): the same figures
        (only_a,) = compute(s, "team", ids=[a], period=LAST, compare=False)
        (only_y,) = compute(s, "officer", ids=[y], period=LAST, compare=False)
        assert only_a["indicators"] == before["team"][a]
        assert only_y["indicators"]["closed"]["numerator"] == 0
        # explain = number: A's lists hold the case, B's do not
        rows = explain(s, "termination_rate", "team", a, LAST)
        assert [r["id"] for r in rows["numerator"]] == [ended_id]
        assert len(rows["denominator"]) == 2
        assert ended_id in [r["id"] for r in explain(s, "closure_rate", "officer", x, LAST)
                            ["denominator"]]
        assert explain(s, "termination_rate", "team", b, LAST)["numerator"] == []
        assert explain(s, "closure_rate", "officer", y, LAST)["denominator"] == []
    assert after == before  # every figure of every team and officer, last year
    assert after["team"][b]["closed"]["numerator"] == 0
    assert after["officer"][y]["accepted"]["numerator"] == 0
    assert now_after == now_before  # this year's 受理/未结: the case closed before it began
    assert now_after["team"][a]["pending"]["numerator"] == 1
    assert now_after["team"][b]["accepted"]["numerator"] == 1
    assert all_after == all_before


def test_an_open_case_moves_with_its_holder_and_keeps_its_closure_credit(engine) -> None:
    """Open at a period's end: the current holder; closed by it: the holder at 结案."""
    with Session(engine) as s, s.begin():
        org = make_org(s)
        a, b, y = org.teams[0].id, org.teams[1].id, org.officers[1].id
        case = make_case(s, org, D("2025-02-01"))
        case_id = case.id
    with engine.begin() as conn:
        conn.execute(update(Case.__table__).where(C.id == case_id)
                     .values(closed_on=D("2026-02-01"), closing_method="completed"))
    with Session(engine) as s, s.begin():
        _move(s, case_id, b, y, D("2026-03-01"))
    with Session(engine) as s:
        last, this = _figures(s, "team", LAST), _figures(s, "team", THIS)
    # 2025: open at the end, so 未结 of the current holder (B); 2026: closed by A
    assert last[b]["pending"]["numerator"] == 1 and last.get(a, {}).get("pending", {}).get(
        "numerator", 0) == 0
    assert this[a]["closed"]["numerator"] == 1 and this[a]["accepted"]["numerator"] == 1
    assert this[b]["closed"]["numerator"] == 0 and this[b]["accepted"]["numerator"] == 0


def _org_at_0009(session: Session) -> Org:
    """make_org's court, teams and officers through plain INSERTs of the columns revision 0009 has
    (the ORM models are newer: later revisions add columns such as officers.duty)."""
    session.execute(insert(Court.__table__).values(id=1, code="内0221", name="包头市土默特右旗人民法院"))
    session.execute(insert(Team.__table__), [
        {"id": 1, "court_id": 1, "name": "简案团队", "kind": "simple", "active": True, "sort_order": 1},
        {"id": 2, "court_id": 1, "name": "繁案团队", "kind": "complex", "active": True, "sort_order": 2}])
    session.execute(insert(Officer.__table__), [
        {"id": 1, "court_id": 1, "team_id": 1, "name": "张法官", "role": "judge", "active": True},
        {"id": 2, "court_id": 1, "team_id": 2, "name": "李法官", "role": "judge", "active": True}])
    ref = SimpleNamespace
    return Org(ref(id=1), [ref(id=1), ref(id=2)], [ref(id=1), ref(id=2)])  # type: ignore[arg-type]


@pytest.mark.parametrize("backend", BACKENDS)
def test_migration_backfills_from_the_assignment_history(backend: str, tmp_path: Path) -> None:
    with server_database(backend, str(tmp_path)) as url:
        migrate.upgrade(url, "0009_trust")
        engine = make_engine(url)
        try:
            with Session(engine) as s, s.begin():
                org = _org_at_0009(s)
                a, b = org.teams[0].id, org.teams[1].id
                x, y = org.officers[0].id, org.officers[1].id
                moved = make_case(s, org, D("2024-01-10"), closed_on=D("2024-06-30"),
                                  closing_method="terminated").id
                s.add_all([CaseAssignment(case_id=moved, team_id=a, officer_id=x,
                                          assigned_on=D("2024-01-10")),
                           CaseAssignment(case_id=moved, team_id=b, officer_id=y,
                                          assigned_on=D("2024-09-01"))])
                s.execute(update(Case.__table__).where(C.id == moved)
                          .values(team_id=b, officer_id=y))
                bare = make_case(s, org, D("2024-02-10"), team=1, closed_on=D("2024-03-01"),
                                 closing_method="completed").id
                still_open = make_case(s, org, D("2024-03-10")).id
            migrate.upgrade(url)
            engine.dispose()
            assert _holder(engine, moved) == (a, x)  # the latest assignment on or before 结案
            assert _holder(engine, bare) == (b, y)  # no history: the current holder
            assert _holder(engine, still_open) == (None, None)
            with Session(engine) as s:
                assert rollups.check(s)["closed_holder"] == 0
        finally:
            engine.dispose()
