"""Compute one snapshot: the standard views, trend, feed and campaign of one court.

The indicator values come from db.indicators (through `IndicatorPort`, so tests can
inject an engine); this module only chooses scopes and periods and shapes the result.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.campaigns.figures import campaign_report, running_on_wall
from db.indicators.entities import CENTER_KIND
from db.indicators.period import Period, month_periods, shift_months
from db.models import Case, Court, DataState, Officer, Team
from db.session import DATA_KEY
from db.snapshot.activity import campaign_summary, latest_feed
from db.snapshot.jsonsafe import SafeCopies, json_safe, json_safe_kept
from db.snapshot.region import (
    VIEW_KEY,
    Region,
    load_region,
    region_part,
    region_rows,
    split_views,
)
from db.snapshot.store import iso

TREND_MONTHS = 12
# Trend lines on the wall; keys missing from the registry are skipped.
TREND_KEYS = ("closure_rate", "closed", "new", "completion_rate", "first_avg_days")
CUMULATIVE_KEY = ("closure_rate_ytd", "closure_rate")  # (series name, indicator key)
PERIOD_LABELS = {"ytd": "本年至今", "mtd": "本月"}
WALL_CAMPAIGNS = 3  # at most this many running campaigns are computed for the wall

# The center's part (issue #18 §3): its own indicators today and this month, per center unit
# and person. The 繁简分流 figures come from the triage desk's indicators (branch `triage`):
# the slot stays empty (null) while the registry has none of these keys.
CENTER_PERIODS = {"today": "今日", "mtd": "本月"}
TRIAGE_KEYS = ("triage_pending", "triage_pending_age", "triage_avg_days", "conversion_rate",
               "override_rate")
TRIAGE_TREND_KEY = "conversion_rate"


@dataclass(frozen=True)
class IndicatorPort:
    """The part of db.indicators a snapshot needs (injectable for tests)."""

    compute: Callable[..., list[dict[str, Any]]]
    compute_all: Callable[..., dict[str, list[dict[str, Any]]]]
    monthly_trend: Callable[..., dict[Any, list[Any]]]
    settings: Any
    keys: Sequence[str]  # every registry key: trend keys are filtered against it
    # the 节点管控 rules (db.nodes.rules.RuleSet) of the "nodes" section; None leaves it null
    node_rules: Any = None


def default_port(settings_path: str | None,
                 app_settings: Mapping[str, Any] | None = None) -> IndicatorPort:
    """Bind the real indicator engine (and node rules, given app settings)."""
    from db import indicators

    rules = None
    if app_settings is not None:
        from db.nodes.rules import load_rules_from_settings

        rules = load_rules_from_settings(app_settings)
    return IndicatorPort(
        compute=indicators.compute,
        compute_all=indicators.compute_all,
        monthly_trend=indicators.monthly_trend,
        settings=indicators.load_indicator_settings(settings_path or None),
        keys=tuple(indicators.REGISTRY),
        node_rules=rules,
    )


def node_section(session: Session, port: IndicatorPort, today: dt.date,
                 courts: Sequence[int]) -> dict[str, Any] | None:
    """The "nodes" section through the port (db/nodes/counts.py), None without node rules."""
    if port.node_rules is None:
        return None
    from db.nodes.counts import node_summary

    return node_summary(session, today, port.node_rules, courts=courts)


@dataclass(frozen=True)
class Org:
    court: Court
    team_ids: list[int]  # case-handling teams (not the 执行指挥中心)
    officer_ids: list[int]
    founded: dict[int, dt.date]
    center_team_ids: list[int] = field(default_factory=list)
    center_officer_ids: list[int] = field(default_factory=list)
    # the courts below it and their teams (db/snapshot/region.py); None: a single court
    region: Region | None = None


def standard_periods(today: dt.date) -> dict[str, dict[str, Any]]:
    """Return 本年至今 and 本月, each with the same dates one year earlier."""
    spans = {"ytd": Period(today.replace(month=1, day=1), today),
             "mtd": Period(today.replace(day=1), today)}
    out = {}
    for key, period in spans.items():
        compare = period.previous_year()
        out[key] = {"label": PERIOD_LABELS[key], "start": period.start.isoformat(),
                    "end": period.end.isoformat(), "compare_start": compare.start.isoformat(),
                    "compare_end": compare.end.isoformat()}
    return out


def _period(info: dict[str, Any], compare: bool = False) -> Period:
    prefix = "compare_" if compare else ""
    return Period(dt.date.fromisoformat(info[f"{prefix}start"]),
                  dt.date.fromisoformat(info[f"{prefix}end"]))


def pick_court(session: Session, code: str = "") -> Court | None:
    """Return the court with `code`, or the first court when no code is set."""
    stmt = select(Court).order_by(Court.id).limit(1)
    if code:
        stmt = select(Court).where(Court.code == code)
    return session.scalars(stmt).first()


def load_org(session: Session, court: Court) -> Org:
    """Return the court's active teams and officers in display order: the case-handling ones
    (team tiles, rankings, officer lists) and, apart, the 执行指挥中心 and its staff (their
    own indicators: the "center" part of the snapshot), never a team of zeros; and its 辖区
    when courts are below it."""
    teams = session.execute(
        select(Team.id, Team.founded_on, Team.kind)
        .where(Team.court_id == court.id, Team.active.is_(True))
        .order_by(Team.sort_order, Team.id)
    ).all()
    officers = session.execute(
        select(Officer.id, Team.kind)
        .outerjoin(Team, Team.id == Officer.team_id)
        .where(Officer.court_id == court.id, Officer.active.is_(True))
        .order_by(Officer.team_id, Officer.id)
    ).all()
    cases = [t for t in teams if t.kind != CENTER_KIND]
    return Org(court, [t.id for t in cases], [o.id for o in officers if o.kind != CENTER_KIND],
               {t.id: t.founded_on for t in cases if t.founded_on},
               [t.id for t in teams if t.kind == CENTER_KIND],
               [o.id for o in officers if o.kind == CENTER_KIND],
               load_region(session, court))


def node_courts(session: Session, org: Org) -> tuple[int, ...]:
    """The courts a snapshot's 节点管控 section counts: the court and its 辖区; () when those
    are every court of the database (no condition to pay for)."""
    mine = set(org.region.court_ids if org.region is not None else [org.court.id])
    every = set(session.scalars(select(Court.id)))
    return () if every <= mine else tuple(sorted(mine))


def data_as_of(session: Session) -> dt.datetime | None:
    """Return the newest data change: data_state.changed_at, else max(cases.updated_at)."""
    changed = session.scalar(select(DataState.changed_at).where(DataState.key == DATA_KEY))
    return changed or session.scalar(select(func.max(Case.updated_at)))


def _pick(results: list[dict[str, Any]], ids: list[int]) -> list[dict[str, Any]]:
    """Keep the results of `ids`, in the order of `ids`."""
    by_id = {r["id"]: r for r in results}
    return [by_id[i] for i in ids if i in by_id]


def _period_view(session: Session, port: IndicatorPort, org: Org,
                 info: dict[str, Any]) -> dict[str, Any]:
    """Court, teams and officers of one period from one pass over the case table."""
    every = port.compute_all(session, _period(info), _period(info, compare=True),
                             settings=port.settings, parts_for=org.team_ids,
                             parts_court=org.court.id, only=shown_entities(org))
    return period_view(every, org)


def shown_entities(org: Org) -> dict[str, list[int]]:
    """Per scope, the entities a period view shows (period_view, region.region_rows): the
    court and the courts of its 辖区, their teams, the court's own officers. Nothing else is
    derived: a province's database holds thousands of officers of other courts."""
    region = org.region
    courts = [org.court.id, *(region.court_ids if region is not None else ())]
    teams = [*org.team_ids, *(region.team_ids if region is not None else ())]
    return {"court": list(dict.fromkeys(courts)), "team": list(dict.fromkeys(teams)),
            "officer": list(org.officer_ids)}


