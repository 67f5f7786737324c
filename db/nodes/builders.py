"""Per-rule SELECTs: each node kind's start, done date and raw deadline inputs, set-based.

Every builder returns the same columns (case columns, item_id, start_on, done_on, shift,
deadline_raw); db.nodes.sql adds the deadline, the status and the days left.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import ColumnElement, Subquery

from db.models import Case, CaseEvent, CaseExtension, CasePause, Payment
from db.nodes.rules import NodeRule, RuleSet
from db.sqldates import datediff, local_day


@dataclass(frozen=True)
class NodeFilter:
    """Optional narrowing of the cases whose nodes are computed."""

    case_ids: tuple[int, ...] = ()
    team_ids: tuple[int, ...] = ()
    # the cases of no team too (with team_ids), or only those (without)
    no_team: bool = False
    officer_ids: tuple[int, ...] = ()
    court_ids: tuple[int, ...] = ()
    nodes: tuple[str, ...] = ()
    # Skip cases closed before this day (except for rules that watch closed cases).
    active_since: dt.date | None = None
    # Only what can still be overdue or due soon (set by `pending`): a rule that watches closed
    # cases of some closing methods only also skips the cases closed otherwise before active_since.
    unfinished_only: bool = False

    @classmethod
    def pending(cls, today: dt.date, **narrowing: Any) -> NodeFilter:
        """Only what can still be overdue or due soon on `today`: cases closed on or before it are
        skipped except for the rules that watch closed cases. Exact for those two statuses (a
        closed case's node of any other rule is kept only when done, i.e. 按期/超期完成), and it
        lets the query start from the scope's open cases (ix_cases_team_closed /
        ix_cases_officer_closed) instead of every case the team or officer ever held."""
        return cls(active_since=today + dt.timedelta(days=1), unfinished_only=True, **narrowing)


@dataclass(frozen=True)
class Ctx:
    rules: RuleSet
    today: dt.date
    filters: NodeFilter
    first_day: dt.date | None  # earliest start day a working-day map must cover
    # the one pass of the event rules that start on a case date (`case_date_pass`), None: none
    case_dates: Any = None

    @property
    def cutoff(self) -> dt.datetime:
        """The first UTC instant after the court-local `today` (a plain, indexable comparison)."""
        midnight = dt.datetime.combine(self.today + dt.timedelta(days=1), dt.time())
        return midnight - dt.timedelta(minutes=self.rules.utc_offset_minutes)


_CASE_COLS = ("team_id", "officer_id", "court_id", "closed_on", "closing_method", "non_litigation")


def _case_columns() -> list[ColumnElement[Any]]:
    return [Case.id.label("case_id")] + [getattr(Case, c).label(c) for c in _CASE_COLS]


def _case_conditions(rule: NodeRule, ctx: Ctx) -> list[ColumnElement[bool]]:
    return filter_conditions(ctx.filters, ctx.today) + _rule_conditions(rule, ctx)


def filter_conditions(f: NodeFilter, today: dt.date) -> list[ColumnElement[bool]]:
    """A filter's narrowing of the cases, the same for every rule (filed by `today`; cases,
    officers, courts, teams)."""
    conds: list[ColumnElement[bool]] = [Case.filed_on <= today]
    if f.case_ids:
        # written into the SQL as numbers when executed (still one cached statement): every
        # rule repeats the list, and 1,000 ids bound as parameters in each made a statement of
        # 30,000 placeholders that the driver parsed on every recount (0.18 s of 0.29 s)
        conds.append(Case.id.in_(bindparam(None, [int(i) for i in f.case_ids], expanding=True,
                                           literal_execute=True)))
    optional = (
        (f.officer_ids, Case.officer_id),
        (f.court_ids, Case.court_id),
    )
    conds += [col.in_(vals) for vals, col in optional if vals]
    if f.team_ids or f.no_team:
        conds.append(_team_condition(Case.team_id, f.team_ids, f.no_team))
    return conds


def _rule_conditions(rule: NodeRule, ctx: Ctx, window: bool = True) -> list[ColumnElement[bool]]:
    """The cases a rule covers (categories, case types, the closed ones it still watches);
    `window` False: without the filter's window (`_window`, applied by the caller)."""
    f = ctx.filters
    conds: list[ColumnElement[bool]] = [Case.category.in_(rule.categories)]
    if rule.case_types:
        conds.append(Case.type_code.in_(rule.case_types))
    if f.active_since and not rule.after_closing:
        if window:
            conds.append(_window(f.active_since))
    elif f.active_since and f.unfinished_only and rule.after_closing_methods:  # others: done rows only
        conds.append(or_(Case.closed_on.is_(None), Case.closed_on >= f.active_since,
                         Case.closing_method.in_(rule.after_closing_methods)))
    return conds


