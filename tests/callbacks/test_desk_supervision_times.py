"""The team and officer pages' 督办 grids show issue times in court time (DASHBOARD_TIMEZONE),
as /supervision does, not the stored UTC."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from callbacks.desk import supervision as supervision_cb
from callbacks.desk import team
from db.models import Case, User
from db.supervision import orders as supervision
from layouts.desk.grids import supervision_columns


def test_team_and_officer_grids_show_court_time(desk_app, sqlite_engine) -> None:
    ids = desk_app[1]
    with Session(sqlite_engine) as session, session.begin():
        user = User(username="center-t", role="center")
        session.add(user)
        session.flush()
        officer_id = session.get(Case, ids["case:2022执2"]).officer_id
        # 17:30 UTC on 1 August is 01:30 on 2 August in Asia/Shanghai
        order = supervision.issue(session, target_kind="case", case_id=ids["case:2022执2"], subject="限期办结",
                                  due_on=dt.date(2022, 8, 20), actor_id=user.id,
                                  now=dt.datetime(2022, 8, 1, 17, 30))
    rows = team.render_team({"path_id": str(ids["简案一组"]), "query": {}})[8]
    assert [(r["id"], r["issued_at"]) for r in rows] == [(order, "2022-08-02 01:30")]
    mine = supervision_cb.officer_orders({"path_id": str(officer_id)})
    assert [(r["id"], r["issued_at"]) for r in mine] == [(order, "2022-08-02 01:30")]
    header = {c["field"]: c["headerName"] for c in supervision_columns()}["issued_at"]
    assert header == "下发时间" and "UTC" not in header
