"""A small court tree for the 辖区 tests: two 中院, the first with three basic courts.

    内02 包头市中级人民法院 (own team and 2 cases: the 本院 row)
      ├ 内0221 土默特右旗人民法院   2022: 3 of 4 closed (75%)   2021: 1 of 2 (50%)
      ├ 内0222 固阳县人民法院       2022: 1 of 4 closed (25%)   2021: 2 of 2 (100%)
      └ 内0223 达尔罕茂明安联合旗人民法院  2022: 2 of 2 (100%)
    内01 呼和浩特市中级人民法院 (another 中院: its users never see 内02's courts)
      └ 内0121 土默特左旗人民法院  2022: 1 case

Rows are inserted directly (Court rows with parent_id, then cases through db.cases.input), so
the tests do not depend on the demo generator.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from db.cases.input import add_cases
from db.models import Court, Officer, Team, User

PERIOD = {"start": "2022-01-01", "end": "2022-06-30"}
TODAY = "2022-06-30"
COURTS = (  # code, name, short name, level, parent code, sort order
    ("内02", "包头市中级人民法院", "包头中院", "intermediate", None, 1),
    ("内0221", "土默特右旗人民法院", "土右旗法院", "basic", "内02", 1),
    ("内0222", "固阳县人民法院", "固阳法院", "basic", "内02", 2),
    ("内0223", "达尔罕茂明安联合旗人民法院", "达茂旗法院", "basic", "内02", 3),
    ("内01", "呼和浩特市中级人民法院", "呼市中院", "intermediate", None, 2),
    ("内0121", "土默特左旗人民法院", "土左旗法院", "basic", "内01", 1),
)
# per court: (year, serial, filed, closed) — closed None: still pending
CASES: dict[str, list[tuple[int, int, str, str | None]]] = {
    "内02": [(2022, 1, "2022-02-01", "2022-05-01"), (2022, 2, "2022-03-01", None)],
    "内0221": [(2022, 1, "2022-01-05", "2022-03-01"), (2022, 2, "2022-01-10", "2022-04-01"),
               (2022, 3, "2022-02-10", "2022-06-01"), (2022, 4, "2022-03-10", None),
               (2021, 1, "2021-01-05", "2021-03-01"), (2021, 2, "2021-02-05", None)],
    "内0222": [(2022, 1, "2022-01-05", "2022-05-01"), (2022, 2, "2022-01-10", None),
               (2022, 3, "2022-02-10", None), (2022, 4, "2022-03-10", None),
               (2021, 1, "2021-01-05", "2021-02-01"), (2021, 2, "2021-02-05", "2021-03-01")],
    "内0223": [(2022, 1, "2022-01-05", "2022-02-01"), (2022, 2, "2022-02-05", "2022-04-01")],
    "内0121": [(2022, 1, "2022-01-05", None)],
}


def seed_region(engine: Engine) -> dict[str, Any]:
    """Write the tree, one team and one judge per court, and the cases; return ids by code and
    by "team:<code>" / "officer:<code>"."""
    ids: dict[str, Any] = {}
    with Session(engine) as session, session.begin():
        for code, name, short, level, parent, order in COURTS:
            court = Court(code=code, name=name, short_name=short, level=level,
                          parent_id=ids[parent] if parent else None, sort_order=order)
            session.add(court)
            session.flush()
            ids[code] = court.id
            team = Team(court_id=court.id, name=f"{short}执行一组", kind="simple", sort_order=1)
            session.add(team)
            session.flush()
            officer = Officer(court_id=court.id, team_id=team.id, name=f"{short}法官", role="judge")
            session.add(officer)
            session.flush()
            ids[f"team:{code}"], ids[f"officer:{code}"] = team.id, officer.id
        rows = [{"case_number": f"（{year}）{code}执{serial}号", "filed_on": filed, "closed_on": closed,
                 "closing_method": "completed" if closed else None, "team": ids[f"team:{code}"],
                 "officer": ids[f"officer:{code}"], "target_amount": "100", "recovered_amount": "0"}
                for code, cases in CASES.items() for year, serial, filed, closed in cases]
        add_cases(session, rows)
    return ids


def bind_user(engine: Engine, user_id: int, court_id: int | None) -> None:
    """Make a user belong to a court (the admin side is another part's work)."""
    with Session(engine) as session, session.begin():
        session.execute(update(User).where(User.id == user_id).values(court_id=court_id))


def court_ids(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return dict(session.execute(select(Court.code, Court.id)).all())
