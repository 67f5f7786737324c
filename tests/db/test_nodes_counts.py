"""Per team/officer node counts, the snapshot summary, action lists and warning views."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.models import Payment
from db.nodes.ageing import payment_ageing
from db.nodes.counts import node_counts, node_list, node_summary
from db.nodes.rules import load_rules
from db.nodes.sql import NodeFilter
from db.nodes.views import renewal_reminders
from tests.db.nodes_factory import D, add_event, make_case, make_org

TODAY = D(2024, 3, 20)


def _two_rules():
    rules = load_rules()
    return replace(rules, nodes=(rules.get("notice"), rules.get("disbursement")))


def _seed(s: Session):
    org = make_org(s)
    c1 = make_case(s, org, D(2024, 3, 1))
    c2 = make_case(s, org, D(2024, 3, 18))
    s.add(Payment(case_id=c2.id, received_on=D(2024, 2, 1), amount=1000))
    c3 = make_case(s, org, D(2024, 2, 1), closed_on=D(2024, 3, 1), closing_method="completed")
    add_event(s, c3, "notice_issued", D(2024, 2, 3))
    c4 = make_case(s, org, D(2024, 3, 12), team=1)
    c5 = make_case(s, org, D(2024, 3, 5), team=1)
    add_event(s, c5, "notice_issued", D(2024, 3, 16))
    s.flush()
    return org, (c1, c2, c3, c4, c5)


def test_node_counts_per_team_officer_and_court(engine: Engine) -> None:
    """节点超期数 and 关键节点平均超期数 (overdue nodes / open cases) per unit."""
    rules = _two_rules()
    with Session(engine) as s:
        org, _ = _seed(s)
        teams = node_counts(s, "team", None, TODAY, rules)
        officers = node_counts(s, "officer", None, TODAY, rules)
        court = node_counts(s, "court", None, TODAY, rules)
        only = node_counts(s, "team", [org.teams[1].id], TODAY, rules)
    t0, t1 = teams[org.teams[0].id], teams[org.teams[1].id]
    assert (t0["overdue"], t0["overdue_days"], t0["not_due"], t0["done_on_time"]) == (2, 27, 1, 1)
    assert (t0["open_cases"], t0["avg_overdue"]) == (2, 1.0)
    assert (t1["due_soon"], t1["done_late"], t1["overdue"], t1["open_cases"]) == (1, 1, 0, 2)
    assert officers[org.officers[0].id] == t0
    assert court[org.court.id]["overdue"] == 2 and court[org.court.id]["avg_overdue"] == 0.5
    assert list(only) == [org.teams[1].id] and only[org.teams[1].id] == t1


def test_node_summary_shape_is_json(engine: Engine) -> None:
    """The snapshot's "nodes" field: totals, by node, by team, 案款 bands and 督办 counts."""
    rules = _two_rules()
    with Session(engine) as s:
        org, _ = _seed(s)
        old = make_case(s, org, D(2022, 1, 3), closed_on=D(2023, 3, 1), closing_method="completed")
        add_event(s, old, "notice_issued", D(2022, 1, 4))  # closed over a year ago: not summarised
        s.add(Payment(case_id=old.id, received_on=D(2023, 2, 1), amount=5))  # unpaid: still counts
        summary = node_summary(s, TODAY, rules)
    json.dumps(summary, ensure_ascii=False)
    assert summary["as_of"] == "2024-03-20" and summary["rules"] == rules.digest()
    assert summary["totals"] == {"overdue": 3, "due_soon": 1, "not_due": 1, "done_late": 1, "done_on_time": 1}
    assert summary["window_days"] == 365
    notice = next(n for n in summary["by_node"] if n["key"] == "notice")
    assert (notice["name"], notice["overdue"], notice["due_soon"], notice["done_late"]) == ("发出执行通知书", 1, 1, 1)
    team0 = next(t for t in summary["by_team"] if t["team_id"] == org.teams[0].id)
    assert (team0["name"], team0["overdue"], team0["open_cases"], team0["avg_overdue"]) == ("简案团队", 3, 2, 1.5)
    assert summary["payments"]["count"] == 2 and summary["payments"]["amount"] == "1005.00"
    assert summary["supervision"]["open"] == 0


def test_node_list_most_urgent_first(engine: Engine) -> None:
    rules = _two_rules()
    with Session(engine) as s:
        org, (c1, c2, _, c4, _) = _seed(s)
        rows = node_list(s, TODAY, rules)
        team1 = node_list(s, TODAY, rules, filters=NodeFilter(team_ids=(org.teams[1].id,)), statuses=())
    assert [(r["case_id"], r["node"], r["status"], r["days_left"]) for r in rows] == [
        (c2.id, "disbursement", "overdue", -18),
        (c1.id, "notice", "overdue", -9),
        (c4.id, "notice", "due_soon", 2),
    ]
    assert rows[0]["case_number"] == c2.case_number and rows[0]["team_name"] == "简案团队"
    assert rows[1]["node_name"] == "发出执行通知书" and rows[1]["status_label"] == "超期未完成"
    assert [r["status"] for r in team1] == ["due_soon", "done_late"]


def test_renewal_reminders_and_payment_ageing(engine: Engine) -> None:
    """续封 reminders list unrenewed measures; 案款 ageing bands over 5/10/15/30 days."""
    rules = load_rules()
    with Session(engine) as s:
        org = make_org(s)
        c = make_case(s, org, D(2023, 1, 5))
        freeze = add_event(s, c, "freeze", D(2023, 4, 1), expires_on=D(2024, 3, 31))
        add_event(s, c, "seizure", D(2023, 4, 1), expires_on=D(2026, 3, 31))
        ages = {3: "1.00", 7: "2.00", 12: "4.00", 20: "8.00", 48: "16.00", 49: "32.00"}
        for age, amount in ages.items():
            s.add(Payment(case_id=c.id, received_on=TODAY - dt.timedelta(days=age), amount=Decimal(amount)))
        s.add(Payment(case_id=c.id, received_on=D(2024, 3, 1), amount=99, paid_out_on=D(2024, 3, 5)))
        s.flush()
        reminders = renewal_reminders(s, TODAY, rules)
        ageing = payment_ageing(s, TODAY)
        team_only = payment_ageing(s, TODAY, team_ids=(org.teams[1].id,))
        # the unnarrowed read has no join to the cases: the same as narrowed to their court
        court = payment_ageing(s, TODAY, court_id=c.court_id)
        courts = payment_ageing(s, TODAY, court_ids=(c.court_id,))
        elsewhere = payment_ageing(s, TODAY, court_ids=(c.court_id + 1000,))
    assert court == courts == ageing and elsewhere["count"] == 0
    assert [(r["item_id"], r["measure_label"], r["status"]) for r in reminders] == [(freeze.id, "冻结", "due_soon")]
    assert [(b["band"], b["count"], b["amount"]) for b in ageing["bands"]] == [
        ("0-5", 1, "1.00"), ("6-10", 1, "2.00"), ("11-15", 1, "4.00"), ("16-30", 1, "8.00"), (">30", 2, "48.00"),
    ]
    assert (ageing["count"], ageing["amount"], ageing["oldest_days"]) == (6, "63.00", 49)
    assert team_only["count"] == 0
