"""Money is exact on every database up to one documented limit, and refused above it (issue
#15 §4): SQLite stores NUMERIC as a float, so the limit is what it keeps exactly."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from db.base import MAX_MONEY, MoneyLimitError
from db.cases.input import _money
from db.errors import ValidationError
from db.indicators import Period, compute
from db.models import Case, Payment
from db.session import make_session_factory, session_scope
from tests.db.snapshot_data import seed


def test_the_largest_amount_reads_back_and_sums_exactly(engine) -> None:
    with session_scope(make_session_factory(engine)) as session:
        made = seed(session)
        for case in made["cases"][:3]:
            case.target_amount = MAX_MONEY
            case.recovered_amount = Decimal("1234567890123.45")
        session.add(Payment(case_id=made["cases"][0].id, received_on=dt.date(2026, 5, 2),
                            amount=MAX_MONEY))
    with Session(engine) as session:
        stored = session.scalars(select(Case.target_amount).order_by(Case.id)).all()
        paid = session.scalars(select(Payment.amount).where(Payment.amount == MAX_MONEY)).all()
        assert stored[:3] == [MAX_MONEY] * 3 and paid == [MAX_MONEY]
        # the one closed 首执/执恢 case of 2026 before November carries the largest amount
        (court,) = compute(session, "court", period=Period.parse("2026-01-01:2026-10-31"),
                           compare=False, keys=["recovery_rate", "pending_payout"])
    assert court["indicators"]["recovery_rate"]["denominator"] == str(MAX_MONEY)
    assert court["indicators"]["recovery_rate"]["numerator"] == "1234567890123.45"
    assert Decimal(court["indicators"]["pending_payout"]["value"]) >= MAX_MONEY


def test_amounts_above_the_limit_are_refused_with_a_chinese_message(engine) -> None:
    with pytest.raises(ValidationError, match="超过上限 9,999,999,999,999.99 元"):
        _money("10000000000000.00", "申请执行标的金额", "target_amount")
    assert _money(str(MAX_MONEY), "申请执行标的金额", "target_amount") == MAX_MONEY
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        made = seed(session)
        case_id = made["cases"][0].id
    with pytest.raises(StatementError) as caught, session_scope(sessions) as session:
        session.get(Case, case_id).target_amount = Decimal("9999999999999999.99")
    assert isinstance(caught.value.orig, MoneyLimitError) and "超过上限" in str(caught.value.orig)
    with Session(engine) as session:  # nothing written half-way
        assert session.get(Case, case_id).target_amount == Decimal("0.00")
