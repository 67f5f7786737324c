"""A small exact court for the snapshot tests: 2 teams, 3 officers, 5 cases, events, a campaign."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from db.models import (
    Campaign,
    CampaignCase,
    Case,
    CaseEvent,
    Court,
    Officer,
    Payment,
    Team,
)
from db.session import bump_data_version

TODAY = dt.date(2026, 11, 20)
TYPE_CODES = {"first": "执", "resumed": "执恢", "preservation": "执保"}


def _case(court: Court, serial: int, category: str, filed: dt.date, team: Team,
          officer: Officer, closed: dt.date | None = None, method: str | None = None) -> Case:
    code = TYPE_CODES[category]
    return Case(court_id=court.id, case_number=f"({filed.year})内0221{code}{serial}号",
                year=filed.year, court_code="内0221", type_code=code, serial=serial,
                category=category, filed_on=filed, closed_on=closed, closing_method=method,
                team_id=team.id, officer_id=officer.id)


def seed(session: Session) -> dict[str, object]:
    """Insert the court and return its objects by name."""
    court = Court(code="内0221", name="包头市土默特右旗人民法院", short_name="土右旗法院")
    session.add(court)
    session.flush()
    simple = Team(court_id=court.id, name="简案团队", kind="simple", sort_order=1,
                  founded_on=dt.date(2025, 3, 1))
    keep = Team(court_id=court.id, name="保全团队", kind="preservation", sort_order=2)
    session.add_all([simple, keep])
    session.flush()
    zhang = Officer(court_id=court.id, team_id=simple.id, name="张法官", role="judge")
    wang = Officer(court_id=court.id, team_id=simple.id, name="王法官", role="judge")
    li = Officer(court_id=court.id, team_id=keep.id, name="李法官", role="judge")
    session.add_all([zhang, wang, li])
    session.flush()
    cases = [
        _case(court, 1, "first", dt.date(2026, 2, 10), simple, zhang,
              dt.date(2026, 5, 1), "completed"),
        _case(court, 2, "first", dt.date(2026, 11, 3), simple, wang),
        _case(court, 3, "resumed", dt.date(2025, 6, 1), simple, zhang,
              dt.date(2026, 11, 5), "terminated_this_round"),
        _case(court, 4, "preservation", dt.date(2026, 11, 2), keep, li,
              dt.date(2026, 11, 3), "preservation_done"),
        _case(court, 5, "first", dt.date(2025, 11, 10), simple, zhang,
              dt.date(2025, 11, 15), "completed"),
    ]
    session.add_all(cases)
    session.flush()
    at = dt.datetime(2026, 11, 19, 2, 0)
    session.add_all([
        CaseEvent(case_id=cases[0].id, kind="seizure", occurred_at=at, detail="查封房产一处"),
        CaseEvent(case_id=cases[1].id, kind="detention", occurred_at=at - dt.timedelta(days=1),
                  officer_id=wang.id, detail="拘留十五日"),
        CaseEvent(case_id=cases[2].id, kind="eviction", occurred_at=at - dt.timedelta(days=2)),
        CaseEvent(case_id=cases[2].id, kind="transfer", occurred_at=at - dt.timedelta(days=3),
                  amount=Decimal("1200000.00")),
        # not a feed kind, and the newest: must not appear in the feed
        CaseEvent(case_id=cases[0].id, kind="risk_notice", occurred_at=at + dt.timedelta(hours=1)),
    ])
    campaign = Campaign(court_id=court.id, name="疾风骏马", started_on=dt.date(2026, 11, 1),
                        ended_on=dt.date(2026, 11, 30))
    session.add(campaign)
    session.flush()
    session.add_all([CampaignCase(campaign_id=campaign.id, case_id=cases[1].id),
                     CampaignCase(campaign_id=campaign.id, case_id=cases[2].id)])
    session.add(Payment(case_id=cases[2].id, received_on=dt.date(2026, 11, 5),
                        amount=Decimal("1200000.00")))
    bump_data_version(session)
    return {"court": court, "simple": simple, "keep": keep, "officers": [zhang, wang, li],
            "cases": cases, "campaign": campaign}
