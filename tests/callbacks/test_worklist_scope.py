"""今日待办 attacked through /_dash-update-component: a crafted team or officer id outside the
principal's scope gets no rows (and an audit entry); the own scope gets only its own cases."""
from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Case, Officer
from db.models.auth import AuditEntry
from tests.callbacks.test_access import A, B, client_as, payload, post

TEAM_QUEUE, OFFICER_QUEUE = "team-queue-kind", "officer-queue-kind"


def _texts(node: Any) -> list[str]:
    """Every string in a component tree (the stale group's table, as JSON)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _texts(v)]
    if isinstance(node, list):
        return [s for v in node for s in _texts(v)]
    return []


def _rows(body: str) -> list[dict[str, Any]]:
    """The work list's actionable rows and stale items (as {"case_number"}) in a callback answer."""
    response = json.loads(body)["response"]
    rows = [row for k, v in response.items() if k in ("team-queue", "officer-queue") for row in v["rowData"]]
    stale = [v["children"] for k, v in response.items() if k in ("team-queue-stale", "officer-queue-stale")]
    return rows + [{"case_number": s} for s in _texts(stale) if "号" in s and "）" in s]


def _numbers(engine: Any, **where: int) -> set[str]:
    with Session(engine) as s:
        stmt = select(Case.case_number).filter_by(**where)
        return set(s.scalars(stmt))


def _ask(client: Any, app: Any, output: str, store: str, path_id: int) -> tuple[int, str]:
    return post(client, payload(app, output, {f"{store}.data": {"path_id": str(path_id), "query": {}}}))


def _denials(engine: Any) -> int:
    with Session(engine) as s:
        return len(s.scalars(select(AuditEntry.id).where(AuditEntry.outcome == "denied")).all())


def test_lead_gets_the_own_team_only(court) -> None:
    app, ids, engine = court
    lead = client_as(app, engine, "lead", ids)
    status, body = _ask(lead, app, TEAM_QUEUE, "team-query", ids[A])
    own = _rows(body)
    assert status == 200 and own, body[:300]
    assert {r["case_number"] for r in own if r["case_number"]} <= _numbers(engine, team_id=ids[A])
    before = _denials(engine)
    status, body = _ask(lead, app, TEAM_QUEUE, "team-query", ids[B])
    assert status == 200 and _rows(body) == []
    assert not any(n in body for n in _numbers(engine, team_id=ids[B]))
    assert _denials(engine) > before  # the refusal is audited


@pytest.mark.parametrize("store", ["officer-query", "team-query"])
def test_officer_gets_the_own_cases_only(court, store: str) -> None:
    """乙助理 asks for a colleague's and then his team's list: nothing; his own: his cases."""
    app, ids, engine = court
    officer = client_as(app, engine, "officer", ids)
    status, body = _ask(officer, app, OFFICER_QUEUE, "officer-query", ids["乙助理"])
    own = _rows(body)
    assert status == 200 and own, body[:300]
    assert {r["case_number"] for r in own if r["case_number"]} <= _numbers(engine, officer_id=ids["乙助理"])
    with Session(engine) as s:
        colleague = s.scalars(select(Officer.id).where(Officer.team_id == ids[A], Officer.id != ids["乙助理"])).first()
    assert colleague
    output, target = (OFFICER_QUEUE, colleague) if store == "officer-query" else (TEAM_QUEUE, ids[A])
    status, body = _ask(officer, app, output, store, target)
    assert status == 403 or (status == 200 and _rows(body) == [])  # the team desk is refused outright
    others = _numbers(engine, team_id=ids[A]) - _numbers(engine, officer_id=ids["乙助理"])
    assert others and not any(n in body for n in others)
