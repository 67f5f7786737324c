"""The demo court's organisation: court, teams, officers and membership history."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.demo.days import REFORM, START
from db.demo.mix import ARTICLE, CaseMix
from db.demo.names import person_name
from db.models import Court, Officer, Team, TeamMembership

COURT_CODE = "内0221"
COURT_NAME = "包头市土默特右旗人民法院"
COURT_SHORT = "土右旗法院"


@dataclass(frozen=True)
class TeamSpec:
    key: str
    name: str
    kind: str
    staff: tuple[tuple[str, int], ...]  # (role, how many)


TEAM_SPECS: tuple[TeamSpec, ...] = (
    TeamSpec("center", "执行指挥中心", "center",
             (("judge", 1), ("assistant", 4), ("clerk", 2), ("bailiff", 4))),
    TeamSpec("simple", "简案团队", "simple",
             (("judge", 3), ("assistant", 3), ("clerk", 3), ("bailiff", 1))),
    TeamSpec("complex1", "繁案一团队", "complex",
             (("judge", 3), ("assistant", 3), ("clerk", 2), ("bailiff", 2))),
    TeamSpec("complex2", "繁案二团队", "complex",
             (("judge", 3), ("assistant", 3), ("clerk", 2), ("bailiff", 2))),
    TeamSpec("preservation", "保全团队", "preservation",
             (("judge", 1), ("assistant", 2), ("clerk", 1))),
)
COMPLEX = ("complex1", "complex2")
# The center's 事务集约 duties by role (officers.duty): assistants launch 网络查控, clerks serve
# the documents, bailiffs answer and dispatch 执行110; the center's judge leads.
CENTER_DUTIES = {"assistant": "query", "clerk": "service", "bailiff": "dispatch"}
FUNDS_CLERK_SEED = "funds-clerk"  # own stream: adding the 案款专管员 reshuffles nothing else
# Before the reform the 繁案 teams were the old 执行团队; these new-team members came from them.
MOVERS = {("simple", "judge", 0): "complex1", ("simple", "judge", 1): "complex2",
          ("center", "assistant", 0): "complex1", ("preservation", "judge", 0): "complex2"}


@dataclass(frozen=True)
class CourtSpec:
    """One demo court's organisation: who it is, where it sits in the tree, its teams."""

    code: str = COURT_CODE
    name: str = COURT_NAME
    short_name: str = COURT_SHORT
    level: str = "basic"
    teams: tuple[TeamSpec, ...] = TEAM_SPECS
    movers: dict[tuple[str, str, int], str] = field(default_factory=lambda: dict(MOVERS))
    mix: CaseMix = ARTICLE

    @property
    def complex(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.teams if t.kind == "complex")


ARTICLE_COURT = CourtSpec()


@dataclass
class OrgPlan:
    court_id: int
    team_ids: dict[str, int]
    staff: dict[str, dict[str, list[int]]]
    # officer id -> team key they belonged to before the reform
    movers: dict[int, str] = field(default_factory=dict)
    # the center's 案款专管员 (duty "funds"; kept out of `staff` so the case events' random
    # picks of center assistants stay as they were)
    funds_clerk: int | None = None
    code: str = COURT_CODE  # 法院代字 of the case numbers
    complex: tuple[str, ...] = COMPLEX  # the 繁案 teams' keys
    mix: CaseMix = ARTICLE

    def judges(self, team_key: str) -> list[int]:
        return self.staff[team_key]["judge"]

    def pre_reform_judges(self, team_key: str) -> list[int]:
        """Judges who handled the team's cases before 2021-10-01 (incl. later movers)."""
        movers = [oid for oid, old in self.movers.items() if old == team_key
                  and oid in self._all_judges()]
        return self.judges(team_key) + movers

    def _all_judges(self) -> set[int]:
        return {oid for roles in self.staff.values() for oid in roles.get("judge", [])}

    def officers(self, team_key: str, *roles: str) -> list[int]:
        return [oid for role in roles for oid in self.staff[team_key].get(role, [])]


