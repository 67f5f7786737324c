"""The live feed (latest field events) and the running 专项行动 of a court."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from db.auth.masking import mask_text
from db.campaigns.measures import campaign_results
from db.cases.event_kinds import EVENT_KINDS
from db.models import Campaign, Case, CaseEvent, CaseParty, Officer, Team

FEED_SIZE = 50
FEED_KINDS = tuple(k for k, kind in EVENT_KINDS.items() if kind.feed)


def _local_iso(moment: dt.datetime, tz: dt.tzinfo) -> str:
    return moment.replace(tzinfo=dt.UTC).astimezone(tz).isoformat(timespec="seconds")


def _detail(text: str, amount: Any, kind: str) -> str:
    if amount is not None and EVENT_KINDS[kind].has_amount:
        money = f"金额 {amount:,.2f} 元"
        return f"{text}（{money}）" if text else money
    return text


FEED_WINDOW = dt.timedelta(days=7)  # a short index range first; all history only if too few


def _feed_rows(session: Session, court_id: int, size: int,
               since: dt.datetime | None, until: dt.datetime) -> list[Any]:
    actor = aliased(Officer)
    holder = aliased(Officer)
    actor_team = aliased(Team)
    # Who did it, with their own team: the event's officer (e.g. the center's bailiff on an
    # 执行110 call-out) with the team they belong to; else the case's holder and team. Never
    # the case's team paired with someone from another team.
    stmt = (
        select(CaseEvent.occurred_at, CaseEvent.kind, CaseEvent.detail, CaseEvent.amount,
               CaseEvent.case_id, Case.case_number,
               case((actor.id.is_not(None), actor_team.name), else_=Team.name).label("team"),
               func.coalesce(actor.name, holder.name).label("officer"))
        .join(Case, Case.id == CaseEvent.case_id)
        .outerjoin(Team, Team.id == Case.team_id)
        .outerjoin(actor, actor.id == CaseEvent.officer_id)
        .outerjoin(actor_team, actor_team.id == actor.team_id)
        .outerjoin(holder, holder.id == Case.officer_id)
        # nothing recorded for later than now (a demo day's or a skewed clock's future rows)
        .where(Case.court_id == court_id, CaseEvent.kind.in_(FEED_KINDS), CaseEvent.occurred_at <= until)
        .order_by(CaseEvent.occurred_at.desc(), CaseEvent.id.desc())
        .limit(size)
    )
    if since is not None:
        stmt = stmt.where(CaseEvent.occurred_at >= since)
    return list(session.execute(stmt))


def latest_feed(session: Session, court_id: int, *, tz: dt.tzinfo, size: int = FEED_SIZE,
                now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Return the court's latest feed events, newest first. The detail is masked HERE, at the
    source, with the case's own party names as well as the free-text rules (db.auth.masking):
    the snapshot (cached, shown on walls) never holds a party's name or number."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = _feed_rows(session, court_id, size, now - FEED_WINDOW, now)
    if len(rows) < size:
        rows = _feed_rows(session, court_id, size, None, now)
    names: dict[int, list[str]] = {}
    case_ids = sorted({r.case_id for r in rows})
    if case_ids:
        for case_id, name in session.execute(select(CaseParty.case_id, CaseParty.name)
                                             .where(CaseParty.case_id.in_(case_ids))):
            names.setdefault(case_id, []).append(name)
    return [
        {"at": _local_iso(r.occurred_at, tz), "kind": r.kind,
         "label": EVENT_KINDS[r.kind].label, "case_number": r.case_number,
         "team": r.team, "officer": r.officer,
         "detail": mask_text(_detail(r.detail, r.amount, r.kind), names.get(r.case_id, ()))}
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


def campaign_summary(session: Session, court_id: int, today: dt.date, *,
                     tz: dt.tzinfo = dt.UTC) -> dict[str, Any] | None:
    """The current campaign's results so far (db.campaigns.measures rules), or None when none."""
    camp = _campaign(session, court_id, today)
    if camp is None:
        return None
    noon = dt.datetime.combine(today, dt.time(12), tzinfo=tz)
    offset = int((noon.utcoffset() or dt.timedelta(0)).total_seconds() // 60)
    results = campaign_results(session, camp.id, today, offset_minutes=offset)
    return {**results, "start": camp.started_on.isoformat(), "end": camp.ended_on.isoformat(),
            "recovered": float(results["recovered"])}
