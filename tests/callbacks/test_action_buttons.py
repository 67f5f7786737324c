"""督办 buttons and cross-page links appear only for principals who may use them (the server refuses anyway)."""
from __future__ import annotations

import pytest

from tests.callbacks.test_access import CASE_A, A, client_as, payload, post

BUTTONS = {  # output id → the page store's value naming the page's entity
    "team-supervise": lambda ids: {"team-query.data": {"path_id": str(ids[A]), "query": {}}},
    "officer-supervise": lambda ids: {"officer-query.data": {"path_id": str(ids["乙助理"]), "query": {}}},
    "case-supervise": lambda ids: {"case-query.data": {"path_id": str(ids[CASE_A])}},
}


@pytest.mark.parametrize(("role", "shown"), [("center", True), ("leader", False), ("lead", False)])
def test_supervise_buttons_follow_the_permission(court, role: str, shown: bool) -> None:
    app, ids, engine = court
    client = client_as(app, engine, role, ids)
    for output, values in BUTTONS.items():
        status, body = post(client, payload(app, output, values(ids)))
        assert status == 200, (output, body[:200])
        assert ('"btn is-hidden"' not in body) is shown, (role, output, body)


def test_case_page_links_only_to_pages_the_principal_may_open(court) -> None:
    """承办人 sees his case, but its team's desk is not his: the team is text, not a link."""
    app, ids, engine = court
    values = BUTTONS["case-supervise"](ids)
    officer = client_as(app, engine, "officer", ids)
    status, body = post(officer, payload(app, "case-header", values))
    assert status == 200 and f'/officer/{ids["乙助理"]}' in body
    assert f'/team/{ids[A]}' not in body and "简案一组" in body
    center = client_as(app, engine, "center", ids)
    status, body = post(center, payload(app, "case-header", values))
    assert status == 200 and f'/team/{ids[A]}' in body


@pytest.mark.parametrize(("role", "shown"), [("center", True), ("lead", False)])
def test_team_queue_offers_the_supervise_link_only_to_issuers(court, role: str, shown: bool) -> None:
    """The queue's 督办 column links to the issue form: a 团队长 (who may not issue) gets no link."""
    app, ids, engine = court
    client = client_as(app, engine, role, ids)
    status, body = post(client, payload(app, "team-queue", BUTTONS["team-supervise"](ids)))
    assert status == 200 and "case_number__href" in body, body[:300]  # the queue has rows
    assert ("supervise__href" in body) is shown, (role, body[:300])
