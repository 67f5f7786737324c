"""A campaign's measures, counted in SQL, and the one report the page, the wall and the 战报 share.

Every measure is ONE row set (``measure_rows``): the cases, payments or events behind it, each
row with its case, its local day, its amount and the team/officer it is credited to. The value
is the row count (or the sum of the amounts for money), the explain list is the row set itself,
and the daily trend and the rankings are the same rows grouped by day, team and officer — all in
one grouped SELECT per measure, so every figure of a campaign adds up to its total.

Boundaries (docs/campaigns.md): the period is ``started_on`` .. ``ended_on`` inclusive, by the
court's local day, cut at the as-of day while running. A case is in scope by db.campaigns.scope;
a case in two campaigns counts in both.

* 执结案件数 (``closed``): cases in scope with 结案日期 in the period, credited to the holder at
  结案 (``closed_team_id``/``closed_officer_id``); 执行完毕 (``completed``) the same narrowed
  to completed closing methods.
* 执行到位金额 (``recovered``): payments of cases in scope with 到账日期 in the period (sum).
* 案款发放 (``disbursed``): payments with 发放日期 in the period (sum of 发放金额, else 到账金额).
* event counts (拘留, 罚款, 纳入失信, 限制高消费, 搜查, 集中清场, 拒执移送): events of that kind on
  cases in scope whose local day (``occurred_at`` + the court's UTC offset) is in the period.
Payments and events are credited to the case's current holder.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from db.auth.masking import mask_text
from db.base import Money
from db.campaigns.indicators import (
    PREFIX,
    explain_rows,
    indicator_figures,
    indicator_targets,
)
from db.campaigns.scope import Scope, case_condition, has_case_list, stored_scope
from db.cases.event_kinds import EVENT_KINDS
from db.cases.vocab import CLOSING_METHODS
from db.errors import ValidationError
from db.indicators.settings import IndicatorSettings
from db.models import (
    Campaign,
    CampaignCase,
    Case,
    CaseEvent,
    CaseParty,
    Officer,
    Payment,
    Team,
)
from db.sqldates import local_day

COMPLETED_METHODS = tuple(k for k, m in CLOSING_METHODS.items() if m.completed)


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str  # 件 次 人次 元
    source: str  # closed | received | disbursed | event
    event_kind: str = ""

    @property
    def money(self) -> bool:
        return self.unit == "元"


MEASURES: dict[str, Measure] = {m.key: m for m in (
    Measure("closed", "执结案件数", "件", "closed"),
    Measure("completed", "执行完毕", "件", "completed"),
    Measure("recovered", "执行到位金额", "元", "received"),
    Measure("disbursed", "案款发放", "元", "disbursed"),
    Measure("detention", "司法拘留", "人次", "event", "detention"),
    Measure("fine", "罚款", "次", "event", "fine"),
    Measure("blacklist", "纳入失信", "人次", "event", "blacklist"),
    Measure("consumption_ban", "限制高消费", "人次", "event", "consumption_ban"),
    Measure("search", "搜查", "次", "event", "search"),
    Measure("eviction", "集中清场", "次", "event", "eviction"),
    Measure("refusal_referral", "拒执移送", "件", "event", "refusal_referral"),
)}
SANCTION_KEYS = ("detention", "fine", "blacklist", "consumption_ban", "search", "eviction", "refusal_referral")
# kinds shown in the campaign's event list (the field events of the feed plus the sanctions)
EVENT_LIST_KINDS = tuple(sorted({k for k, kind in EVENT_KINDS.items() if kind.feed}
                                | {m.event_kind for m in MEASURES.values() if m.event_kind}))
EVENT_LIST_SIZE = 30
RANKING_SIZE = 10


@dataclass(frozen=True)
class Window:
    """What one computation counts: the campaign, its scope condition and its days."""

    campaign: Campaign
    scope: Scope
    start: dt.date
    end: dt.date  # min(ended_on, as-of day); before start while planned
    offset_minutes: int


def status_of(campaign: Campaign, today: dt.date) -> str:
    """planned / running / finished by the court's local day."""
    if today < campaign.started_on:
        return "planned"
    return "running" if today <= campaign.ended_on else "finished"