def period_view(every: dict[str, Any], org: Org) -> dict[str, Any]:
    """One period's view from a compute_all answer (the 辖区 rows under VIEW_KEY when the
    court has courts below it: the builder moves them to the snapshot's "region")."""
    court = _pick(every.get("court", []), [org.court.id])
    view = {"court": court[0] if court else None,
            "teams": _pick(every.get("team", []), org.team_ids),
            "officers": _pick(every.get("officer", []), org.officer_ids),
            "court_parts": every.get("court_parts")}
    if org.region is not None:
        view[VIEW_KEY] = region_rows(every, org.region)
    return view


def _views(session: Session, port: IndicatorPort, org: Org,
           periods: dict[str, dict[str, Any]], today: dt.date) -> dict[str, Any]:
    views: dict[str, Any] = {key: _period_view(session, port, org, info)
                             for key, info in periods.items()}
    views["since_founding"] = {"teams": _since_founding(session, port, org, today)}
    return views


def _since_founding(session: Session, port: IndicatorPort, org: Org,
                    today: dt.date) -> list[dict[str, Any]]:
    """Each team from its founding day; one engine call per distinct founding day."""
    by_day: dict[dt.date, list[int]] = {}
    for team_id in org.team_ids:
        start = org.founded.get(team_id)
        if start is not None and start <= today:
            by_day.setdefault(start, []).append(team_id)
    found: list[dict[str, Any]] = []
    for start, team_ids in sorted(by_day.items()):
        found += port.compute(session, scope="team", ids=team_ids, period=Period(start, today),
                              compare=False, settings=port.settings)
    return _pick(found, [t for t in org.team_ids if t in org.founded])


