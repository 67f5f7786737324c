"""今日待办 (db.queries.worklist): one row per thing to do, ordered by urgency, scoped, on every backend."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.models import Payment, SupervisionOrder
from db.nodes.rules import load_rules
from db.queries.worklist import RENEWAL_GRACE_DAYS, WORK_KINDS, work_counts, work_list
from tests.db.nodes_factory import D, add_event, make_case, make_org

TODAY = D(2024, 3, 20)


def _rules():
    """通知书 (watched also after closing, to have a closed case's node), 案款 and 续封."""
    rules = load_rules()
    notice = replace(rules.get("notice"), after_closing=True)
    return replace(rules, nodes=(notice, rules.get("disbursement"), rules.get("renewal")))


def _seed(s: Session):
    org = make_org(s)
    node_overdue = make_case(s, org, D(2024, 3, 1))  # 通知书 due 03-11: 9 days over
    node_soon = make_case(s, org, D(2024, 3, 12))  # due 03-22: 2 days left (临期)
    renewal = make_case(s, org, D(2023, 1, 1))
    add_event(s, renewal, "notice_issued", D(2023, 1, 2))
    add_event(s, renewal, "seizure", D(2023, 1, 5), expires_on=D(2024, 3, 10))  # lapsed 10 days ago
    lapsed = make_case(s, org, D(2020, 1, 1))
    add_event(s, lapsed, "notice_issued", D(2020, 1, 2))
    add_event(s, lapsed, "freeze", D(2020, 1, 5), expires_on=D(2021, 1, 5))  # lapsed years ago: stale
    money = make_case(s, org, D(2024, 1, 10))
    add_event(s, money, "notice_issued", D(2024, 1, 11))
    s.add(Payment(case_id=money.id, received_on=D(2024, 3, 1), amount=Decimal("5000.00")))  # due 03-31
    term = make_case(s, org, D(2023, 10, 1))  # no property in 3 months; term ends 2024-04-01
    add_event(s, term, "notice_issued", D(2023, 10, 2))
    closed = make_case(s, org, D(2024, 2, 1), closed_on=D(2024, 3, 1), closing_method="completed")  # stale node
    other = make_case(s, org, D(2024, 3, 2), team=1)  # the other team's overdue 通知书 (due 03-12)
    s.flush()
    s.add(SupervisionOrder(target_kind="case", case_id=node_overdue.id, team_id=org.teams[0].id,
                           officer_id=org.officers[0].id, subject="尽快发出执行通知书", due_on=D(2024, 3, 18),
                           status="issued"))
    s.add(SupervisionOrder(target_kind="team", team_id=org.teams[0].id, subject="已办结的督办",
                           due_on=D(2024, 3, 1), status="closed"))
    s.flush()
    return org, dict(node_overdue=node_overdue, node_soon=node_soon, renewal=renewal, lapsed=lapsed,
                     money=money, term=term, closed=closed, other=other)


def _key(row: dict) -> tuple:
    return row["kind"], row["case_number"], row["days_left"], row["tone"], row["stale"]


def test_team_work_list_order_signs_and_columns(engine: Engine) -> None:
    rules = _rules()
    with Session(engine) as s:
        org, c = _seed(s)
        rows = work_list(s, "team", org.teams[0].id, today=TODAY, rules=rules)
    n = {k: v.case_number for k, v in c.items()}
    assert [_key(r) for r in rows] == [
        ("renewal", n["renewal"], -10, "bad", False),  # overdue first, by how much
        ("node", n["node_overdue"], -9, "bad", False),
        ("supervision", n["node_overdue"], -2, "bad", False),
        ("node", n["node_soon"], 2, "warn", False),  # then due soonest
        ("payment", n["money"], 11, "", False),
        ("termination", n["term"], 12, "warn", False),
        ("node", n["closed"], -38, "muted", True),  # 已无法处理/需核实, last, most recent first
        ("renewal", n["lapsed"], (D(2021, 1, 5) - TODAY).days, "muted", True),
    ]
    by_kind = {r["kind"] + str(r["stale"]): r for r in rows}
    pay = by_kind["paymentFalse"]
    assert (pay["deadline"], pay["amount"], pay["waiting_days"]) == (D(2024, 3, 31), Decimal("5000.00"), 19)
    assert pay["status_text"] == "已到账 19 天未发放"
    assert pay["item_id"] is not None and by_kind["terminationFalse"]["amount"] is None
    assert by_kind["terminationFalse"]["deadline"] == D(2024, 4, 1)
    assert by_kind["supervisionFalse"]["status_text"] == "逾期未反馈"
    assert by_kind["renewalFalse"]["item"] == "续封：续封续冻" and by_kind["renewalFalse"]["node_key"] == "renewal"
    assert by_kind["nodeFalse"]["officer"] == "张法官" and by_kind["nodeFalse"]["kind_label"] == "节点"
    assert "已无法续封" in by_kind["renewalTrue"]["status_text"]
    assert all(isinstance(r["deadline"], dt.date) for r in rows)
    assert all(r["days_left"] == (r["deadline"] - TODAY).days for r in rows)  # signed: deadline − today
    assert -RENEWAL_GRACE_DAYS <= by_kind["renewalFalse"]["days_left"] < 0


def test_scope_team_and_officer(engine: Engine) -> None:
    """A team sees its own items only; an officer the same as the one-officer team; the other team's
    officer only the other team's case."""
    rules = _rules()
    with Session(engine) as s:
        org, c = _seed(s)
        team0 = work_list(s, "team", org.teams[0].id, today=TODAY, rules=rules)
        officer0 = work_list(s, "officer", org.officers[0].id, today=TODAY, rules=rules)
        team1 = work_list(s, "team", org.teams[1].id, today=TODAY, rules=rules)
        officer1 = work_list(s, "officer", org.officers[1].id, today=TODAY, rules=rules)
        with pytest.raises(ValueError):
            work_list(s, "court", org.court.id, today=TODAY, rules=rules)
    assert c["other"].case_number not in {r["case_number"] for r in team0}
    assert [_key(r) for r in officer0] == [_key(r) for r in team0]
    assert [_key(r) for r in team1] == [_key(r) for r in officer1] == [
        ("node", c["other"].case_number, -8, "bad", False)]


def test_counts_match_the_list(engine: Engine) -> None:
    rules = _rules()
    with Session(engine) as s:
        org, _ = _seed(s)
        rows = work_list(s, "team", org.teams[0].id, today=TODAY, rules=rules)
        counts = work_counts(s, "team", org.teams[0].id, today=TODAY, rules=rules)
    assert set(counts) == set(WORK_KINDS)
    for kind in WORK_KINDS:
        mine = [r for r in rows if r["kind"] == kind]
        assert counts[kind]["open"] == sum(not r["stale"] for r in mine)
        assert counts[kind]["stale"] == sum(r["stale"] for r in mine)
        assert counts[kind]["overdue"] == sum(not r["stale"] and r["days_left"] < 0 for r in mine)
    assert counts["node"] == {"open": 2, "overdue": 1, "stale": 1}
