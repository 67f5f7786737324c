"""The center's 事务集约 work, measured from case events and 案款 (issue #18 §2).

A center measure counts the rows one person of the center did: the first 网络查控 of a case,
its first 查控反馈, its first 送达, each 执行110 接警 and 出警, each 查控措施 that expired in the
period (续封), each 案款 paid out. A row belongs to the person who did it (the event's officer,
the payment's 案款专管员), grouped as (the case's court, that person's current team, that
person): the center unit is the center team, the court counts every row. Deadlines (N days)
are settings ([center] in config/indicators.toml: local practice, like the node rules).

Each row set is one SELECT (`row_select`) that both the aggregate (`center_sums`) and the
drill-down (db/indicators/explain.py) read, so an explain list always equals its number.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from db.indicators.period import Period
from db.indicators.registry import CENTER_ROWS, split_measure
from db.indicators.settings import IndicatorSettings
from db.indicators.sql import holders_in, team_in
from db.models import Case, CaseEvent, Officer, Payment
from db.sqldates import add_days, days_between, local_day, minutes_between

C = Case.__table__.c
O = Officer.__table__.c  # noqa: E741
P = Payment.__table__.c
CONTROL_KINDS = ("seizure", "distraint", "freeze", "renewal")
LEVELS = ("court", "team", "officer")


def _bounds(p: Period, offset: int) -> tuple[dt.datetime, dt.datetime]:
    """The period's court-local days as naive UTC bounds [from, to) of occurred_at."""
    shift = dt.timedelta(minutes=offset)
    return (dt.datetime.combine(p.start, dt.time()) - shift,
            dt.datetime.combine(p.end + dt.timedelta(days=1), dt.time()) - shift)


def _in_period(ts: Any, p: Period, offset: int) -> ColumnElement[bool]:
    start, stop = _bounds(p, offset)
    return and_(ts >= start, ts < stop)


def _events(name: str | None = None) -> Any:
    """An alias of the events table (Core, not an ORM alias: an ORM alias adapts every column
    it is asked for, which cost the snapshot's center part about 0.1 s a build)."""
    return CaseEvent.__table__.alias(name)


def _first_of_kind(ev: Any) -> ColumnElement[bool]:
    """`ev` (an events alias's columns) is the case's first event of its kind (ties: the
    lowest id)."""
    other = _events().c
    return ~exists().where(
        other.case_id == ev.case_id, other.kind == ev.kind,
        or_(other.occurred_at < ev.occurred_at,
            and_(other.occurred_at == ev.occurred_at, other.id < ev.id)))


def _next_at(ev: Any, kind: str, before_kind: str | None) -> Any:
    """When the case's first `kind` event at or after `ev` happened, if it came before the
    case's next `before_kind` event (the next 接警/出警 starts another incident)."""
    follow, later = _events().c, _events()
    nxt = later.c
    cond = [follow.case_id == ev.case_id, follow.kind == kind,
            follow.occurred_at >= ev.occurred_at]
    if before_kind is not None:
        # correlate_except: `ev` lives two levels up (auto-correlation reaches one)
        cond.append(~exists().where(
            nxt.case_id == ev.case_id, nxt.kind == before_kind, nxt.id != ev.id,
            nxt.occurred_at > ev.occurred_at, nxt.occurred_at <= follow.occurred_at,
        ).correlate_except(later))
    return select(func.min(follow.occurred_at)).where(*cond).scalar_subquery()


@dataclass(frozen=True)
class Rows:
    """What one row set selects: its id, case, actor, period condition and values."""

    source: Any  # an alias of the events table, or the payments table
    ref: Any
    case_id: Any
    actor: Any
    at: Any  # the moment (or day) shown in the drill-down list
    where: list[Any]
    values: dict[str, Any]
    moment: bool = False  # `at` is an instant (events), else a day


def _event_rows(kind: str, first: bool, p: Period, s: IndicatorSettings,
                values: Callable[[Any], dict[str, Any]],
                extra: Callable[[Any], list[Any]] = lambda ev: []) -> Rows:
    table = _events("ev")
    ev = table.c
    where = [ev.kind == kind, _in_period(ev.occurred_at, p, s.utc_offset_minutes), *extra(ev)]
    if first:
        where.append(_first_of_kind(ev))
    return Rows(table, ev.id, ev.case_id, ev.officer_id, ev.occurred_at, where, values(ev), True)