def trend_months(today: dt.date) -> list[Period]:
    """Return the 12 calendar months ending with the current one (the last cut at today)."""
    months = month_periods(shift_months(today.replace(day=1), 1 - TREND_MONTHS), TREND_MONTHS)
    months[-1] = Period(months[-1].start, today)
    return months


def _targets(settings: Any, key: str, months: Sequence[Period]) -> list[Any]:
    """Each trend month's target from the settings ({calendar month: value}), else null."""
    per_month = (getattr(settings, "monthly_targets", None) or {}).get(key) or {}
    values = [per_month.get(p.start.month) for p in months]
    return [None if v is None else float(v) for v in values]


def year_to_date(months: list[Period]) -> list[Period]:
    """For each month, the period from 1 January of its year to the month's last day."""
    return [Period(p.start.replace(month=1, day=1), p.end) for p in months]


def _series(session: Session, port: IndicatorPort, key: str, scope: str, ids: list[int],
            months: list[Period]) -> dict[Any, dict[str, list[Any]]]:
    """This year's and last year's months of one indicator in one engine call."""
    both = port.monthly_trend(session, key, scope, ids,
                              months + [p.previous_year() for p in months], port.settings)
    half = len(months)
    return {i: {"values": both.get(i, [])[:half], "compare_values": both.get(i, [])[half:]}
            for i in ids}


def trend_shell(settings: Any, all_keys: Sequence[str], org: Org,
                months: Sequence[Period]) -> dict[str, Any]:
    """The trend's months, targets and empty series (filled by _trend or the core)."""
    keys = [k for k in TREND_KEYS if k in all_keys]
    out: dict[str, Any] = {"months": [p.start.strftime("%Y-%m") for p in months],
                           "court": {}, "teams": {t: {} for t in org.team_ids},
                           "targets": {k: _targets(settings, k, months) for k in keys}}
    if CUMULATIVE_KEY[1] in all_keys:
        out["targets"][CUMULATIVE_KEY[0]] = _targets(settings, CUMULATIVE_KEY[0], months)
    return out


def _trend(session: Session, port: IndicatorPort, org: Org, today: dt.date) -> dict[str, Any]:
    months = trend_months(today)
    keys = [k for k in TREND_KEYS if k in port.keys]
    court_id = org.court.id
    out = trend_shell(port.settings, port.keys, org, months)
    if CUMULATIVE_KEY[1] in port.keys:
        # 本年累计结案率: what the monthly 审执结案进度 floors are set against.
        name, key = CUMULATIVE_KEY
        out["court"][name] = _series(session, port, key, "court", [court_id],
                                     year_to_date(months))[court_id]
    for key in keys:
        out["court"][key] = _series(session, port, key, "court", [court_id], months)[court_id]
        if org.team_ids:
            for team_id, series in _series(session, port, key, "team", org.team_ids,
                                           months).items():
                out["teams"][team_id][key] = series
    return out


