"""/center (issue #18 §3): the 指挥中心, 领导 and 管理员 see the center's work of the whole court;
a team lead or an officer gets nothing of it — not the page, not its callback (crafted POSTs to
/_dash-update-component), not a center person's drill-down list."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Case, CaseEvent, Court, Officer, Team
from tests.callbacks.test_access import client_as, payload, post
from tests.db.test_case_queries import number

QUERY = {"preset": "custom", "start": "2022-01-01", "end": "2022-08-15"}
CLERK = "查控员小郝"


def _center(engine) -> dict[str, int]:
    """A center team with a 查控员 who launched the 网络查控 of a case of 简案一组."""
    with Session(engine) as session, session.begin():
        court_id = session.scalar(select(Court.id))
        team = Team(court_id=court_id, name="执行指挥中心", kind="center", sort_order=0)
        session.add(team)
        session.flush()
        clerk = Officer(court_id=court_id, team_id=team.id, name=CLERK, role="assistant",
                        duty="query")
        session.add(clerk)
        session.flush()
        case_id = session.scalar(select(Case.id).where(Case.case_number == number("2021执1")))
        session.add(CaseEvent(case_id=case_id, kind="online_query_started", officer_id=clerk.id,
                              occurred_at=dt.datetime(2022, 3, 1, 2)))
        return {"team": team.id, "clerk": clerk.id, "case": case_id}


@pytest.mark.parametrize("role", ["center", "leader", "admin"])
def test_the_whole_court_roles_see_the_center_page(desk_court, role: str) -> None:
    app, ids, engine = desk_court
    made = _center(engine)
    client = client_as(app, engine, role, ids)
    assert client.get("/center").status_code == 200
    status, body = post(client, payload(app, "center-title", {"center-query.data": {"query": QUERY}}))
    assert status == 200, body[:300]
    assert CLERK in body and "网络查控员" in body and "无法显示" not in body
    # the person's figure opens the case behind it
    drill = {**QUERY, "preset": "custom", "indicator": "query_count", "part": "numerator",
             "scope": "officer", "id": str(made["clerk"])}
    status, body = post(client, payload(app, "cases-title", {"cases-query.data": drill}))
    assert status == 200 and number("2021执1") in body and "共 1 件" in body, body[:500]


@pytest.mark.parametrize("role", ["lead", "officer", "wall"])
def test_others_get_nothing_of_the_center(desk_court, role: str) -> None:
    app, ids, engine = desk_court
    made = _center(engine)
    client = client_as(app, engine, role, ids)
    client.get("/")
    page = client.get("/center")
    assert page.status_code in (302, 403) or CLERK not in page.get_data(as_text=True)
    status, body = post(client, payload(app, "center-title", {"center-query.data": {"query": QUERY}}))
    assert status in (401, 403) and CLERK not in body, (role, status, body[:200])
    # a center person's drill-down is outside a lead's team and an officer's own cases
    drill = {**QUERY, "indicator": "query_count", "part": "numerator", "scope": "officer",
             "id": str(made["clerk"])}
    status, body = post(client, payload(app, "cases-title", {"cases-query.data": drill}))
    assert CLERK not in body and number("2021执1") not in body, (role, status, body[:300])


def test_the_center_is_not_a_team_of_zeros_on_the_court_desk(desk_court) -> None:
    """The court's team grid (/analysis) and the start page's team chips list only the teams that
    handle cases; the center has its own page."""
    app, ids, engine = desk_court
    _center(engine)
    client = client_as(app, engine, "center", ids)
    client.get("/")
    status, body = post(client, payload(app, "analysis-grid", {"analysis-query.data": QUERY}))
    assert status == 200 and "简案一组" in body and "执行指挥中心" not in body