STATUS_LABELS = {"planned": "未开始", "running": "进行中", "finished": "已结束"}


def window(session: Session, campaign_id: int, today: dt.date, offset_minutes: int) -> Window:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise ValidationError(f"专项行动“{campaign_id}”不存在", field="campaign_id")
    return Window(campaign, stored_scope(campaign), campaign.started_on,
                  min(campaign.ended_on, today), offset_minutes)


def measure_rows(session: Session, win: Window, measure: Measure) -> Any:
    """The rows behind one measure: case_id, case_number, day, amount, ref, team_id, officer_id."""
    in_scope = case_condition(session, win.campaign)
    if measure.source in ("closed", "completed"):
        cond = [in_scope, Case.closed_on >= win.start, Case.closed_on <= win.end]
        if measure.source == "completed":
            cond.append(Case.closing_method.in_(COMPLETED_METHODS))
        return select(Case.id.label("case_id"), Case.case_number, Case.closed_on.label("day"),
                      cast(literal(None), Money).label("amount"), Case.id.label("ref"),
                      func.coalesce(Case.closed_team_id, Case.team_id).label("team_id"),
                      func.coalesce(Case.closed_officer_id, Case.officer_id).label("officer_id")
                      ).where(*cond)
    if measure.source in ("received", "disbursed"):
        day = Payment.received_on if measure.source == "received" else Payment.paid_out_on
        amount = Payment.amount if measure.source == "received" else func.coalesce(Payment.paid_amount,
                                                                                    Payment.amount)
        return (select(Payment.case_id, Case.case_number, day.label("day"), amount.label("amount"),
                       Payment.id.label("ref"), Case.team_id, Case.officer_id)
                .join(Case, Case.id == Payment.case_id)
                .where(in_scope, day >= win.start, day <= win.end))
    local = local_day(CaseEvent.occurred_at, win.offset_minutes)
    return (select(CaseEvent.case_id, Case.case_number, local.label("day"), CaseEvent.amount.label("amount"),
                   CaseEvent.id.label("ref"), Case.team_id, Case.officer_id)
            .join(Case, Case.id == CaseEvent.case_id)
            .where(in_scope, CaseEvent.kind == measure.event_kind, *utc_bounds(win)))


def utc_bounds(win: Window) -> tuple[Any, Any]:
    """The period's local days as a UTC range on `occurred_at` (index-friendly, exact): from the
    first day's local midnight up to, not including, the local midnight after the last day."""
    shift = dt.timedelta(minutes=win.offset_minutes)
    first = dt.datetime.combine(win.start, dt.time()) - shift
    after = dt.datetime.combine(win.end + dt.timedelta(days=1), dt.time()) - shift
    return CaseEvent.occurred_at >= first, CaseEvent.occurred_at < after


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]


def _number(measure: Measure, count: Any, total: Any) -> float | int:
    if measure.money:
        return float(Decimal(total or 0).quantize(Decimal("0.01")))
    return int(count or 0)


def grouped(session: Session, win: Window, measure: Measure) -> list[tuple[str, int | None, int | None, Any]]:
    """(day, team_id, officer_id, value) of one measure: one grouped SELECT over its rows."""
    if win.end < win.start:
        return []
    rows = measure_rows(session, win, measure).subquery()
    stmt = (select(rows.c.day, rows.c.team_id, rows.c.officer_id, func.count(), func.sum(rows.c.amount))
            .group_by(rows.c.day, rows.c.team_id, rows.c.officer_id))
    return [(_day(d), t, o, _number(measure, n, s)) for d, t, o, n, s in session.execute(stmt)]


def grouped_all(session: Session, win: Window) -> dict[str, list[tuple[str, int | None, int | None, Any]]]:
    """`grouped` for every measure (one grouped SELECT each)."""
    return {m.key: grouped(session, win, m) for m in MEASURES.values()}