def _since_filed(s: IndicatorSettings) -> Callable[[Any], dict[str, Any]]:
    return lambda ev: {"days": days_between(C.filed_on, local_day(ev.occurred_at,
                                                                  s.utc_offset_minutes))}


def _query_feedback(p: Period, s: IndicatorSettings) -> Rows:
    def started(ev: Any) -> Any:
        asked = _events().c
        return select(func.min(asked.occurred_at)).where(
            asked.case_id == ev.case_id, asked.kind == "online_query_started",
            asked.occurred_at <= ev.occurred_at).scalar_subquery()

    off = s.utc_offset_minutes
    return _event_rows(
        "online_query_result", True, p, s,
        lambda ev: {"days": days_between(local_day(started(ev), off),
                                         local_day(ev.occurred_at, off))},
        lambda ev: [started(ev).is_not(None)])


def _incident(kind: str, then: str, p: Period, s: IndicatorSettings, answered: bool) -> Rows:
    """接警 (→ 出警) or 出警 (→ 到场); `answered`: only those followed by `then`."""
    def values(ev: Any) -> dict[str, Any]:
        return {"minutes": func.coalesce(minutes_between(ev.occurred_at,
                                                         _next_at(ev, then, kind)), 0)}

    return _event_rows(kind, False, p, s, values,
                       lambda ev: [_next_at(ev, then, kind).is_not(None)] if answered else [])


def _renewals(p: Period, s: IndicatorSettings, renewed: bool) -> Rows:
    """查控措施 expiring in the period that still had to be renewed: not released by then, on a
    case open at expiry or closed as 终本 (measures stay after 终本). Renewed in time: the case
    has a 续封 in the `renewal_window_days` days up to the expiry."""
    table = _events("ev")
    m = table.c
    off = s.utc_offset_minutes
    rel, ren = _events().c, _events().c
    window = and_(ren.case_id == m.case_id, ren.kind == "renewal", ren.id != m.id,
                  local_day(ren.occurred_at, off) <= m.expires_on,
                  local_day(ren.occurred_at, off) >= add_days(m.expires_on,
                                                               -s.renewal_window_days))
    by = select(func.min(ren.officer_id)).where(window).scalar_subquery()
    where = [
        m.kind.in_(CONTROL_KINDS), m.expires_on.between(p.start, p.end),
        ~exists().where(rel.case_id == m.case_id, rel.kind == "release",
                        local_day(rel.occurred_at, off) <= m.expires_on),
        or_(C.closed_on.is_(None), C.closed_on >= m.expires_on,
            C.closing_method == "terminated_this_round"),
    ]
    if renewed:
        where.append(exists().where(window))
    return Rows(table, m.id, m.case_id, func.coalesce(by, m.officer_id), m.expires_on, where, {})


def _payouts(p: Period, s: IndicatorSettings, timely: bool) -> Rows:
    days = days_between(P.received_on, P.paid_out_on)
    where: list[Any] = [P.paid_out_on.between(p.start, p.end)]
    if timely:
        where.append(days <= s.payment_limit_days)
    return Rows(Payment.__table__, P.id, P.case_id, P.clerk_id, P.paid_out_on, where,
                {"days": days})


def _timely(rows: Rows, limit: int) -> Rows:
    return Rows(rows.source, rows.ref, rows.case_id, rows.actor, rows.at,
                [*rows.where, rows.values["days"] <= limit], rows.values, rows.moment)


BUILDERS: dict[str, Callable[[Period, IndicatorSettings], Rows]] = {
    "query_started": lambda p, s: _event_rows("online_query_started", True, p, s,
                                              _since_filed(s)),
    "query_timely": lambda p, s: _timely(BUILDERS["query_started"](p, s), s.query_limit_days),
    "query_answered": _query_feedback,
    "served": lambda p, s: _event_rows("service", True, p, s, _since_filed(s)),
    "served_timely": lambda p, s: _timely(BUILDERS["served"](p, s), s.service_limit_days),
    "alarms_110": lambda p, s: _incident("alarm_110", "dispatch_110", p, s, False),
    "dispatched_110": lambda p, s: _incident("alarm_110", "dispatch_110", p, s, True),
    "arrived_110": lambda p, s: _incident("dispatch_110", "arrival_110", p, s, True),
    "renewals_due": lambda p, s: _renewals(p, s, False),
    "renewed_in_time": lambda p, s: _renewals(p, s, True),
    "payouts": lambda p, s: _payouts(p, s, False),
    "payouts_timely": lambda p, s: _payouts(p, s, True),
}
assert set(BUILDERS) == set(CENTER_ROWS), "every center row set needs a builder"  # noqa: S101