def _center(session: Session, port: IndicatorPort, org: Org, today: dt.date) -> dict[str, Any] | None:
    """The center's own figures: court-wide, per center unit, per center person (with duty),
    today and this month, plus the 繁简分流 slot (TRIAGE_KEYS) when the registry has it."""
    from db.indicators.registry import CENTER_KEYS

    keys = [k for k in CENTER_KEYS if k in port.keys]
    if not keys:
        return None
    staff = session.execute(select(Officer.id, Officer.name, Officer.duty)
                            .where(Officer.id.in_(org.center_officer_ids))).all() \
        if org.center_officer_ids else []
    duties = {o.id: o.duty for o in staff}
    names = {o.id: o.name for o in staff}
    out: dict[str, Any] = {"keys": keys, "labels": CENTER_PERIODS, "periods": {},
                           "duties": {str(k): v for k, v in duties.items()}, "triage": None}
    spans = {"today": Period(today, today), "mtd": Period(today.replace(day=1), today)}
    for name, period in spans.items():
        every = port.compute_all(session, period, False, settings=port.settings, keys=keys,
                                 only={"court": [org.court.id], "team": org.center_team_ids,
                                       "officer": org.center_officer_ids})
        court = _pick(every.get("court", []), [org.court.id])
        out["periods"][name] = {
            "start": period.start.isoformat(), "end": period.end.isoformat(),
            "court": court[0] if court else None,
            "units": _pick(every.get("team", []), org.center_team_ids),
            # everyone of the center, also who did nothing in the period (no figures, listed)
            "people": _pick(every.get("officer", []) + [
                {"scope": "officer", "id": i, "name": names.get(i), "indicators": {}}
                for i in org.center_officer_ids
                if i not in {r["id"] for r in every.get("officer", [])}], org.center_officer_ids),
        }
    triage = [k for k in TRIAGE_KEYS if k in port.keys]
    if triage:
        found = port.compute(session, scope="court", ids=[org.court.id],
                             period=spans["mtd"], compare=False, settings=port.settings,
                             keys=triage)
        months = trend_months(today)
        trend = None
        if TRIAGE_TREND_KEY in triage:
            trend = {"months": [p.start.strftime("%Y-%m") for p in months],
                     **_series(session, port, TRIAGE_TREND_KEY, "court", [org.court.id],
                               months)[org.court.id]}
        from db.indicators.center import triage_ageing

        out["triage"] = {"court": found[0] if found else None, "trend": trend,
                         "waiting": triage_ageing(session, today)}
    return out


def _definitions(settings: Any) -> dict[str, Any]:
    """Formula and case-scope label of every indicator per level (the wall's tooltips)."""
    from db.indicators.texts import definitions

    try:
        return definitions(settings)
    except AttributeError:  # an injected test port without real settings
        return {}


# The seam of the incremental refresh (db/snapshot/incremental.py): given the org, the
# periods and today, return the views and the trend. None: compute them through the port.
Core = Callable[[Session, Org, dict[str, dict[str, Any]], dt.date], tuple[dict[str, Any],
                                                                           dict[str, Any]]]
# … and of the 节点管控 section (db/snapshot/nodes.py): given today and the courts it counts
# (node_courts), return the section. None: node_section through the port.
Nodes = Callable[[Session, dt.date, tuple[int, ...]], dict[str, Any] | None]


def build_snapshot(session: Session, port: IndicatorPort, *, today: dt.date,
                   court_code: str = "", tz: dt.tzinfo = dt.UTC,
                   core: Core | None = None, nodes: Nodes | None = None,
                   copies: SafeCopies | None = None) -> dict[str, Any]:
    """Compute the snapshot body (everything but version, timing and status).

    The views and the trend (the indicator core, the expensive part) come from `core` when
    given (the refresher's incremental core), else from the port, and the 节点管控 section from
    `nodes` likewise; every other section is computed here on every build (a new section goes
    next to feed/campaign below). `copies`: the entity rows' JSON-safe copies of the last
    build, reused for the rows handed in again (db/snapshot/jsonsafe.py SafeCopies)."""
    # The first read: on a consistent-read session (db.session.begin_consistent_read) every
    # later pass sees the database as of this as-of.
    as_of = data_as_of(session)
    periods = standard_periods(today)
    court = pick_court(session, court_code)
    body: dict[str, Any] = {"as_of": iso(as_of), "court": None,
                            "definitions": _definitions(port.settings),
                            "periods": periods, "views": {}, "trend": None, "nodes": None,
                            "feed": [], "campaign": None, "campaigns_live": [], "center": None}
    if court is None:
        return body
    org = load_org(session, court)
    if core is not None:
        views, trend = core(session, org, periods, today)
    else:
        views, trend = _views(session, port, org, periods, today), _trend(session, port, org, today)
    views, rows = split_views(views)
    if org.region is not None:
        # the 辖区 (a 中院's courts): from the same pass as the views, so one consistent view
        body["region"] = region_part(org.region, rows)
    body.update(
        court={"id": court.id, "code": court.code, "name": court.name},
        views=views,
        trend=trend,
        nodes=(nodes or (lambda s, day, courts: node_section(s, port, day, courts)))(
            session, today, node_courts(session, org)),
        feed=latest_feed(session, court.id, tz=tz),
        campaign=campaign_summary(session, court.id, today, tz=tz),
        # the running 专项行动 shown on the wall (their own screen joins the rotation)
        campaigns_live=[campaign_report(session, cid, today, tz=tz, settings=port.settings)
                        for cid in running_on_wall(session, court.id, today)[:WALL_CAMPAIGNS]],
        center=_center(session, port, org, today),
    )
    return json_safe(body) if copies is None else json_safe_kept(body, copies)
