"""Small exact fixtures for the node, supervision, compliance and campaign tests."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.demo import seed_demo
from db.demo.users import ensure_demo_users
from db.models import Case, CaseEvent, Court, Officer, Team, User
from db.session import make_engine, make_session_factory, session_scope
from tests.backends import clear_all


def demo_court(url: str, today: dt.date, *, with_users: bool = False) -> Iterator[Engine]:
    """The demo court seeded into the migrated database at `url` as of `today` — with the
    demo users and their 督办 when asked (as seed-demo and run do) — and wiped afterwards.
    Use with `yield from` in a module-scoped fixture: seeding takes a while."""
    eng = make_engine(url)
    _wipe(eng)
    seed_demo(eng, today=today)
    if with_users:
        with session_scope(make_session_factory(eng)) as session:
            ensure_demo_users(session)
    yield eng
    _wipe(eng)
    eng.dispose()


def _wipe(eng: Engine) -> None:
    """clear_all, after unlinking 执恢 cases from their originals (MariaDB checks FKs per row)."""
    with eng.begin() as conn:
        conn.execute(update(Case).values(origin_case_id=None))
    clear_all(eng)


TYPE_CODES = {"first": "执", "resumed": "执恢", "preservation": "执保", "review": "执异"}


@dataclass
class Org:
    court: Court
    teams: list[Team]
    officers: list[Officer]


def make_org(session: Session) -> Org:
    """One court, two teams, one officer in each."""
    court = Court(code="内0221", name="包头市土默特右旗人民法院", short_name="土右旗法院")
    session.add(court)
    session.flush()
    teams = [
        Team(court_id=court.id, name="简案团队", kind="simple", sort_order=1),
        Team(court_id=court.id, name="繁案团队", kind="complex", sort_order=2),
    ]
    session.add_all(teams)
    session.flush()
    officers = [
        Officer(court_id=court.id, team_id=teams[0].id, name="张法官", role="judge"),
        Officer(court_id=court.id, team_id=teams[1].id, name="李法官", role="judge"),
    ]
    session.add_all(officers)
    session.flush()
    return Org(court, teams, officers)


def make_user(session: Session, username: str, role: str = "center") -> User:
    user = User(username=username, display_name=username, role=role)
    session.add(user)
    session.flush()
    return user


_serial = {"n": 0}


def make_case(
    session: Session,
    org: Org,
    filed_on: dt.date,
    *,
    category: str = "first",
    team: int = 0,
    received_on: dt.date | None = None,
    closed_on: dt.date | None = None,
    closing_method: str | None = None,
    non_litigation: bool = False,
) -> Case:
    """A case of `category` held by team/officer number `team`."""
    _serial["n"] += 1
    serial = _serial["n"]
    type_code = TYPE_CODES[category]
    case = Case(
        court_id=org.court.id,
        case_number=f"({filed_on.year})内0221{type_code}{serial}号",
        year=filed_on.year,
        court_code="内0221",
        type_code=type_code,
        serial=serial,
        category=category,
        received_on=received_on,
        filed_on=filed_on,
        closed_on=closed_on,
        closing_method=closing_method,
        non_litigation=non_litigation,
        team_id=org.teams[team].id,
        officer_id=org.officers[team].id,
    )
    session.add(case)
    session.flush()
    return case


def add_event(
    session: Session,
    case: Case,
    kind: str,
    day: dt.date,
    *,
    expires_on: dt.date | None = None,
    amount: str | None = None,
    hour: int = 10,
) -> CaseEvent:
    """An event at `hour` o'clock Beijing time on `day` (stored in UTC)."""
    local = dt.datetime.combine(day, dt.time(hour))
    event = CaseEvent(
        case_id=case.id,
        kind=kind,
        occurred_at=local - dt.timedelta(hours=8),
        expires_on=expires_on,
        amount=Decimal(amount) if amount else None,
    )
    session.add(event)
    session.flush()
    return event


D = dt.date