def _window(since: dt.date) -> ColumnElement[bool]:
    """Open, or closed on or after `since` (NodeFilter.active_since)."""
    return or_(Case.closed_on.is_(None), Case.closed_on >= since)


def _team_condition(col: Any, ids: tuple[int, ...], no_team: bool) -> ColumnElement[bool]:
    """`col` is one of `ids`, or (no_team) NULL."""
    parts = [col.in_(ids)] if ids else []
    if no_team:
        parts.append(col.is_(None))
    return or_(*parts)


def _event_day(event: Any, ctx: Ctx) -> ColumnElement[Any]:
    return local_day(event.occurred_at, ctx.rules.utc_offset_minutes)


def blank(name: str, type_: Any) -> ColumnElement[Any]:
    return cast(null(), type_).label(name)


def _event_rule(rule: NodeRule, ctx: Ctx) -> Select[Any]:
    """Start at a case date or the first start event; done at the first done event after it.

    The first done event comes from a join + GROUP BY on the case id alone (not a correlated
    subquery): the aggregate is computed once (never inlined into each later reference) and
    PostgreSQL can hash-join it; the case columns are joined back by primary key.
    """
    shared = _from_case_dates(rule, ctx)
    if shared is not None:
        return shared
    if rule.starts_on_case_date:
        start = _case_start(rule)
        done = _first_done(rule, ctx, Case.__table__, Case.id, start, _case_conditions(rule, ctx))
        source: Any = Case.__table__.join(done, done.c.case_id == Case.id)
    else:
        first = _first_events(rule, ctx)
        start = first.c.start_on
        done = _first_done(rule, ctx, first, first.c.case_id, start, [])
        source = Case.__table__.join(first, first.c.case_id == Case.id).join(
            done, done.c.case_id == Case.id
        )
    return (
        select(*_case_columns(), blank("item_id", Integer), start.label("start_on"),
               done.c.done_on, literal(0).label("shift"), blank("deadline_raw", Date))
        .select_from(source)
        .where(*_case_conditions(rule, ctx))
    )


def _start_columns(rule: NodeRule) -> list[Any]:
    return [getattr(Case, name) for name in rule.start]


def _case_start(rule: NodeRule) -> ColumnElement[Any]:
    cols = _start_columns(rule)
    return cols[0] if len(cols) == 1 else func.coalesce(*cols)


def _shares_case_dates(rule: NodeRule, f: NodeFilter) -> bool:
    """Whether the shared pass gives a rule's rows: an event rule starting on 收案/立案 always;
    执行期限 (one row per case, dated by 立案) when the filter names teams, officers or cases.
    Such a read follows an index to rows scattered over the table, and a second read of them
    costs as much as the first (10,000,000 cases, 20 teams: the section's recount 2.1 → 1.5 s
    with 执行期限 in the pass); a whole court's or every court's count reads the table in order,
    where 执行期限's own plain scan is cheaper than widening the pass's grouped, materialized
    rows (the full count 21–24 → 25–28 s with it in the pass)."""
    if rule.kind == "event":
        return rule.starts_on_case_date
    narrowed = bool(f.team_ids or f.no_team or f.officer_ids or f.case_ids)
    return rule.kind == "term" and narrowed


