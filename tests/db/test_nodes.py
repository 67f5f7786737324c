"""Node statuses computed in SQL for every rule kind, on SQLite, PostgreSQL and MariaDB."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.models import CaseExtension, CasePause, Payment
from db.nodes.rules import RuleSet, load_rules
from db.nodes.sql import NodeFilter, node_rows
from tests.db.nodes_factory import D, add_event, make_case, make_org

TODAY = D(2024, 3, 20)


def statuses(session: Session, rules: RuleSet, today: Any = TODAY, **filters: Any) -> dict:
    """{(case_id, node, item_id): (status, deadline, days_left)} for the chosen nodes."""
    rows = node_rows(session, rules, today, NodeFilter(**filters))
    return {
        (r.case_id, r.node, r.item_id): (r.status, r.deadline, r.days_left)
        for r in session.execute(select(rows))
    }


def test_event_rule_from_receipt_all_statuses(engine: Engine) -> None:
    """执行通知 within 10 days of receipt (立案 if no receipt date): every status and day count."""
    rules = load_rules()
    with Session(engine) as s:
        org = make_org(s)
        on_time = make_case(s, org, D(2024, 3, 5), received_on=D(2024, 3, 1))
        add_event(s, on_time, "notice_issued", D(2024, 3, 8))
        late = make_case(s, org, D(2024, 3, 1))
        add_event(s, late, "notice_issued", D(2024, 3, 15))
        overdue = make_case(s, org, D(2024, 3, 5))
        add_event(s, overdue, "notice_issued", D(2024, 3, 4))  # before the start: ignored
        soon = make_case(s, org, D(2024, 3, 12), team=1)
        fresh = make_case(s, org, D(2024, 3, 19))
        lapsed = make_case(s, org, D(2024, 2, 1), closed_on=D(2024, 2, 20), closing_method="completed")
        keeper = make_case(s, org, D(2024, 2, 1), closed_on=D(2024, 2, 20), closing_method="completed")
        add_event(s, keeper, "notice_issued", D(2024, 2, 5))
        guarded = make_case(s, org, D(2024, 3, 12), category="preservation")
        future = make_case(s, org, D(2024, 3, 25))
        got = statuses(s, rules, nodes=("notice",))
    assert got[(on_time.id, "notice", None)] == ("done_on_time", D(2024, 3, 11), 3)
    assert got[(late.id, "notice", None)] == ("done_late", D(2024, 3, 11), -4)
    assert got[(overdue.id, "notice", None)] == ("overdue", D(2024, 3, 15), -5)
    assert got[(soon.id, "notice", None)] == ("due_soon", D(2024, 3, 22), 2)
    assert got[(fresh.id, "notice", None)] == ("not_due", D(2024, 3, 29), 9)
    assert got[(keeper.id, "notice", None)] == ("done_on_time", D(2024, 2, 11), 6)
    for absent in (lapsed, guarded, future):
        assert (absent.id, "notice", None) not in got
    assert len(got) == 6


def test_event_day_is_the_court_local_date(engine: Engine) -> None:
    """An event at 07:00 Beijing time (23:00 UTC the day before) counts on the local day."""
    rules = load_rules()
    with Session(engine) as s:
        org = make_org(s)
        early = make_case(s, org, D(2024, 3, 1))
        add_event(s, early, "notice_issued", D(2024, 3, 11), hour=7)
        midnight = make_case(s, org, D(2024, 3, 1))
        add_event(s, midnight, "notice_issued", D(2024, 3, 12), hour=1)
        got = statuses(s, rules, nodes=("notice",))
    assert got[(early.id, "notice", None)][0] == "done_on_time"
    assert got[(midnight.id, "notice", None)][:2] == ("done_late", D(2024, 3, 11))


def test_event_rule_started_by_an_event_and_month_limits(engine: Engine) -> None:
    """参考价 30 days after the first 查封; 财产调查 1 month, clamped to the month's end."""
    rules = load_rules()
    with Session(engine) as s:
        org = make_org(s)
        seized = make_case(s, org, D(2024, 1, 2))
        add_event(s, seized, "seizure", D(2024, 1, 10), expires_on=D(2027, 1, 9))
        add_event(s, seized, "seizure", D(2024, 2, 1), expires_on=D(2027, 1, 31))
        add_event(s, seized, "price_inquiry", D(2024, 2, 15))
        waiting = make_case(s, org, D(2024, 2, 1))
        add_event(s, waiting, "distraint", D(2024, 3, 1), expires_on=D(2026, 2, 28))
        no_seizure = make_case(s, org, D(2024, 2, 1))
        month_end = make_case(s, org, D(2024, 2, 2), received_on=D(2024, 1, 31))
        add_event(s, month_end, "online_query_result", D(2024, 2, 29))
        got = statuses(s, rules, nodes=("reference_price", "investigation"))
    assert got[(seized.id, "reference_price", None)] == ("done_late", D(2024, 2, 9), -6)
    assert got[(waiting.id, "reference_price", None)] == ("not_due", D(2024, 3, 31), 11)
    assert (no_seizure.id, "reference_price", None) not in got
    assert got[(month_end.id, "investigation", None)] == ("done_on_time", D(2024, 2, 29), 0)
    assert got[(no_seizure.id, "investigation", None)] == ("overdue", D(2024, 3, 1), -19)