def build_org(session: Session, rng: random.Random, court_spec: CourtSpec = ARTICLE_COURT,
              parent_id: int | None = None, sort_order: int = 0) -> OrgPlan:
    """Insert the court, its teams, officers and memberships; return their ids."""
    court = Court(code=court_spec.code, name=court_spec.name, short_name=court_spec.short_name,
                  level=court_spec.level, parent_id=parent_id, sort_order=sort_order)
    session.add(court)
    session.flush()
    plan = OrgPlan(court_id=court.id, team_ids={}, staff={}, code=court_spec.code,
                   complex=court_spec.complex, mix=court_spec.mix)
    used: set[str] = set()
    for order, spec in enumerate(court_spec.teams):
        team = Team(court_id=court.id, name=spec.name, kind=spec.kind, founded_on=REFORM,
                    active=True, sort_order=order)
        session.add(team)
        session.flush()
        plan.team_ids[spec.key] = team.id
        plan.staff[spec.key] = {}
        for role, count in spec.staff:
            for index in range(count):
                officer = _officer(session, rng, used, court.id, team.id, role)
                plan.staff[spec.key].setdefault(role, []).append(officer.id)
                old = court_spec.movers.get((spec.key, role, index))
                if old:
                    plan.movers[officer.id] = old
                if spec.kind == "center":
                    officer.duty = CENTER_DUTIES.get(role)
    own = FUNDS_CLERK_SEED if court_spec.code == COURT_CODE else f"{FUNDS_CLERK_SEED}-{court_spec.code}"
    funds = _officer(session, random.Random(own), used, court.id,
                     plan.team_ids["center"], "assistant")
    funds.duty = "funds"
    plan.funds_clerk = funds.id
    session.flush()
    _memberships(session, plan)
    session.add(_member(funds.id, plan.team_ids["center"], REFORM, None))
    session.flush()
    return plan


def _officer(session: Session, rng: random.Random, used: set[str], court_id: int,
             team_id: int, role: str) -> Officer:
    name = person_name(rng)
    while name in used:
        name = person_name(rng)
    used.add(name)
    officer = Officer(court_id=court_id, team_id=team_id, name=name, role=role, active=True)
    session.add(officer)
    session.flush()
    return officer


def _memberships(session: Session, plan: OrgPlan) -> None:
    rows = []
    for key, roles in plan.staff.items():
        for ids in roles.values():
            for oid in ids:
                old = plan.movers.get(oid)
                if old:
                    rows.append(_member(oid, plan.team_ids[old], START, REFORM - dt.timedelta(days=1)))
                start = START if key in plan.complex else REFORM
                rows.append(_member(oid, plan.team_ids[key], start, None))
    session.add_all(rows)
    session.flush()


def _member(oid: int, team_id: int, start: dt.date, end: dt.date | None) -> TeamMembership:
    return TeamMembership(officer_id=oid, team_id=team_id, started_on=start, ended_on=end)


def load_org(session: Session, court_spec: CourtSpec = ARTICLE_COURT) -> OrgPlan | None:
    """Rebuild the plan of an existing demo court from the database (None when absent)."""
    court = session.scalar(select(Court).where(Court.code == court_spec.code))
    if court is None:
        return None
    by_name = {spec.name: spec.key for spec in court_spec.teams}
    teams = session.scalars(select(Team).where(Team.court_id == court.id)).all()
    plan = OrgPlan(court_id=court.id, team_ids={}, staff={}, code=court_spec.code,
                   complex=court_spec.complex, mix=court_spec.mix)
    for team in teams:
        if team.name in by_name:
            plan.team_ids[by_name[team.name]] = team.id
            plan.staff[by_name[team.name]] = {}
    missing = [spec.name for spec in court_spec.teams if spec.key not in plan.team_ids]
    if missing:
        raise ValueError(f"演示法院缺少团队：{'、'.join(missing)}")
    key_of = {tid: key for key, tid in plan.team_ids.items()}
    officers = session.scalars(
        select(Officer).where(Officer.court_id == court.id).order_by(Officer.id)
    ).all()
    for officer in officers:
        if officer.duty == "funds" and officer.active and plan.funds_clerk is None:
            plan.funds_clerk = officer.id
            continue
        if officer.team_id in key_of and officer.active:
            plan.staff[key_of[officer.team_id]].setdefault(officer.role, []).append(officer.id)
    return plan
