"""案款 ageing: money received but not yet paid out, by age band (count and amount)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from db.models import Case, Payment
from db.sqldates import datediff

DEFAULT_BANDS = (5, 10, 15, 30)


def _band_labels(bands: tuple[int, ...]) -> list[tuple[str, str]]:
    edges = [0, *bands]
    labels = [(f"{lo + 1 if lo else 0}-{hi}", f"{hi} 日内" if not lo else f"{lo + 1}–{hi} 日")
              for lo, hi in zip(edges, edges[1:], strict=False)]
    return labels + [(f">{bands[-1]}", f"超过 {bands[-1]} 日")]


def _band_expr(age: Any, bands: tuple[int, ...]) -> Any:
    labels = _band_labels(bands)
    whens = [(age <= hi, literal(labels[i][0])) for i, hi in enumerate(bands)]
    return case(*whens, else_=literal(labels[-1][0]))


def payment_ageing(
    session: Session,
    today: dt.date,
    *,
    bands: tuple[int, ...] = DEFAULT_BANDS,
    team_ids: tuple[int, ...] = (),
    court_id: int | None = None,
    court_ids: tuple[int, ...] = (),
) -> dict[str, Any]:
    """Money received but not paid out as of `today`, by age band (count and amount);
    `team_ids` / `court_id` / `court_ids` narrow it to those teams' / that court's / those
    courts' cases.

    The same rows and amounts as the 待发放案款 indicator (db/indicators/payments.py): money
    unpaid at `today`, plus the unpaid remainder of receipts paid out only in part."""
    age = datediff(literal(today), Payment.received_on)
    band = _band_expr(age, bands)
    paid = and_(Payment.paid_out_on.is_not(None), Payment.paid_out_on <= today)
    short = and_(Payment.paid_amount.is_not(None), Payment.paid_amount < Payment.amount)
    outstanding = case((paid, Payment.amount - Payment.paid_amount), else_=Payment.amount)
    stmt = (
        select(band.label("band"), func.count(), func.sum(outstanding), func.max(age))
        .where(Payment.received_on <= today, or_(~paid, short))
        .group_by(band)
    )
    if team_ids or court_id is not None or court_ids:  # the cases only to narrow by them
        stmt = stmt.join(Case, Case.id == Payment.case_id)
    if team_ids:
        stmt = stmt.where(Case.team_id.in_(team_ids))
    if court_id is not None:
        stmt = stmt.where(Case.court_id == court_id)
    if court_ids:
        stmt = stmt.where(Case.court_id.in_(court_ids))
    found = {key: (int(n), Decimal(total or 0), oldest) for key, n, total, oldest in session.execute(stmt)}
    rows = []
    for key, label in _band_labels(bands):
        n, total, _ = found.get(key, (0, Decimal(0), None))
        rows.append({"band": key, "label": label, "count": n, "amount": f"{total:.2f}"})
    all_total = sum((v[1] for v in found.values()), Decimal(0))
    oldest = max((v[2] for v in found.values() if v[2] is not None), default=None)
    return {
        "bands": rows,
        "count": sum(v[0] for v in found.values()),
        "amount": f"{all_total:.2f}",
        "oldest_days": int(oldest) if oldest is not None else None,
    }