def test_term_minus_pauses_plus_extensions(engine: Engine) -> None:
    """执行期限: 6 months (3 for 非诉) minus closed and open pauses plus approved extensions."""
    rules = load_rules()
    with Session(engine) as s:
        org = make_org(s)
        paused = make_case(s, org, D(2023, 8, 31))
        s.add(CasePause(case_id=paused.id, kind="appraisal", started_on=D(2024, 1, 1), ended_on=D(2024, 1, 21)))
        s.add(CaseExtension(case_id=paused.id, approved_on=D(2024, 2, 20), days=10))
        s.add(CaseExtension(case_id=paused.id, approved_on=D(2024, 3, 25), days=90))  # not yet approved
        nonlit = make_case(s, org, D(2023, 12, 15), non_litigation=True)
        still = make_case(s, org, D(2023, 9, 1))
        s.add(CasePause(case_id=still.id, kind="suspension", started_on=D(2024, 2, 1)))
        closed = make_case(s, org, D(2023, 6, 1), closed_on=D(2023, 10, 1), closing_method="completed")
        slow = make_case(s, org, D(2023, 1, 1), closed_on=D(2023, 7, 11), closing_method="terminated_this_round")
        left_open = make_case(s, org, D(2023, 1, 1), closed_on=D(2023, 7, 11), closing_method="completed")
        s.add(CasePause(case_id=left_open.id, kind="deferral", started_on=D(2023, 7, 1)))  # never ended
        s.add(CasePause(case_id=left_open.id, kind="auction", started_on=D(2023, 8, 1)))  # after closing
        s.flush()
        got = statuses(s, rules, nodes=("term",))
    assert got[(paused.id, "term", None)] == ("due_soon", D(2024, 3, 30), 10)
    assert got[(nonlit.id, "term", None)] == ("overdue", D(2024, 3, 15), -5)
    assert got[(still.id, "term", None)] == ("not_due", D(2024, 4, 18), 29)
    assert got[(closed.id, "term", None)] == ("done_on_time", D(2023, 12, 1), 61)
    assert got[(slow.id, "term", None)] == ("done_late", D(2023, 7, 1), -10)
    assert got[(left_open.id, "term", None)] == ("done_on_time", D(2023, 7, 11), 0)


def test_payment_disbursement_per_receipt(engine: Engine) -> None:
    """案款 30 days from 到账, one node per receipt, also on closed cases."""
    rules = load_rules()
    with Session(engine) as s:
        org = make_org(s)
        case_ = make_case(s, org, D(2024, 1, 2), closed_on=D(2024, 3, 1), closing_method="completed")
        unpaid = Payment(case_id=case_.id, received_on=D(2024, 2, 1), amount=1000)
        paid = Payment(case_id=case_.id, received_on=D(2024, 3, 1), amount=500,
                       paid_out_on=D(2024, 3, 10), paid_amount=500)
        recent = Payment(case_id=case_.id, received_on=D(2024, 3, 10), amount=20)
        later = Payment(case_id=case_.id, received_on=D(2024, 3, 1), amount=7, paid_out_on=D(2024, 4, 10))
        s.add_all([unpaid, paid, recent, later])
        s.flush()
        got = statuses(s, rules, nodes=("disbursement",))
    assert got[(case_.id, "disbursement", unpaid.id)] == ("overdue", D(2024, 3, 2), -18)
    assert got[(case_.id, "disbursement", paid.id)] == ("done_on_time", D(2024, 3, 31), 21)
    assert got[(case_.id, "disbursement", recent.id)] == ("not_due", D(2024, 4, 9), 20)
    assert got[(case_.id, "disbursement", later.id)][0] == "not_due"  # paid after "today"


def test_expiry_renewal_reminders(engine: Engine) -> None:
    """续封: warn 30 days before expires_on unless a renewal or release follows."""
    rules = load_rules()
    with Session(engine) as s:
        org = make_org(s)
        a = make_case(s, org, D(2023, 3, 1))
        freeze = add_event(s, a, "freeze", D(2023, 4, 1), expires_on=D(2024, 3, 31), amount="100.00")
        b = make_case(s, org, D(2021, 12, 1))
        seizure = add_event(s, b, "seizure", D(2022, 1, 1), expires_on=D(2024, 3, 1))
        renewal = add_event(s, b, "renewal", D(2024, 2, 20), expires_on=D(2027, 2, 19))
        c = make_case(s, org, D(2023, 3, 1), closed_on=D(2023, 12, 1), closing_method="terminated_this_round")
        lapsed = add_event(s, c, "freeze", D(2023, 3, 10), expires_on=D(2024, 3, 10))
        d = make_case(s, org, D(2022, 1, 1))
        released_late = add_event(s, d, "distraint", D(2022, 1, 5), expires_on=D(2024, 1, 4))
        add_event(s, d, "release", D(2024, 1, 8))
        done = make_case(s, org, D(2023, 3, 1), closed_on=D(2023, 12, 1), closing_method="completed")
        forgotten = add_event(s, done, "freeze", D(2023, 3, 10), expires_on=D(2024, 3, 10))
        got = statuses(s, rules, nodes=("renewal",))
    assert got[(a.id, "renewal", freeze.id)] == ("due_soon", D(2024, 3, 31), 11)
    assert got[(b.id, "renewal", seizure.id)] == ("done_on_time", D(2024, 3, 1), 10)
    assert got[(b.id, "renewal", renewal.id)] == ("not_due", D(2027, 2, 19), 1066)
    assert got[(c.id, "renewal", lapsed.id)] == ("overdue", D(2024, 3, 10), -10)
    assert got[(d.id, "renewal", released_late.id)] == ("done_late", D(2024, 1, 4), -4)
    assert (done.id, "renewal", forgotten.id) not in got  # only 终本 cases are watched after closing
