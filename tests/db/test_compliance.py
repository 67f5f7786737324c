"""终本合格 checks on crafted cases, on SQLite, PostgreSQL and MariaDB."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.nodes.compliance import (
    compliance_cases,
    compliance_counts,
    compliance_summary,
    rate_pct,
)
from tests.db.nodes_factory import D, add_event, make_case, make_org

START, END = D(2024, 1, 1), D(2024, 3, 31)


def _terminated(s, org, filed, closed, *, team=0, query=None, skip=(), late=()):
    """A 终本 case with every recorded step, except `skip`; `late` steps happen after closing."""
    c = make_case(s, org, filed, team=team, closed_on=closed, closing_method="terminated_this_round")
    steps = {
        "notice_issued": filed + dt.timedelta(days=1),
        "property_order": filed + dt.timedelta(days=1),
        "online_query_result": query or closed - dt.timedelta(days=30),
        "consumption_ban": filed + dt.timedelta(days=20),
        "interview": closed - dt.timedelta(days=5),
        "termination_ruling": closed,
    }
    for kind, day in steps.items():
        if kind in late:
            day = closed + dt.timedelta(days=3)
        if kind not in skip:
            add_event(s, c, kind, day)
    return c


def _seed(s):
    org = make_org(s)
    good = _terminated(s, org, D(2023, 10, 1), D(2024, 2, 1))
    stale = _terminated(s, org, D(2023, 10, 1), D(2024, 2, 5), query=D(2023, 11, 4))
    too_soon = _terminated(s, org, D(2024, 1, 10), D(2024, 3, 1))
    bare = _terminated(s, org, D(2023, 6, 1), D(2024, 3, 10),
                       skip=("property_order", "online_query_result", "consumption_ban", "termination_ruling"),
                       late=("interview",))
    other_team = _terminated(s, org, D(2023, 9, 1), D(2024, 1, 15), team=1, query=D(2023, 10, 15))
    _terminated(s, org, D(2023, 1, 1), D(2023, 12, 31))  # closed before the period
    make_case(s, org, D(2023, 10, 1), closed_on=D(2024, 2, 1), closing_method="completed")
    s.flush()
    return org, good, stale, too_soon, bare, other_team


def test_failing_items_per_case(engine: Engine) -> None:
    """Each failing case lists exactly the conditions the data does not show."""
    with Session(engine) as s:
        _, good, stale, too_soon, bare, other = _seed(s)
        failing = compliance_cases(s, START, END)
        everything = compliance_cases(s, START, END, failing_only=False)
    assert [(r["case_id"], r["failing"]) for r in failing] == [
        (stale.id, ["online_query"]),
        (too_soon.id, ["three_months"]),
        (bare.id, ["property_order", "online_query", "consumption_ban", "interview", "ruling"]),
    ]
    assert failing[1]["failing_labels"] == ["立案满三个月"]
    assert [r["case_id"] for r in everything] == [other.id, good.id, stale.id, too_soon.id, bare.id]


def test_query_window_is_three_months_before_closing(engine: Engine) -> None:
    """A query on 2023-11-05 is inside the window of a 2024-02-05 closing; 11-04 is not."""
    with Session(engine) as s:
        org = make_org(s)
        inside = _terminated(s, org, D(2023, 10, 1), D(2024, 2, 5), query=D(2023, 11, 5))
        outside = _terminated(s, org, D(2023, 10, 1), D(2024, 2, 5), query=D(2023, 11, 4))
        s.flush()
        failing = {r["case_id"]: r["failing"] for r in compliance_cases(s, START, END)}
    assert inside.id not in failing and failing[outside.id] == ["online_query"]


def test_rate_and_counts_per_team(engine: Engine) -> None:
    """终本合格率 = compliant / 终本 cases closed in the period, truncated to 2 decimals."""
    with Session(engine) as s:
        org, *_ = _seed(s)
        summary = compliance_summary(s, START, END)
        team0 = compliance_summary(s, START, END, team_ids=[org.teams[0].id])
        teams = compliance_counts(s, "team", None, START, END)
    assert (summary["cases"], summary["compliant"], summary["rate"]) == (5, 2, "40.00")
    assert {c["key"]: c["failing"] for c in summary["failing_by_check"]} == {
        "notice": 0, "property_order": 1, "online_query": 2, "consumption_ban": 1,
        "interview": 1, "three_months": 1, "ruling": 1,
    }
    assert (team0["cases"], team0["rate"]) == (4, "25.00")
    assert teams[org.teams[0].id] == {"cases": 4, "compliant": 1, "rate": "25.00"}
    assert teams[org.teams[1].id] == {"cases": 1, "compliant": 1, "rate": "100.00"}


def test_rate_truncates() -> None:
    assert rate_pct(2, 3) == "66.66" and rate_pct(0, 0) is None
