"""The start page's counts narrowed to a principal's scope, on SQLite, PostgreSQL and MariaDB."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.auth.access import Scope
from db.queries.overview import court_teams, loaded_courts, period_counts
from tests.db.test_case_queries import seed_desk

YEAR = (dt.date(2022, 1, 1), dt.date(2022, 12, 31))


def test_counts_follow_the_scope(engine: Engine) -> None:
    ids = seed_desk(engine)
    a, b = ids["简案一组"], ids["保全组"]
    with Session(engine) as session:
        court = loaded_courts(session)[0]
        team_a = loaded_courts(session, Scope(team_id=a))[0]
        team_b = loaded_courts(session, Scope(team_id=b))[0]
        own = loaded_courts(session, Scope(officer_id=ids["乙助理"]))[0]
        nothing = loaded_courts(session, Scope())[0]
        year_court = period_counts(session, *YEAR)[ids["court"]]
        year_b = period_counts(session, *YEAR, Scope(team_id=b))[ids["court"]]
        teams_court = [t["name"] for t in court_teams(session)[ids["court"]]]
        teams_a = [t["name"] for t in court_teams(session, Scope(team_id=a))[ids["court"]]]
        teams_officer = court_teams(session, Scope(officer_id=ids["乙助理"]))
    assert court["cases"] == 14 and team_a["cases"] == 11 and team_b["cases"] == 2
    assert own["cases"] == 3 and own["officers"] == 1 and own["teams"] == 0
    assert (team_a["teams"], team_a["officers"]) == (1, 3) and (team_b["teams"], team_b["officers"]) == (1, 1)
    assert court["teams"] == 3 and court["officers"] == 5
    assert nothing["cases"] == nothing["teams"] == nothing["officers"] == nothing["open_cases"] == 0
    assert year_b == {"filed": 2, "closed": 1} and year_court["filed"] > year_b["filed"]
    assert teams_court == ["简案一组", "保全组", "繁案空组"] and teams_a == ["简案一组"] and teams_officer == {}
