"""A receipt paid out only in part keeps its unpaid remainder in 待发放案款 — in the
indicator, its drill-down list and the ageing bands alike (issue #15 §4); 3 databases."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from db.indicators import Period, compute, explain
from db.models import Payment
from db.nodes.ageing import payment_ageing
from db.session import make_session_factory, session_scope
from tests.db.snapshot_data import seed

END = dt.date(2026, 11, 30)


def test_unpaid_remainder_stays_pending(engine) -> None:
    with session_scope(make_session_factory(engine)) as session:
        made = seed(session)  # one unpaid receipt of 1,200,000.00 (received 11-05)
        case = made["cases"][0]
        session.add_all([
            # 1,000.00 received, 600.00 paid out on 11-10: 400.00 still to pay
            Payment(case_id=case.id, received_on=dt.date(2026, 11, 1), amount=Decimal("1000.00"),
                    paid_out_on=dt.date(2026, 11, 10), paid_amount=Decimal("600.00")),
            # fully paid: nothing pending
            Payment(case_id=case.id, received_on=dt.date(2026, 11, 2), amount=Decimal("50.00"),
                    paid_out_on=dt.date(2026, 11, 3), paid_amount=Decimal("50.00")),
            # paid in part only after the period: all of it pending at the end
            Payment(case_id=case.id, received_on=dt.date(2026, 11, 20), amount=Decimal("70.00"),
                    paid_out_on=dt.date(2026, 12, 5), paid_amount=Decimal("10.00")),
        ])
    with Session(engine) as session:
        period = Period(dt.date(2026, 11, 1), END)
        (court,) = compute(session, "court", period=period, compare=False,
                           keys=["pending_payout"])
        rows = explain(session, "pending_payout", "court", court["id"], period)["numerator"]
        ageing = payment_ageing(session, END)
        before = compute(session, "court", period=Period(dt.date(2026, 11, 1), dt.date(2026, 11, 9)),
                         compare=False, keys=["pending_payout"])[0]
    expected = Decimal("1200000.00") + Decimal("400.00") + Decimal("70.00")
    assert Decimal(court["indicators"]["pending_payout"]["value"]) == expected
    assert sum(Decimal(r["value"]) for r in rows) == expected and len(rows) == 3
    assert Decimal(ageing["amount"]) == expected and ageing["count"] == 3
    assert sum(Decimal(b["amount"]) for b in ageing["bands"]) == expected
    # before the partial payout the whole receipt was pending
    assert Decimal(before["indicators"]["pending_payout"]["value"]) == Decimal("1201000.00")