def explain(session: Session, campaign_id: int, key: str, today: dt.date, *,
            offset_minutes: int = 480) -> list[dict[str, Any]]:
    """The cases/payments/events behind measure `key`: their count (or amount sum) is the value."""
    if key not in MEASURES:
        raise ValidationError(f"指标“{key}”不是专项行动的统计项", field="measure")
    win = window(session, campaign_id, today, offset_minutes)
    if win.end < win.start:
        return []
    rows = measure_rows(session, win, MEASURES[key]).subquery()
    stmt = select(rows).order_by(rows.c.day, rows.c.ref)
    return [{"case_id": r.case_id, "case_number": r.case_number, "day": _day(r.day),
             "amount": None if r.amount is None else float(r.amount), "ref": r.ref,
             "team_id": r.team_id, "officer_id": r.officer_id}
            for r in session.execute(stmt)]


def explain_indicator(session: Session, campaign_id: int, key: str, today: dt.date, *,
                      settings: IndicatorSettings | None = None) -> dict[str, list[dict[str, Any]]]:
    """The cases behind a targeted registry indicator (``ind.<key>`` or ``<key>``) over the scope
    and the period so far: {"numerator": rows, "denominator": rows}, as the engine's explain."""
    win = window(session, campaign_id, today, 0)
    return explain_rows(session, win.campaign, key.removeprefix(PREFIX), win.start, win.end, settings)


def _add(into: dict[Any, float | int], key: Any, value: float | int) -> None:
    into[key] = round(into.get(key, 0) + value, 2)


def measure_values(session: Session, campaign_id: int, today: dt.date, *,
                   offset_minutes: int = 480) -> dict[str, float | int]:
    """Every measure's value for the period so far."""
    win = window(session, campaign_id, today, offset_minutes)
    out: dict[str, float | int] = {}
    parts = grouped_all(session, win)
    for measure in MEASURES.values():
        out[measure.key] = 0.0 if measure.money else 0
        for _d, _t, _o, value in parts[measure.key]:
            _add(out, measure.key, value)
    return out


