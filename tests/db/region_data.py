"""A small 辖区 for the region tests: a 中院 with its own team over three basic courts.

Built directly (Court rows with parent_id), independent of the demo generator: the existing
snapshot court (tests/db/snapshot_data.seed, 内0221) moved under a 中院 (内02, one team, a few
cases of its own) with two more basic courts (内0202: two teams, 内0203: one team), each with
a handful of cases of every category, some closed, some of last year.
"""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy.orm import Session

from db.models import Case, Court, Officer, Payment, Team
from db.session import bump_data_version
from tests.db.snapshot_data import TODAY, TYPE_CODES, seed

TOP_CODE = "内02"
METHODS = {"first": ["completed", "terminated_this_round"],
           "resumed": ["completed", "terminated_this_round"],
           "preservation": ["preservation_done"]}
_DAYS = [dt.date(2025, 3, 4), dt.date(2025, 10, 9), dt.date(2025, 11, 12), dt.date(2026, 1, 8),
         dt.date(2026, 4, 20), dt.date(2026, 9, 1), dt.date(2026, 11, 2), dt.date(2026, 11, 18)]


def add_cases(session: Session, court: Court, holders: list[tuple[Team, Officer]], count: int,
              rng: random.Random, serial: list[int]) -> list[Case]:
    """`count` cases of the court spread over its teams, filed on the days above."""
    made = []
    for _ in range(count):
        serial[0] += 1
        category = rng.choice(list(TYPE_CODES))
        team, officer = rng.choice(holders)
        filed = rng.choice(_DAYS)
        later = [d for d in _DAYS if d >= filed]
        closed = rng.choice([None, rng.choice(later)])
        made.append(Case(
            court_id=court.id, case_number=f"({filed.year}){court.code}{TYPE_CODES[category]}"
                                           f"{serial[0]}号",
            year=filed.year, court_code=court.code, type_code=TYPE_CODES[category],
            serial=serial[0], category=category, filed_on=filed, closed_on=closed,
            closing_method=rng.choice(METHODS[category]) if closed else None,
            team_id=team.id, officer_id=officer.id,
            target_amount=Decimal(rng.randint(1, 9) * 10000)))
    session.add_all(made)
    session.flush()
    for case in made[::3]:
        session.add(Payment(case_id=case.id, received_on=max(case.filed_on, dt.date(2026, 2, 1)),
                            amount=Decimal(rng.randint(1, 5) * 1000)))
    return made


def _court(session: Session, code: str, name: str, short: str, level: str,
           parent: Court | None, order: int) -> Court:
    court = Court(code=code, name=name, short_name=short, level=level,
                  parent_id=parent.id if parent else None, sort_order=order)
    session.add(court)
    session.flush()
    return court


def _teams(session: Session, court: Court, names: list[str]) -> list[tuple[Team, Officer]]:
    out = []
    for i, name in enumerate(names, start=1):
        team = Team(court_id=court.id, name=name, kind="complex", sort_order=i)
        session.add(team)
        session.flush()
        officer = Officer(court_id=court.id, team_id=team.id, name=f"{court.short_name}{i}号法官",
                          role="judge")
        session.add(officer)
        session.flush()
        out.append((team, officer))
    return out


# more basic courts for a fuller 辖区 (the wall screenshots): code, name, short name, teams, cases
EXTRA = (("内0204", "包头市青山区人民法院", "青山区法院", 3, 60),
         ("内0205", "包头市石拐区人民法院", "石拐区法院", 1, 18),
         ("内0206", "包头市白云鄂博矿区人民法院", "白云矿区法院", 1, 12),
         ("内0207", "包头市九原区人民法院", "九原区法院", 2, 40),
         ("内0222", "固阳县人民法院", "固阳县法院", 2, 30))


def seed_region(session: Session, rng_seed: int = 7, extra: int = 0) -> dict[str, object]:
    """Insert the 辖区 (with `extra` more basic courts of EXTRA); returns its courts by code and
    their teams by court code."""
    rng, serial = random.Random(rng_seed), [100]
    made = seed(session)
    home: Court = made["court"]  # type: ignore[assignment]
    top = _court(session, TOP_CODE, "包头市中级人民法院", "包头中院", "intermediate", None, 0)
    home.parent_id, home.sort_order = top.id, 1
    session.flush()
    second = _court(session, "内0202", "包头市东河区人民法院", "东河区法院", "basic", top, 2)
    third = _court(session, "内0203", "包头市昆都仑区人民法院", "昆区法院", "basic", top, 3)
    teams = {TOP_CODE: _teams(session, top, ["中院执行一团队"]),
             "内0202": _teams(session, second, ["东河一团队", "东河二团队"]),
             "内0203": _teams(session, third, ["昆区一团队"])}
    made_courts = [top, home, second, third]
    for court, count in ((top, 6), (second, 14), (third, 9)):
        add_cases(session, court, teams[court.code], count, rng, serial)
    for order, (code, name, short, n_teams, count) in enumerate(EXTRA[:extra], start=4):
        court = _court(session, code, name, short, "basic", top, order)
        teams[code] = _teams(session, court, [f"执行{'一二三'[i]}团队" for i in range(n_teams)])
        add_cases(session, court, teams[code], count, rng, serial)
        made_courts.append(court)
    bump_data_version(session)
    return {"courts": {c.code: c for c in made_courts}, "teams": teams,
            "home": made, "serial": serial}


__all__ = ["TODAY", "TOP_CODE", "add_cases", "seed_region"]
