"""The demo 督办: seeded with the demo users (ensure_demo_users, as seed-demo and run do), every
status present, each order's steps a legal walk through db.supervision.orders's transitions, answers by
the demo users who hold the work, targets that really were overdue or due soon, deterministic,
and nothing but supervision rows written. Seeded once per backend."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.base import Base
from db.demo.supervision import WINDOW_DAYS, demo_today, seed_demo_supervision
from db.demo.users import DEMO_USERS, ensure_demo_users
from db.models import SupervisionOrder, SupervisionStep, User
from db.nodes.builders import NodeFilter
from db.nodes.rules import load_rules
from db.nodes.sql import node_rows
from db.supervision import orders as sv
from tests.backends import BACKENDS
from tests.db.nodes_factory import demo_court

TODAY = dt.date(2022, 11, 30)
OFFSET = dt.timedelta(hours=8)
USERNAMES = {d.role: d.username for d in DEMO_USERS}


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request: pytest.FixtureRequest, migrated_urls: dict[str, str]) -> Iterator[Engine]:
    yield from demo_court(migrated_urls[request.param], TODAY, with_users=True)


def _orders(s: Session) -> list[dict]:
    return sorted(sv.list_orders(s, TODAY, limit=1000), key=lambda o: o["id"])


def _users(s: Session) -> dict[str, User]:
    return {u.username: u for u in s.scalars(select(User))}


def test_every_status_is_present_in_a_realistic_handful(demo: Engine) -> None:
    with Session(demo) as s:
        assert demo_today(s) == TODAY
        counts = sv.status_counts(s, TODAY)
        orders = _orders(s)
        center = _users(s)["center"]
        stats = sv.team_stats(s, TODAY)
    assert 10 <= len(orders) <= 20
    assert all(counts[key] >= 1 for key in sv.ORDER_STATUSES), counts
    # the stored status agrees with the live one: the sweep has recorded every 逾期
    assert all(o["status"] == o["stored_status"] for o in orders)
    assert {o["target_kind"] for o in orders} == set(sv.TARGET_KINDS)
    assert all(o["issued_by"] == center.id for o in orders)
    first = dt.datetime.combine(TODAY - dt.timedelta(days=WINDOW_DAYS), dt.time()) - OFFSET
    assert all(first <= o["issued_at"] < dt.datetime.combine(TODAY, dt.time()) - OFFSET for o in orders)
    # 已办结 both on time (answered by the due date) and late
    closed = sum(t["closed"] for t in stats)
    on_time = sum(t["closed_on_time"] for t in stats)
    assert 0 < on_time < closed == counts["closed"]


def test_step_history_is_a_legal_walk(demo: Engine) -> None:
    """Every step follows a transition from the status before it; the last one is the order's."""
    reachable = {(src, t.target) for t in sv.TRANSITIONS.values() for src in t.sources}
    with Session(demo) as s:
        users = _users(s)
        center = users["center"]
        for order in _orders(s):
            steps = sv.order_steps(s, order["id"])
            assert steps[0]["status"] == "issued" and steps[0]["actor_id"] == center.id
            assert steps[0]["at"] == order["issued_at"] and steps[0]["action_label"] == "下发"
            assert [st["at"] for st in steps] == sorted(st["at"] for st in steps)
            for before, step in zip(steps, steps[1:], strict=False):
                assert (before["status"], step["status"]) in reachable, (order["id"], before, step)
                if step["status"] == "overdue":  # recorded by the sweep after the due date passed
                    assert step["actor_id"] is None and step["note"] == sv.SWEEP_NOTE
                    assert (step["at"] + OFFSET).date() > order["due_on"]
                elif step["status"] in ("closed", "issued"):  # 办结 / 退回重办: the command center
                    assert step["actor_id"] == center.id and step["note"]
                else:
                    assert step["note"]
            assert steps[-1]["status"] == order["stored_status"]
            answered = [st for st in steps if st["status"] == "answered"]
            assert answered or order["status"] in ("issued", "overdue")
            if answered:  # a first 反馈 after the due date comes after the sweep's 逾期, and only then
                late = (answered[0]["at"] + OFFSET).date() > order["due_on"]
                assert late == any(st["status"] == "overdue" for st in steps), order


def test_answers_come_from_the_demo_users_who_hold_the_work(demo: Engine) -> None:
    with Session(demo) as s:
        users = _users(s)
        lead, officer, center = users["lead"], users["officer"], users["center"]
        by: Counter = Counter()
        for order in _orders(s):
            for step in sv.order_steps(s, order["id"]):
                if step["status"] != "answered":
                    continue
                if order["officer_id"] is not None and order["officer_id"] == officer.officer_id:
                    expected = officer.id
                elif order["team_id"] == lead.team_id:
                    expected = lead.id
                else:
                    expected = center.id
                assert step["actor_id"] == expected, (order, step)
                by[step["actor_id"]] += 1
    assert by[officer.id] >= 1 and by[lead.id] >= 1 and by[center.id] >= 1


def test_node_orders_target_nodes_that_were_late_or_due_soon(demo: Engine) -> None:
    with Session(demo) as s:
        orders = [o for o in _orders(s) if o["target_kind"] == "node"]
        rows = node_rows(s, load_rules(), TODAY, NodeFilter(case_ids=tuple(o["case_id"] for o in orders)))
        found = s.execute(select(rows)).all()
    assert len(orders) >= 10

    def was_late_or_due_soon(row, issued_on: dt.date) -> bool:
        """Still open or done after the order; past its deadline at issue, or due soon now."""
        return ((row.done_on is None or row.done_on > issued_on)
                and row.status in ("overdue", "due_soon", "done_late")
                and (row.deadline < issued_on or row.status == "due_soon"))

    for order in orders:
        issued_on = (order["issued_at"] + OFFSET).date()
        nodes = [r for r in found if (r.case_id, r.node) == (order["case_id"], order["node_key"])]
        assert any(was_late_or_due_soon(r, issued_on) for r in nodes), (order, nodes)


def test_deterministic_once_only_and_writes_nothing_else(demo: Engine) -> None:
    def fingerprint(s: Session) -> list[tuple]:
        return [(o["target_kind"], o["case_id"], o["node_key"], o["team_id"], o["officer_id"], o["subject"],
                 o["due_on"], o["issued_at"], o["status"],
                 tuple((st["status"], st["at"], st["actor_id"], st["note"]) for st in sv.order_steps(s, o["id"])))
                for o in _orders(s)]

    def table_counts(s: Session) -> dict[str, int]:
        return {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables
                if not t.name.startswith("supervision_") and t.name != "data_state"}

    with demo.connect() as conn:
        outer = conn.begin()
        s = Session(bind=conn, join_transaction_mode="create_savepoint")
        try:
            before = fingerprint(s)
            assert seed_demo_supervision(s, USERNAMES, today=TODAY) == {}  # once only
            assert ensure_demo_users(s) == []
            s.execute(delete(SupervisionStep))
            s.execute(delete(SupervisionOrder))
            rows = table_counts(s)
            again = seed_demo_supervision(s, USERNAMES, today=TODAY)
            assert again["open"] >= 1 and table_counts(s) == rows
            assert fingerprint(s) == before
        finally:
            s.close()
            outer.rollback()