def row_select(rows_name: str, p: Period, s: IndicatorSettings,
               categories: Sequence[str]) -> Select[Any]:
    """The rows of a center measure, one per counted thing: ref, case_id, actor_id, at,
    court_id, team_id (the actor's current team) and each value of the row set."""
    rows = BUILDERS[rows_name](p, s)
    actor = rows.actor.label("actor_id")
    actor_row = Officer.__table__.alias("actor")
    stmt = (select(rows.ref.label("ref"), rows.case_id.label("case_id"), actor,
                   rows.at.label("at"), C.court_id.label("court_id"),
                   actor_row.c.team_id.label("team_id"),
                   *(v.label(k) for k, v in rows.values.items()))
            .select_from(rows.source)
            .join(Case.__table__, rows.case_id == C.id)
            .outerjoin(actor_row, actor_row.c.id == rows.actor)
            .where(C.category.in_(list(categories)), *rows.where))
    return stmt


def center_sums(
    session: Session, periods: Sequence[Period], needs: Sequence[Any],
    settings: IndicatorSettings, scope: str | None = None, ids: Sequence[int] | None = None,
    teams: Collection[int | None] | None = None,
    holders: Mapping[str, Collection[int]] | None = None,
) -> dict[tuple[Any, ...], dict[tuple[int, Any], int]]:
    """Return {(court, team, officer): {(period index, need): sum}} over the center rows.

    One grouped query per (period, row set, categories) sums the row count and every value the
    needs ask for. `teams` (the incremental refresh): only the groups of those teams (the
    actor's current team; None: no team), selected in SQL; `holders`: only the groups of
    these entities (sql.holders_in: the snapshot's center part reads its court, units and
    staff)."""
    out: dict[tuple[Any, ...], dict[tuple[int, Any], int]] = {}
    jobs: dict[tuple[str, tuple[str, ...]], list[Any]] = {}
    for need in needs:
        jobs.setdefault((split_measure(need.measure)[0], need.categories), []).append(need)
    for i, p in enumerate(periods):
        for (rows_name, cats), job_needs in jobs.items():
            sub = row_select(rows_name, p, settings, cats).subquery()
            value_names = sorted({v for n in job_needs
                                  if (v := split_measure(n.measure)[1]) is not None})
            keys = [sub.c.court_id, sub.c.team_id, sub.c.actor_id]
            stmt = select(*keys, func.count(),
                          *(func.coalesce(func.sum(sub.c[v]), literal(0)) for v in value_names)
                          ).group_by(*keys)
            if scope is not None and ids is not None:
                level = {"court": sub.c.court_id, "team": sub.c.team_id,
                         "officer": sub.c.actor_id}[scope]
                stmt = stmt.where(level.in_(list(ids)))
            stmt = stmt.where(*team_in(sub.c.team_id, teams),  # None: every team
                              *holders_in({"court": sub.c.court_id, "team": sub.c.team_id,
                                           "officer": sub.c.actor_id}, holders))
            for row in session.execute(stmt):
                target = out.setdefault(tuple(row[:3]), {})
                sums: dict[str | None, int] = {None: int(row[3])}
                sums.update({v: int(row[4 + j] or 0) for j, v in enumerate(value_names)})
                for need in job_needs:
                    value = split_measure(need.measure)[1]
                    target[(i, need)] = target.get((i, need), 0) + sums[value]
    return out


def _at_in(at: Any, p: Period, rows: Rows, offset: int) -> ColumnElement[bool]:
    """A row set's own period condition, on the `at` column of its row_select."""
    return _in_period(at, p, offset) if rows.moment else at.between(p.start, p.end)


def center_sums_jobs(
    session: Session, jobs: Sequence[tuple[Sequence[Period], Sequence[Any]]],
    settings: IndicatorSettings, teams: Collection[int | None] | None,
) -> list[dict[tuple[Any, ...], dict[tuple[int, Any], int]]]:
    """`center_sums(session, periods, needs, settings, teams=teams)` for every (periods, needs)
    job (the snapshot's passes; teams None: every team), from one grouped query per (row set, categories) over all
    periods of all jobs (more only past MAX_COLUMNS sums): the rows of the span of the periods (every other condition of a row
    set does not depend on the period), a count and a sum per value for each period, and a
    group listed for a job only where one of its periods has a row, as center_sums lists it."""
    outs: list[dict[tuple[Any, ...], dict[tuple[int, Any], int]]] = [{} for _ in jobs]
    slots: dict[tuple[str, tuple[str, ...]], list[tuple[int, int, Period, list[Any]]]] = {}
    for k, (periods, needs) in enumerate(jobs):
        by_set: dict[tuple[str, tuple[str, ...]], list[Any]] = {}
        for need in needs:
            by_set.setdefault((split_measure(need.measure)[0], need.categories), []).append(need)
        for key, set_needs in by_set.items():
            slots.setdefault(key, []).extend((k, i, p, set_needs) for i, p in enumerate(periods))
    offset = settings.utc_offset_minutes
    for (rows_name, cats), every in slots.items():
        _center_pass(session, rows_name, cats, every, settings, offset, teams, outs)
    return outs


