"""Findings 4 and 5: every lookup, suggestion list, filter and drill-down is scoped like its page.
Each attack calls the callback endpoint directly (crafted POSTs built from app.callback_map) for
an id outside the principal's scope."""
from __future__ import annotations

import io
import json

from openpyxl import load_workbook
from sqlalchemy import update
from sqlalchemy.orm import Session

from db.models import Case
from tests.callbacks.test_access import PERIOD, B, client_as, payload, post
from tests.db.test_case_queries import number

OUTSIDE = "2022执保1"  # held by 保全组 (team B)
INSIDE = "2022执2"  # held by 简案一组 (team A), officer 乙助理


def test_supervision_prefill_gives_no_case_number_outside_the_scope(desk_court) -> None:
    app, ids, engine = desk_court
    for role in ("lead", "officer"):
        client = client_as(app, engine, role, ids)
        client.get("/")
        query = {"new": "1", "case": str(ids["case:" + OUTSIDE])}
        status, body = post(client, payload(app, "supervision-f-status", {"supervision-query.data": query}))
        assert status == 200 and number(OUTSIDE) not in body, (role, body[:300])
        query = {"new": "1", "case": str(ids["case:" + INSIDE])}
        status, body = post(client, payload(app, "supervision-f-status", {"supervision-query.data": query}))
        assert status == 200 and number(INSIDE) in body, role  # the own case still pre-fills


def test_the_case_filter_does_not_tell_which_cases_exist(desk_court) -> None:
    app, ids, engine = desk_court
    client = client_as(app, engine, "lead", ids)
    client.get("/")
    bodies = []
    for case_id in (ids["case:" + OUTSIDE], 987654):  # one exists (other team), one does not
        status, body = post(client, payload(app, "supervision-summary",
                                            {"supervision-query.data": {"case": str(case_id)}}))
        assert status == 200 and number(OUTSIDE) not in body
        reply = json.loads(body)
        reply["response"].pop("supervision-as-of")  # 数据截至: a timestamp whose digits may hold the id
        bodies.append(json.dumps(reply, ensure_ascii=False).replace(str(case_id), "ID"))
    assert bodies[0] == bodies[1]


def test_officers_and_leads_get_only_their_own_names_in_the_pickers(desk_court) -> None:
    app, ids, engine = desk_court
    expected = {"officer": ({"乙助理"}, {"甲法官", "丙法官", "丁法官"}),
                "lead": ({"甲法官", "乙助理"}, {"丙法官", "丁法官"}),
                "center": ({"甲法官", "乙助理", "丙法官"}, set())}
    for role, (present, absent) in expected.items():
        client = client_as(app, engine, role, ids)
        client.get("/")
        status, body = post(client, payload(app, "supervision-f-status", {"supervision-query.data": {}}))
        assert status == 200
        assert all(name in body for name in present), (role, body[:500])
        assert not [name for name in absent if name in body], role
        if role != "center":
            assert B not in body, role


def test_a_drill_down_shows_a_case_of_another_team_only_as_case_number_and_holder(desk_court) -> None:
    """乙助理 (team A) still holds a case now filed under 保全组: a lead of team A may see the
    officer's figure that counts it, but its row shows only 案号 and holder — also in the export."""
    app, ids, engine = desk_court
    with Session(engine) as session:
        session.execute(update(Case).where(Case.id == ids["case:" + INSIDE]).values(team_id=ids[B]))
        session.commit()
    query = PERIOD | {"indicator": "accepted", "part": "numerator", "scope": "officer", "id": str(ids["乙助理"])}
    center = client_as(app, engine, "center", ids)
    center.get("/")
    _, full = post(center, payload(app, "cases-title", {"cases-query.data": query}))
    assert number(INSIDE) in full and "张**" in full and "不在您的查看范围" not in full
    lead = client_as(app, engine, "lead", ids)
    lead.get("/")
    status, body = post(lead, payload(app, "cases-title", {"cases-query.data": query}))
    assert status == 200 and number(INSIDE) in body and B in body  # which case, held by whom
    assert "张**" not in body and "包头***有限公司" not in body  # … and nothing else
    assert f"/case/{ids['case:' + INSIDE]}" not in body
    assert "不在您的查看范围" in body
    export = lead.get("/export/cases.xlsx?" + "&".join(f"{k}={v}" for k, v in query.items()))
    assert export.status_code == 200
    cells = " ".join(str(c.value) for row in load_workbook(io.BytesIO(export.data)).active.iter_rows()
                     for c in row if c.value is not None)
    assert number(INSIDE) in cells and "张**" not in cells and "包头***有限公司" not in cells
