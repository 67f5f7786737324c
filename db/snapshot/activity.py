"""The live feed (latest field events) and the running 专项行动 of a court."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from db.event_kinds import EVENT_KINDS
from db.models import Campaign, CampaignCase, Case, CaseEvent, Officer, Payment, Team
from db.vocab import CLOSING_METHODS

FEED_SIZE = 50
FEED_KINDS = tuple(k for k, kind in EVENT_KINDS.items() if kind.feed)
COMPLETED_METHODS = tuple(k for k, m in CLOSING_METHODS.items() if m.completed)
# Event kinds counted by the campaign panel: output key -> event kind.
CAMPAIGN_EVENTS = {"evictions": "eviction", "detentions": "detention",
                   "blacklisted": "blacklist"}


def _local_iso(moment: dt.datetime, tz: dt.tzinfo) -> str:
    return moment.replace(tzinfo=dt.UTC).astimezone(tz).isoformat(timespec="seconds")


def _detail(text: str, amount: Any, kind: str) -> str:
    if amount is not None and EVENT_KINDS[kind].has_amount:
        money = f"金额 {amount:,.2f} 元"
        return f"{text}（{money}）" if text else money
    return text


def latest_feed(session: Session, court_id: int, *, tz: dt.tzinfo,
                size: int = FEED_SIZE) -> list[dict[str, Any]]:
    """Return the court's latest feed events, newest first."""
    actor = aliased(Officer)
    holder = aliased(Officer)
    rows = session.execute(
        select(CaseEvent.occurred_at, CaseEvent.kind, CaseEvent.detail, CaseEvent.amount,
               Case.case_number, Team.name.label("team"),
               func.coalesce(actor.name, holder.name).label("officer"))
        .join(Case, Case.id == CaseEvent.case_id)
        .outerjoin(Team, Team.id == Case.team_id)
        .outerjoin(actor, actor.id == CaseEvent.officer_id)
        .outerjoin(holder, holder.id == Case.officer_id)
        .where(Case.court_id == court_id, CaseEvent.kind.in_(FEED_KINDS))
        .order_by(CaseEvent.occurred_at.desc(), CaseEvent.id.desc())
        .limit(size)
    ).all()
    return [
        {"at": _local_iso(r.occurred_at, tz), "kind": r.kind,
         "label": EVENT_KINDS[r.kind].label, "case_number": r.case_number,
         "team": r.team, "officer": r.officer, "detail": _detail(r.detail, r.amount, r.kind)}
        for r in rows
    ]


def _campaign(session: Session, court_id: int, today: dt.date) -> Campaign | None:
    """The campaign running today, else the one that started most recently."""
    started = select(Campaign).where(Campaign.court_id == court_id,
                                     Campaign.started_on <= today)
    running = started.where(Campaign.ended_on >= today)
    order = (Campaign.started_on.desc(), Campaign.id.desc())
    return (session.scalars(running.order_by(*order).limit(1)).first()
            or session.scalars(started.order_by(*order).limit(1)).first())


def _utc_bounds(start: dt.date, end: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    def utc(day: dt.date) -> dt.datetime:
        local = dt.datetime.combine(day, dt.time(), tzinfo=tz)
        return local.astimezone(dt.UTC).replace(tzinfo=None)

    return utc(start), utc(end + dt.timedelta(days=1))


def campaign_summary(session: Session, court_id: int, today: dt.date, *,
                     tz: dt.tzinfo = dt.UTC) -> dict[str, Any] | None:
    """Return the current campaign's results so far, or None when the court has none."""
    camp = _campaign(session, court_id, today)
    if camp is None:
        return None
    end = min(camp.ended_on, today)
    targets = select(CampaignCase.case_id).where(CampaignCase.campaign_id == camp.id)
    in_campaign = Case.id.in_(targets)
    closed_in = and_(in_campaign, Case.closed_on.between(camp.started_on, end))
    closed, completed = session.execute(
        select(func.count(),
               # SUM(CASE) rather than FILTER: MariaDB has no aggregate FILTER clause
               func.coalesce(func.sum(case((Case.closing_method.in_(COMPLETED_METHODS), 1),
                                           else_=0)), 0))
        .where(closed_in)
    ).one()
    recovered = session.scalar(
        select(func.coalesce(func.sum(Payment.amount), 0))
        .where(Payment.case_id.in_(targets), Payment.received_on.between(camp.started_on, end))
    )
    lo, hi = _utc_bounds(camp.started_on, end, tz)
    counts = dict(session.execute(
        select(CaseEvent.kind, func.count())
        .where(CaseEvent.case_id.in_(targets), CaseEvent.kind.in_(CAMPAIGN_EVENTS.values()),
               CaseEvent.occurred_at >= lo, CaseEvent.occurred_at < hi)
        .group_by(CaseEvent.kind)
    ).all())
    return {"id": camp.id, "name": camp.name, "start": camp.started_on.isoformat(),
            "end": camp.ended_on.isoformat(), "closed": closed, "completed": int(completed),
            "recovered": float(recovered or 0),
            **{out: counts.get(kind, 0) for out, kind in CAMPAIGN_EVENTS.items()}}
