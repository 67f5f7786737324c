"""Crafted cases for the indicator tests: every counting edge in a few rows."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from db.cases.input import add_cases
from db.models import (
    Case,
    CaseAssignment,
    CaseExtension,
    CasePause,
    Court,
    Officer,
    Payment,
    Team,
)

D = dt.date.fromisoformat
COURT = "内0221"


def _org(session: Session) -> None:
    court = Court(code=COURT, name="测试法院", short_name="测试")
    session.add(court)
    session.flush()
    teams = [
        Team(court_id=court.id, name="简案一组", kind="simple", sort_order=1),
        Team(court_id=court.id, name="保全组", kind="preservation", sort_order=2),
        Team(court_id=court.id, name="繁案空组", kind="complex", sort_order=3),
    ]
    session.add_all(teams)
    session.flush()
    a, b, c = (t.id for t in teams)
    session.add_all([
        Officer(court_id=court.id, team_id=a, name="甲法官", role="judge"),
        Officer(court_id=court.id, team_id=a, name="乙助理", role="assistant"),
        Officer(court_id=court.id, team_id=b, name="丙法官", role="judge"),
        Officer(court_id=court.id, team_id=c, name="丁法官", role="judge"),
        Officer(court_id=court.id, team_id=a, name="戊退休", role="judge", active=False),
    ])
    session.flush()


def _row(number: str, filed: str, team: str | None, officer: str | None,
         closed: str | None = None, method: str | None = None, target: str = "0",
         recovered: str = "0", non_litigation: bool = False) -> dict[str, Any]:
    return {
        "case_number": f"（{number[:4]}）{COURT}{number[4:]}号", "filed_on": filed,
        "closed_on": closed, "closing_method": method, "team": team, "officer": officer,
        "target_amount": target, "recovered_amount": recovered,
        "non_litigation": non_litigation,
    }


A, B = "简案一组", "保全组"
ROWS = [
    _row("2021执1", "2021-03-01", A, "甲法官", "2022-02-10", "completed", "1000", "1000"),
    _row("2022执1", "2022-01-10", A, "甲法官", "2022-03-01", "terminated_this_round", "500"),
    _row("2022执2", "2022-02-01", A, "乙助理"),
    _row("2020执5", "2020-05-01", A, "乙助理"),
    _row("2022执恢1", "2022-03-01", A, "甲法官", "2022-04-01", "completed", "200", "100"),
    _row("2022执保1", "2022-01-05", B, "丙法官", "2022-01-15", "preservation_done"),
    _row("2022执保2", "2022-06-20", B, "丙法官"),
    _row("2022执3", "2022-01-03", A, "甲法官", "2022-05-01", "completed", "300", "300",
         non_litigation=True),
    _row("2021执2", "2021-06-01", A, "乙助理", "2022-01-20", "terminated"),
    _row("2022执7", "2022-06-30", A, "甲法官", "2022-06-30", "settled", "100.50", "100.50"),
    _row("2022执4", "2022-01-20", B, "丙法官", "2022-03-15", "completed", "1000", "250.25"),
    _row("2022执异1", "2022-02-01", A, "甲法官", "2022-02-20", "review_decided"),
    _row("2022执5", "2022-04-01", None, None),
    _row("2022执6", "2022-07-05", A, "甲法官"),
]


def _case_id(session: Session, number: str) -> int:
    full = f"（{number[:4]}）{COURT}{number[4:]}号"
    return session.scalar(select(Case.id).where(Case.case_number == full))


def _reassign(session: Session) -> None:
    """Move （2022）执4 from 保全组 to 简案一组 (改派), dated before its 结案: it now counts for
    简案一组 only. The case was loaded closed, so the holder at 结案 the triggers recorded
    (保全组) is corrected with the back-dated move (as `rollups repair` would from the history)."""
    case_id = _case_id(session, "2022执4")
    team = session.scalar(select(Team.id).where(Team.name == A))
    officer = session.scalar(select(Officer.id).where(Officer.name == "甲法官"))
    session.execute(update(Case).where(Case.id == case_id).values(team_id=team, officer_id=officer))
    session.execute(update(Case).where(Case.id == case_id)
                    .values(closed_team_id=team, closed_officer_id=officer))
    session.add(CaseAssignment(case_id=case_id, team_id=team, officer_id=officer,
                               assigned_on=D("2022-02-01"), reason="改派"))


def _timeline(session: Session) -> None:
    nonlit, late = _case_id(session, "2022执3"), _case_id(session, "2021执2")
    session.add(CasePause(case_id=nonlit, kind="appraisal", started_on=D("2022-02-01"),
                          ended_on=D("2022-03-03")))
    session.add(CaseExtension(case_id=late, approved_on=D("2021-11-20"), days=60))
    first, resumed = _case_id(session, "2021执1"), _case_id(session, "2022执恢1")
    money = Decimal("100.00")
    session.add_all([
        Payment(case_id=first, received_on=D("2022-01-05"), amount=money,
                paid_out_on=D("2022-01-20"), paid_amount=money),
        Payment(case_id=first, received_on=D("2022-03-01"), amount=money,
                paid_out_on=D("2022-05-01"), paid_amount=money),
        Payment(case_id=first, received_on=D("2022-05-01"), amount=money),
        Payment(case_id=first, received_on=D("2022-06-20"), amount=money),
        Payment(case_id=resumed, received_on=D("2022-03-05"), amount=money,
                paid_out_on=D("2022-04-14"), paid_amount=money),
    ])


def seed(engine: Engine) -> None:
    """Write the crafted court into an empty migrated database."""
    with Session(engine) as session, session.begin():
        _org(session)
        add_cases(session, ROWS)
        _reassign(session)
        _timeline(session)


def ids(engine: Engine) -> dict[str, int]:
    """Map team and officer names (and "court") to their ids."""
    with Session(engine) as session:
        out = dict(session.execute(select(Team.name, Team.id)).all())
        out |= dict(session.execute(select(Officer.name, Officer.id)).all())
        out["court"] = session.scalar(select(Court.id))
    return out
