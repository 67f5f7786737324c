"""Compute one snapshot: the standard views, trend, feed and campaign of one court.

The indicator values come from db.indicators (through `IndicatorPort`, so tests can
inject an engine); this module only chooses scopes and periods and shapes the result.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.indicators.period import Period, month_periods, shift_months
from db.models import Case, Court, DataState, Officer, Team
from db.session import DATA_KEY
from db.snapshot.activity import campaign_summary, latest_feed
from db.snapshot.jsonsafe import json_safe
from db.snapshot.store import iso

TREND_MONTHS = 12
# Trend lines on the wall; keys missing from the registry are skipped.
TREND_KEYS = ("closure_rate", "closed", "new", "completion_rate", "first_avg_days")
CUMULATIVE_KEY = ("closure_rate_ytd", "closure_rate")  # (series name, indicator key)
PERIOD_LABELS = {"ytd": "本年至今", "mtd": "本月"}


@dataclass(frozen=True)
class IndicatorPort:
    """The part of db.indicators a snapshot needs (injectable for tests)."""

    compute: Callable[..., list[dict[str, Any]]]
    compute_all: Callable[..., dict[str, list[dict[str, Any]]]]
    monthly_trend: Callable[..., dict[Any, list[Any]]]
    settings: Any
    keys: Sequence[str]  # every registry key: trend keys are filtered against it
    # (session, today) -> the node-control summary; None leaves "nodes" null
    node_summary: Callable[[Session, dt.date], dict[str, Any]] | None = None


def default_port(settings_path: str | None,
                 app_settings: Mapping[str, Any] | None = None) -> IndicatorPort:
    """Bind the real indicator engine (and node rules, given app settings)."""
    from db import indicators

    summary = None
    if app_settings is not None:
        from db.nodes.counts import node_summary
        from db.nodes.rules import load_rules_from_settings

        rules = load_rules_from_settings(app_settings)

        def summary(session: Session, today: dt.date) -> dict[str, Any]:
            return node_summary(session, today, rules)

    return IndicatorPort(
        compute=indicators.compute,
        compute_all=indicators.compute_all,
        monthly_trend=indicators.monthly_trend,
        settings=indicators.load_indicator_settings(settings_path or None),
        keys=tuple(indicators.REGISTRY),
        node_summary=summary,
    )


@dataclass(frozen=True)
class Org:
    court: Court
    team_ids: list[int]
    officer_ids: list[int]
    founded: dict[int, dt.date]


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
    """Return the court's active teams and officers in display order."""
    teams = session.execute(
        select(Team.id, Team.founded_on)
        .where(Team.court_id == court.id, Team.active.is_(True))
        .order_by(Team.sort_order, Team.id)
    ).all()
    officers = session.scalars(
        select(Officer.id)
        .where(Officer.court_id == court.id, Officer.active.is_(True))
        .order_by(Officer.team_id, Officer.id)
    ).all()
    return Org(court, [t.id for t in teams], list(officers),
               {t.id: t.founded_on for t in teams if t.founded_on})


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
                             settings=port.settings, parts_for=org.team_ids)
    court = _pick(every.get("court", []), [org.court.id])
    return {"court": court[0] if court else None,
            "teams": _pick(every.get("team", []), org.team_ids),
            "officers": _pick(every.get("officer", []), org.officer_ids),
            "court_parts": every.get("court_parts")}


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


def _targets(settings: Any, key: str, months: list[Period]) -> list[Any]:
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


def _trend(session: Session, port: IndicatorPort, org: Org, today: dt.date) -> dict[str, Any]:
    months = trend_months(today)
    keys = [k for k in TREND_KEYS if k in port.keys]
    court_id = org.court.id
    out: dict[str, Any] = {"months": [p.start.strftime("%Y-%m") for p in months],
                           "court": {}, "teams": {t: {} for t in org.team_ids},
                           "targets": {k: _targets(port.settings, k, months) for k in keys}}
    if CUMULATIVE_KEY[1] in port.keys:
        # 本年累计结案率: what the monthly 审执结案进度 floors are set against.
        name, key = CUMULATIVE_KEY
        out["court"][name] = _series(session, port, key, "court", [court_id],
                                     year_to_date(months))[court_id]
        out["targets"][name] = _targets(port.settings, name, months)
    for key in keys:
        out["court"][key] = _series(session, port, key, "court", [court_id], months)[court_id]
        if org.team_ids:
            for team_id, series in _series(session, port, key, "team", org.team_ids,
                                           months).items():
                out["teams"][team_id][key] = series
    return out


def _definitions(settings: Any) -> dict[str, Any]:
    """Formula and case-scope label of every indicator per level (the wall's tooltips)."""
    from db.indicators.texts import definitions

    try:
        return definitions(settings)
    except AttributeError:  # an injected test port without real settings
        return {}


def build_snapshot(session: Session, port: IndicatorPort, *, today: dt.date,
                   court_code: str = "", tz: dt.tzinfo = dt.UTC) -> dict[str, Any]:
    """Compute the snapshot body (everything but version, timing and status)."""
    # The first read: on a consistent-read session (db.session.begin_consistent_read) every
    # later pass sees the database as of this as-of.
    as_of = data_as_of(session)
    periods = standard_periods(today)
    court = pick_court(session, court_code)
    body: dict[str, Any] = {"as_of": iso(as_of), "court": None,
                            "definitions": _definitions(port.settings),
                            "periods": periods, "views": {}, "trend": None, "nodes": None,
                            "feed": [], "campaign": None}
    if court is None:
        return body
    org = load_org(session, court)
    body.update(
        court={"id": court.id, "code": court.code, "name": court.name},
        views=_views(session, port, org, periods, today),
        trend=_trend(session, port, org, today),
        nodes=port.node_summary(session, today) if port.node_summary else None,
        feed=latest_feed(session, court.id, tz=tz),
        campaign=campaign_summary(session, court.id, today, tz=tz),
    )
    return json_safe(body)