def _names(session: Session, model: Any, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return dict(session.execute(select(model.id, model.name).where(model.id.in_(wanted))).all())


def _days(start: dt.date, end: dt.date) -> list[str]:
    return [(start + dt.timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


def time_progress(campaign: Campaign, today: dt.date) -> float:
    """Share of the campaign's days that have begun (today counts), 0..1."""
    total = (campaign.ended_on - campaign.started_on).days + 1
    passed = (min(today, campaign.ended_on) - campaign.started_on).days + 1
    return max(0.0, min(1.0, passed / total))


def targets_of(campaign: Campaign) -> dict[str, float]:
    raw = json.loads(campaign.targets) if campaign.targets else {}
    return {k: float(v) for k, v in raw.items() if k in MEASURES and v not in (None, "")}


def indicator_targets_of(campaign: Campaign) -> dict[str, float]:
    """{registry indicator key: target} (db.campaigns.indicators)."""
    return indicator_targets(json.loads(campaign.targets) if campaign.targets else {})


def _rank(rows: dict[int | None, dict[str, float | int]], names: dict[int, str],
          limit: int | None) -> list[dict[str, Any]]:
    ranked = sorted(rows.items(), key=lambda kv: (-kv[1].get("closed", 0), -kv[1].get("recovered", 0),
                                                   names.get(kv[0] or 0, "")))
    out = []
    for place, (key, values) in enumerate(ranked[:limit] if limit else ranked, start=1):
        sanctions = sum(values.get(k, 0) for k in SANCTION_KEYS)
        out.append({"rank": place, "id": key, "name": names.get(key or 0, "未分配"), **values,
                    "sanctions": int(sanctions)})
    return out


EVENT_CHUNK = 500


def _latest_in_scope(session: Session, win: Window, now: dt.datetime) -> list[Any]:
    """The newest EVENT_LIST_SIZE listed events of cases in scope. Read newest first in chunks
    by time alone (the occurred_at index), each chunk narrowed to the scope by its case ids: a
    join would let a planner walk every case of the court first."""
    in_scope = case_condition(session, win.campaign)
    found: list[Any] = []
    before: tuple[dt.datetime, int] | None = None
    while len(found) < EVENT_LIST_SIZE:
        stmt = (select(CaseEvent.id, CaseEvent.occurred_at, CaseEvent.kind, CaseEvent.detail, CaseEvent.case_id)
                .where(CaseEvent.kind.in_(EVENT_LIST_KINDS), *utc_bounds(win), CaseEvent.occurred_at <= now)
                .order_by(CaseEvent.occurred_at.desc(), CaseEvent.id.desc()).limit(EVENT_CHUNK))
        if before is not None:
            stmt = stmt.where(or_(CaseEvent.occurred_at < before[0],
                                  and_(CaseEvent.occurred_at == before[0], CaseEvent.id < before[1])))
        chunk = list(session.execute(stmt))
        if not chunk:
            break
        ids = {r.case_id for r in chunk}
        cases = {r.id: r for r in session.execute(
            select(Case.id, Case.case_number, Team.name.label("team")).outerjoin(Team, Team.id == Case.team_id)
            .where(Case.id.in_(ids), in_scope))}
        found += [(r, cases[r.case_id]) for r in chunk if r.case_id in cases]
        before = (chunk[-1].occurred_at, chunk[-1].id)
        if len(chunk) < EVENT_CHUNK:
            break
    return found[:EVENT_LIST_SIZE]


def _events(session: Session, win: Window, tz: dt.tzinfo) -> list[dict[str, Any]]:
    """The campaign's latest field events (masked at the source, like the wall's feed); nothing
    recorded for later than now (a demo day's or a skewed clock's future rows)."""
    if win.end < win.start:
        return []
    rows = _latest_in_scope(session, win, dt.datetime.now(dt.UTC).replace(tzinfo=None))
    names: dict[int, list[str]] = {}
    if rows:
        for cid, name in session.execute(select(CaseParty.case_id, CaseParty.name)
                                         .where(CaseParty.case_id.in_({e.case_id for e, _c in rows}))):
            names.setdefault(cid, []).append(name)
    return [{"at": e.occurred_at.replace(tzinfo=dt.UTC).astimezone(tz).strftime("%Y-%m-%d %H:%M"),
             "kind": e.kind, "label": EVENT_KINDS[e.kind].label, "case_number": c.case_number,
             "team": c.team or "", "detail": mask_text(e.detail or "", names.get(e.case_id, ()))}
            for e, c in rows]


def _scope_size(session: Session, win: Window) -> int:
    return int(session.scalar(select(func.count()).select_from(Case)
                              .where(case_condition(session, win.campaign))) or 0)


def campaign_report(session: Session, campaign_id: int, today: dt.date, *,
                    tz: dt.tzinfo = dt.UTC, offset_minutes: int | None = None,
                    settings: IndicatorSettings | None = None) -> dict[str, Any]:
    """Everything one campaign shows, as plain JSON data: the page, the wall screen, the 战报 and
    its workbook all render this dict, so their figures are the same. `settings`: the court's
    indicator settings (the registry indicators targeted, db.campaigns.indicators)."""
    if offset_minutes is None:
        noon = dt.datetime.combine(today, dt.time(12), tzinfo=tz)
        offset_minutes = int((noon.utcoffset() or dt.timedelta(0)).total_seconds() // 60)
    win = window(session, campaign_id, today, offset_minutes)
    camp = win.campaign
    targets = targets_of(camp)
    values: dict[str, float | int] = {}
    days = _days(win.start, win.end) if win.end >= win.start else []
    daily: dict[str, dict[str, float | int]] = {k: dict.fromkeys(days, 0) for k in MEASURES}
    teams: dict[int | None, dict[str, float | int]] = {}
    officers: dict[int | None, dict[str, float | int]] = {}
    parts = grouped_all(session, win)
    for measure in MEASURES.values():
        values[measure.key] = 0.0 if measure.money else 0
        for day, team, officer, value in parts[measure.key]:
            _add(values, measure.key, value)
            _add(daily[measure.key], day, value)
            _add(teams.setdefault(team, {}), measure.key, value)
            _add(officers.setdefault(officer, {}), measure.key, value)
    share = time_progress(camp, today)
    measures = []
    for m in MEASURES.values():
        target = targets.get(m.key)
        progress = values[m.key] / target if target else None
        measures.append({"key": m.key, "label": m.label, "unit": m.unit, "value": values[m.key],
                         "target": target, "progress": progress,
                         "behind": bool(target) and progress is not None and progress < share})
    team_names = _names(session, Team, [*teams, *stored_scope(camp).teams])
    status = status_of(camp, today)
    return {
        "id": camp.id, "name": camp.name, "description": camp.description or "",
        "start": camp.started_on.isoformat(), "end": camp.ended_on.isoformat(),
        "as_of": win.end.isoformat() if days else None, "today": today.isoformat(),
        "status": status, "status_label": STATUS_LABELS[status], "on_wall": bool(camp.on_wall),
        "ended_by_hand": camp.closed_at is not None,
        "time_progress": share if status != "planned" else 0.0,
        "scope": stored_scope(camp).describe(team_names)
        + (["指定案号清单"] if has_case_list(session, camp.id) else []),
        "scope_cases": _scope_size(session, win),
        "measures": measures, "targeted": [m["key"] for m in measures if m["target"]],
        # registry indicators with a target, over the scope and the period so far
        "indicators": indicator_figures(session, camp, win.start, win.end, indicator_targets_of(camp),
                                        share if status != "planned" else 0.0, settings),
        "daily": {"days": days, "series": {k: [daily[k][d] for d in days] for k in MEASURES}},
        "teams": _rank(teams, team_names, None),
        "officers": _rank(officers, _names(session, Officer, officers), RANKING_SIZE),
        "events": _events(session, win, tz),
    }


def campaign_list(session: Session, today: dt.date, court_id: int | None = None) -> list[dict[str, Any]]:
    """Every campaign (of `court_id` when given) with its status (running first, then planned,
    then finished)."""
    listed = (select(CampaignCase.campaign_id, func.count().label("n"))
              .group_by(CampaignCase.campaign_id).subquery())
    stmt = (select(Campaign, func.coalesce(listed.c.n, 0))
            .outerjoin(listed, listed.c.campaign_id == Campaign.id)
            .order_by(Campaign.started_on.desc(), Campaign.id.desc()))
    if court_id is not None:
        stmt = stmt.where(Campaign.court_id == court_id)
    rows = session.execute(stmt).all()
    order = {"running": 0, "planned": 1, "finished": 2}
    out = [{"id": c.id, "name": c.name, "start": c.started_on.isoformat(), "end": c.ended_on.isoformat(),
            "status": status_of(c, today), "status_label": STATUS_LABELS[status_of(c, today)],
            "listed_cases": int(n), "on_wall": bool(c.on_wall),
            "targets": len(targets_of(c)) + len(indicator_targets_of(c)),
            "time_progress": time_progress(c, today) if today >= c.started_on else 0.0}
           for c, n in rows]
    return sorted(out, key=lambda r: order[r["status"]])


def running_on_wall(session: Session, court_id: int, today: dt.date) -> list[int]:
    """The campaigns the wall shows today: running, `on_wall`, latest start first."""
    return list(session.scalars(
        select(Campaign.id).where(Campaign.court_id == court_id, Campaign.on_wall.is_(True),
                                  Campaign.started_on <= today, Campaign.ended_on >= today)
        .order_by(Campaign.started_on.desc(), Campaign.id.desc())))