def case_date_pass(rules: Sequence[NodeRule], ctx: Ctx) -> Any:
    """One pass over the cases (and their events, pauses, extensions) for every rule dated by the
    case (`_shares_case_dates`): per case, whether each rule covers it (in_<key>), its start
    (start_<key>), its done day (done_<key>: an event rule's first done event in [start, today],
    local day; 执行期限's closing day) and its deadline shift (shift_<key>: 执行期限's paused and
    extended days, else 0). A CTE the rules' SELECTs share (PostgreSQL materializes a CTE read
    more than once): one scan and one grouping instead of one per rule. None when fewer than two
    such rules are chosen."""
    chosen = [r for r in rules if _shares_case_dates(r, ctx.filters)]
    if len(chosen) < 2:
        return None
    ev = aliased(CaseEvent)
    day = _event_day(ev, ctx)
    # the filter's narrowing (a team's cases: its index) and, when every rule has it, the window
    # of open and recently closed cases (ix_cases_team_closed) outside the rules' alternatives
    since = ctx.filters.active_since
    shared = [_window(since)] if since and not any(r.after_closing for r in chosen) else []
    covers = {r.key: and_(*_rule_conditions(r, ctx, window=not shared)) for r in chosen}
    kinds = sorted({k for r in chosen if r.kind == "event" for k in r.done})
    # grouped by the case's columns too (all of them read below): no join back to the cases,
    # which PostgreSQL would make a scan of the whole table
    grouped = [Case.id, *[getattr(Case, c) for c in _CASE_COLS], Case.category, Case.type_code,
               Case.filed_on,
               *{col.key: col for r in chosen if r.kind == "event"
                 for col in _start_columns(r)}.values()]
    source: Any = Case.__table__
    if kinds:
        source = source.outerjoin(ev, and_(ev.case_id == Case.id, ev.kind.in_(kinds),
                                           ev.occurred_at < ctx.cutoff))
    starts: list[Any] = []
    dones: list[Any] = []
    shifts: list[Any] = []
    for r in chosen:
        if r.kind == "term":
            # one row per case in each (grouped by case id): joined, they multiply nothing
            pauses, extensions = _term_shift(r, ctx)
            source = source.outerjoin(pauses, pauses.c.case_id == Case.id) \
                .outerjoin(extensions, extensions.c.case_id == Case.id)
            starts.append(Case.filed_on)
            dones.append(_term_done(ctx))
            shifts.append(func.max(func.coalesce(pauses.c.d, 0) + func.coalesce(extensions.c.d, 0)))
        else:
            starts.append(_case_start(r))
            dones.append(func.min(case((and_(ev.kind.in_(r.done), day >= _case_start(r)), day))))
            shifts.append(literal(0))
    return (
        select(*_case_columns(),
               *[case((covers[r.key], 1), else_=0).label(f"in_{r.key}") for r in chosen],
               *[start.label(f"start_{r.key}") for r, start in zip(chosen, starts, strict=True)],
               *[done.label(f"done_{r.key}") for r, done in zip(chosen, dones, strict=True)],
               *[shift.label(f"shift_{r.key}") for r, shift in zip(chosen, shifts, strict=True)])
        .select_from(source)
        .where(*filter_conditions(ctx.filters, ctx.today), *shared, or_(*covers.values()))
        .group_by(*grouped)
        .cte("case_dates")
    )


def _from_case_dates(rule: NodeRule, ctx: Ctx) -> Select[Any] | None:
    """A rule's rows read from the shared pass (`case_date_pass`); None when the pass does not
    hold the rule (none made, or the rule not in it)."""
    if ctx.case_dates is None or f"in_{rule.key}" not in ctx.case_dates.c:
        return None
    c = ctx.case_dates.c
    return (
        select(c.case_id, *[c[name] for name in _CASE_COLS], blank("item_id", Integer),
               c[f"start_{rule.key}"].label("start_on"), c[f"done_{rule.key}"].label("done_on"),
               c[f"shift_{rule.key}"].label("shift"), blank("deadline_raw", Date))
        .where(c[f"in_{rule.key}"] == 1)
    )


def _first_done(
    rule: NodeRule, ctx: Ctx, source: Any, case_id: Any, start: Any, conds: list[Any]
) -> Subquery:
    """Per case: the local day of its first `done` event in [start, today] (NULL if none)."""
    ev = aliased(CaseEvent)
    day = _event_day(ev, ctx)
    joined = and_(ev.case_id == case_id, ev.kind.in_(rule.done), ev.occurred_at < ctx.cutoff, day >= start)
    return (
        select(case_id.label("case_id"), func.min(day).label("done_on"))
        .select_from(source)
        .outerjoin(ev, joined)
        .where(*conds)
        .group_by(case_id)
        .subquery()
    )


def _first_events(rule: NodeRule, ctx: Ctx) -> Subquery:
    """Per case: the local day of its first start event. Restricted to the rule's cases (the
    outer query's case conditions), so a team's or officer's nodes read only their cases' events."""
    ev = aliased(CaseEvent)
    day = _event_day(ev, ctx)
    return (
        select(ev.case_id.label("case_id"), func.min(day).label("start_on"))
        .join(Case, Case.id == ev.case_id)
        .where(ev.kind.in_(tuple(rule.start)), ev.occurred_at < ctx.cutoff, *_case_conditions(rule, ctx))
        .group_by(ev.case_id)
        .subquery()
    )