MAX_COLUMNS = 1000  # sums per SELECT (PostgreSQL allows 1,664 columns)


def _center_pass(session: Session, rows_name: str, cats: tuple[str, ...],
                 every: list[tuple[int, int, Period, list[Any]]], settings: IndicatorSettings,
                 offset: int, teams: Collection[int | None] | None,
                 outs: list[dict[tuple[Any, ...], dict[tuple[int, Any], int]]]) -> None:
    """One row set's SELECTs for center_sums_jobs: a count and a sum per value for each
    period, at most MAX_COLUMNS sums per SELECT."""
    value_names = sorted({v for *_, set_needs in every for n in set_needs
                          if (v := split_measure(n.measure)[1]) is not None})
    width = 1 + len(value_names)
    step = max(1, MAX_COLUMNS // width)
    for first in range(0, len(every), step):
        found = every[first:first + step]
        span = Period(min(p.start for _, _, p, _ in found), max(p.end for _, _, p, _ in found))
        rows = BUILDERS[rows_name](span, settings)
        sub = row_select(rows_name, span, settings, cats).subquery()
        columns = []
        for _, _, p, _ in found:
            inside = _at_in(sub.c.at, p, rows, offset)
            columns.append(func.sum(case((inside, 1), else_=0)))
            columns += [func.sum(case((inside, sub.c[v]), else_=0)) for v in value_names]
        keys = [sub.c.court_id, sub.c.team_id, sub.c.actor_id]
        stmt = select(*keys, *columns).where(*team_in(sub.c.team_id, teams)).group_by(*keys)
        for row in session.execute(stmt):
            holder = tuple(row[:3])
            for slot, (k, i, _, set_needs) in enumerate(found):
                at = 3 + slot * width
                count = int(row[at] or 0)
                if not count:
                    continue
                sums: dict[str | None, int] = {None: count}
                sums.update({v: int(row[at + 1 + j] or 0) for j, v in enumerate(value_names)})
                target = outs[k].setdefault(holder, {})
                for need in set_needs:
                    value = split_measure(need.measure)[1]
                    target[(i, need)] = target.get((i, need), 0) + sums[value]



TRIAGE_BANDS = (1, 3, 7)  # 待分流 ageing: ≤1 day, 2–3, 4–7, over 7 days since 立案


def triage_ageing(session: Session, today: dt.date,
                  bands: tuple[int, ...] = TRIAGE_BANDS, court_id: int | None = None) -> dict[str, Any]:
    """Cases waiting for 分流 today by days since 立案: the rows of the 待分流数 indicator
    (`triage_pending`, db/indicators/triage.py) — count, the oldest and the age bands
    (`court_id`: that court's cases only)."""
    from db.indicators.registry import TRIAGED
    from db.indicators.sql import Need
    from db.indicators.triage import TRIAGE, triage_condition

    day = Period(today, today)
    stmt = (select(C.filed_on, func.count())
            .select_from(TRIAGE.join(Case.__table__, C.id == TRIAGE.c.case_id))
            .where(triage_condition(Need("triage_pending", TRIAGED), day),
                   *([C.court_id == court_id] if court_id is not None else []))
            .group_by(C.filed_on))
    ages = [((today - filed).days, int(n)) for filed, n in session.execute(stmt)]
    edges = [0, *bands]
    out = []
    for i, top in enumerate([*bands, None]):
        low = edges[i] + (1 if i else 0)
        label = (f"{low}–{top}日" if i else f"{top}日内") if top is not None else f"超过{bands[-1]}日"
        n = sum(c for a, c in ages if (i == 0 or a >= low) and (top is None or a <= top))
        out.append({"label": label, "count": n})
    return {"count": sum(c for _, c in ages),
            "oldest_days": max((a for a, _ in ages), default=None), "bands": out}
