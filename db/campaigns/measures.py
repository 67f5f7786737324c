"""专项行动 (special actions): define one, and compute its live results from the case data."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, insert, literal, or_, select
from sqlalchemy.orm import Session

from db.base import table_of
from db.cases.vocab import CLOSING_METHODS
from db.errors import ValidationError
from db.models import Campaign, CampaignCase, Case, CaseEvent, Court, Payment, Team
from db.session import bump_data_version
from db.sqldates import local_day

COMPLETED_METHODS = tuple(k for k, m in CLOSING_METHODS.items() if m.completed)

# Result figures counted from events of these kinds on the target cases during the action.
EVENT_FIGURES: dict[str, tuple[str, str]] = {
    "evictions": ("eviction", "腾退"),
    "detentions": ("detention", "司法拘留"),
    "blacklisted": ("blacklist", "纳入失信"),
    "consumption_bans": ("consumption_ban", "限制高消费"),
    "dispatches": ("dispatch_110", "执行110派警"),
    "seizures": ("seizure", "查封"),
}


def create_campaign(
    session: Session, *, court_id: int, name: str, started_on: dt.date, ended_on: dt.date,
    description: str = "", case_ids: Iterable[int] = (), team_ids: Iterable[int] = (),
) -> int:
    """Define an action; its targets are the given cases plus the teams' cases open at its start."""
    if session.get(Court, court_id) is None:
        raise ValidationError(f"法院“{court_id}”不存在", field="court_id")
    if not name.strip():
        raise ValidationError("行动名称不能为空", field="name")
    if ended_on < started_on:
        raise ValidationError(f"结束日期 {ended_on} 早于开始日期 {started_on}", field="ended_on")
    targets = set(case_ids) | _team_cases(session, court_id, tuple(team_ids), started_on)
    _check_cases(session, court_id, targets)
    row = Campaign(court_id=court_id, name=name.strip(), started_on=started_on, ended_on=ended_on,
                   description=description)
    session.add(row)
    session.flush()
    if targets:
        session.execute(insert(table_of(CampaignCase)),
                        [{"campaign_id": row.id, "case_id": cid} for cid in sorted(targets)])
    bump_data_version(session)
    return row.id


def _team_cases(session: Session, court_id: int, team_ids: tuple[int, ...], day: dt.date) -> set[int]:
    if not team_ids:
        return set()
    known = set(session.scalars(select(Team.id).where(Team.id.in_(team_ids), Team.court_id == court_id)))
    missing = sorted(set(team_ids) - known)
    if missing:
        raise ValidationError(f"团队“{missing[0]}”不存在或不属于该法院", field="team_ids")
    open_then = or_(Case.closed_on.is_(None), Case.closed_on >= day)
    return set(session.scalars(
        select(Case.id).where(Case.team_id.in_(team_ids), Case.filed_on <= day, open_then)
    ))


def _check_cases(session: Session, court_id: int, case_ids: set[int]) -> None:
    if not case_ids:
        return
    found = set(session.scalars(select(Case.id).where(Case.id.in_(case_ids), Case.court_id == court_id)))
    missing = sorted(case_ids - found)
    if missing:
        raise ValidationError(f"案件“{missing[0]}”不存在或不属于该法院", field="case_ids")


def list_campaigns(session: Session, today: dt.date) -> list[dict[str, Any]]:
    """All actions with their dates, target count and whether they are running today."""
    targets = (
        select(CampaignCase.campaign_id, func.count().label("n"))
        .group_by(CampaignCase.campaign_id).subquery()
    )
    stmt = (
        select(Campaign, func.coalesce(targets.c.n, 0))
        .outerjoin(targets, targets.c.campaign_id == Campaign.id)
        .order_by(Campaign.started_on.desc(), Campaign.id.desc())
    )
    return [
        {"id": c.id, "name": c.name, "started_on": c.started_on, "ended_on": c.ended_on,
         "targets": int(n), "running": c.started_on <= today <= c.ended_on}
        for c, n in session.execute(stmt)
    ]


def campaign_results(
    session: Session, campaign_id: int, today: dt.date, *, offset_minutes: int = 480
) -> dict[str, Any]:
    """Live results of one action on its target cases, from its start to min(end, today)."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise ValidationError(f"专项行动“{campaign_id}”不存在", field="campaign_id")
    start, end = campaign.started_on, min(campaign.ended_on, today)
    targets = select(CampaignCase.case_id).where(CampaignCase.campaign_id == campaign_id)
    closed = and_(Case.closed_on >= start, Case.closed_on <= end)
    cases_row = session.execute(
        select(func.count(), func.sum(case((closed, 1), else_=0)),
               func.sum(case((and_(closed, Case.closing_method.in_(COMPLETED_METHODS)), 1), else_=0)))
        .where(Case.id.in_(targets))
    ).one()
    recovered = session.scalar(
        select(func.coalesce(func.sum(Payment.amount), literal(0)))
        .where(Payment.case_id.in_(targets), Payment.received_on >= start, Payment.received_on <= end)
    )
    day = local_day(CaseEvent.occurred_at, offset_minutes)
    kind_counts = dict(session.execute(
        select(CaseEvent.kind, func.count())
        .where(CaseEvent.case_id.in_(targets), day >= start, day <= end,
               CaseEvent.kind.in_([k for k, _ in EVENT_FIGURES.values()]))
        .group_by(CaseEvent.kind)
    ).all())
    return {
        "id": campaign.id, "name": campaign.name, "description": campaign.description,
        "started_on": start.isoformat(), "ended_on": campaign.ended_on.isoformat(),
        "as_of": end.isoformat(), "running": start <= today <= campaign.ended_on,
        "targets": int(cases_row[0]), "closed": int(cases_row[1] or 0), "completed": int(cases_row[2] or 0),
        "recovered": f"{Decimal(recovered or 0):.2f}",
        **{name: int(kind_counts.get(kind, 0)) for name, (kind, _) in EVENT_FIGURES.items()},
        "by_team": _by_team(session, targets, start, end),
    }


def _by_team(session: Session, targets: Any, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    closed = and_(Case.closed_on >= start, Case.closed_on <= end)
    stmt = (
        select(Case.team_id, Team.name, func.count(), func.sum(case((closed, 1), else_=0)),
               func.sum(case((and_(closed, Case.closing_method.in_(COMPLETED_METHODS)), 1), else_=0)))
        .outerjoin(Team, Team.id == Case.team_id)
        .where(Case.id.in_(targets))
        .group_by(Case.team_id, Team.name)
        .order_by(Case.team_id)
    )
    return [
        {"team_id": t, "name": name or "未分配", "targets": int(n), "closed": int(c or 0),
         "completed": int(done or 0)}
        for t, name, n, c, done in session.execute(stmt)
    ]