def _term_shift(rule: NodeRule, ctx: Ctx) -> tuple[Subquery, Subquery]:
    """Per case of the rule (and the filter): days paused (to their end, the closing day or today)
    and days of approved extensions, each a subquery grouped by case id. Narrowed by the rule's
    case conditions, so a team's recount sums only its cases' pauses and extensions."""
    today = ctx.today
    # The clock stops at closing: a pause still open then counts only up to the closing day.
    stop = case((Case.closed_on < today, Case.closed_on), else_=literal(today, Date))
    pause_end = case((CasePause.ended_on < stop, CasePause.ended_on), else_=stop)
    conds = _case_conditions(rule, ctx)
    pauses = (
        select(CasePause.case_id, func.sum(datediff(pause_end, CasePause.started_on)).label("d"))
        .join(Case, Case.id == CasePause.case_id)
        .where(CasePause.started_on <= stop, *conds)
        .group_by(CasePause.case_id)
        .subquery()
    )
    extensions = (
        select(CaseExtension.case_id, func.sum(CaseExtension.days).label("d"))
        .join(Case, Case.id == CaseExtension.case_id)
        .where(CaseExtension.approved_on <= today, *conds)
        .group_by(CaseExtension.case_id)
        .subquery()
    )
    return pauses, extensions


def _term_done(ctx: Ctx) -> ColumnElement[Any]:
    return case((Case.closed_on <= ctx.today, Case.closed_on))


def _term_rule(rule: NodeRule, ctx: Ctx) -> Select[Any]:
    """执行期限: from 立案, minus pauses (to their end, the closing day or today), plus extensions."""
    shared = _from_case_dates(rule, ctx)
    if shared is not None:
        return shared
    pauses, extensions = _term_shift(rule, ctx)
    shift = func.coalesce(pauses.c.d, 0) + func.coalesce(extensions.c.d, 0)
    return (
        select(*_case_columns(), blank("item_id", Integer), Case.filed_on.label("start_on"),
               _term_done(ctx).label("done_on"), shift.label("shift"), blank("deadline_raw", Date))
        .outerjoin(pauses, pauses.c.case_id == Case.id)
        .outerjoin(extensions, extensions.c.case_id == Case.id)
        .where(*_case_conditions(rule, ctx))
    )


def _payment_rule(rule: NodeRule, ctx: Ctx) -> Select[Any]:
    """案款: each receipt must be paid out within the limit."""
    paid = case((Payment.paid_out_on <= ctx.today, Payment.paid_out_on))
    return (
        select(*_case_columns(), Payment.id.label("item_id"),
               Payment.received_on.label("start_on"), paid.label("done_on"),
               literal(0).label("shift"), blank("deadline_raw", Date))
        .join(Case, Case.id == Payment.case_id)
        .where(*_case_conditions(rule, ctx), Payment.received_on <= ctx.today)
    )


def _expiry_rule(rule: NodeRule, ctx: Ctx) -> Select[Any]:
    """续封: each seizure/freeze must be renewed or released before it expires."""
    measure, follow = aliased(CaseEvent), aliased(CaseEvent)
    follow_day = _event_day(follow, ctx)
    joined = and_(
        follow.case_id == measure.case_id,
        follow.kind.in_(rule.done),
        follow.occurred_at > measure.occurred_at,
        follow.id != measure.id,
        follow.occurred_at < ctx.cutoff,
    )
    done = (
        select(measure.id.label("event_id"), func.min(follow_day).label("done_on"))
        .select_from(measure)
        .join(Case, Case.id == measure.case_id)  # only the rule's cases (as the outer query)
        .outerjoin(follow, joined)
        .where(measure.kind.in_(rule.start), measure.expires_on.isnot(None),
               measure.occurred_at < ctx.cutoff, *_case_conditions(rule, ctx))
        .group_by(measure.id)
        .subquery()
    )
    item = aliased(CaseEvent)
    return (
        select(*_case_columns(), item.id.label("item_id"),
               _event_day(item, ctx).label("start_on"), done.c.done_on,
               literal(0).label("shift"), item.expires_on.label("deadline_raw"))
        .select_from(Case)
        .join(item, item.case_id == Case.id)
        .join(done, done.c.event_id == item.id)
        .where(*_case_conditions(rule, ctx))
    )


BUILDERS: dict[str, Callable[[NodeRule, Ctx], Select[Any]]] = {
    "event": _event_rule,
    "term": _term_rule,
    "payment": _payment_rule,
    "expiry": _expiry_rule,
}
