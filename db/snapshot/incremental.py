"""The snapshot's indicator core, recomputed only for the teams whose data changed.

The expensive part of a snapshot is its indicator figures: 本年至今 and 本月 (court, every
team, every officer, with the year-earlier comparison and the court's split by team), each
team since its founding day, and the 12-month trend of the court and the teams. All of them
are read from additive sums per (court, team, officer) group (db.indicators.engine.gather).
`IndicatorCore` keeps those groups of the last snapshot, one set per pass:

* a full build gathers every pass over all cases (engine.gather_jobs: one grouped query
  per source table and pass, the 分流 and center rows once for all passes; on PostgreSQL
  本年至今 and 本月 share one case pass, and so do the founding days);
* an incremental build re-gathers, per pass, only the groups of the changed teams (the
  holders' indexes; `engine.gather(teams=...)`; on PostgreSQL sharing case passes as a full
  build does, which at 10,000,000 cases cut its case reads by about a third), drops their
  old groups, adds the new ones, and derives every figure again from the merged groups.
  Court figures are sums of the groups, so they are exact without reading the court's other
  cases.

Which teams changed comes from the change log (db/snapshot/changes.py, filled by database
triggers on cases and payments: the old and the new holder of each changed row). Anything the
groups do not cover forces a full build: another day (the periods move), another court, any
change to teams or officers (the org signature), or no groups kept (a new process, another
leader published since). The other sections of a snapshot (nodes, feed, campaign, and what
later sections add) are recomputed by the builder on every build; they read few rows.
May import what db.snapshot may (the package docstring of db/snapshot/__init__.py).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.indicators.engine import (
    LEVEL_INDEX,
    Sums,
    all_from_groups,
    chosen_indicators,
    gather_jobs,
    needs_by_source,
    scope_from_groups,
    trend_from_groups,
)
from db.indicators.period import Period
from db.indicators.settings import SCOPES
from db.indicators.sql import court_cases
from db.models import Court, Officer, Team

Groups = dict[tuple[Any, ...], Sums]
# per scope: the groups' sums rolled up per entity, and how many groups each entity has
Rolled = dict[str, tuple[dict[Any, Sums], dict[Any, int]]]
ROLLED_SCOPES = ("court", "team")  # officer results are made from their own few groups


@dataclass(frozen=True)
class Pass:
    """One gather: periods, indicators and scopes whose groups are kept."""

    name: str
    periods: tuple[Period, ...]
    keys: tuple[str, ...] | None  # None: the standard indicators (engine.chosen_indicators)
    scopes: tuple[str, ...]
    teams: frozenset[int] | None = None  # only these teams' groups (since founding)
    # per period, the indicators read there (None: `keys` in every period): the trend's
    # year-to-date months serve the cumulative closure rate only
    period_keys: tuple[tuple[str, ...], ...] | None = None
    # only the snapshot court's own figures are read (the trend: the court and its teams):
    # where the database holds other courts, only the cases that make them (`own_cases`)
    own: bool = False


@dataclass
class CoreState:
    """The groups of one snapshot and what they were computed for."""

    signature: str
    groups: dict[str, Groups]
    version: int | None = None  # the snapshot version they were published with
    # the figures derived from them: pass name -> scope -> entity id -> result
    derived: dict[str, dict[str, dict[Any, dict[str, Any]]]] = field(default_factory=dict)
    # pass name -> the groups rolled up to the court and the teams (_roll)
    rolled: dict[str, Rolled] = field(default_factory=dict)


@dataclass
class CoreResult:
    views: dict[str, Any]
    trend: dict[str, Any]
    state: CoreState
    mode: str  # "full" or "incremental"
    teams: frozenset[int | None] = frozenset()  # the teams re-gathered (incremental)


def org_signature(session: Session, today: dt.date, court_id: int) -> str:
    """A digest of the day, the court and every court, team and officer row (small tables;
    a court renamed or moved in the tree changes the 辖区 part's rows)."""
    digest = hashlib.sha256(f"{today.isoformat()}|{court_id}".encode())
    for table in (Court.__table__, Team.__table__, Officer.__table__):
        for row in session.execute(select(table).order_by(table.c.id)):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


@dataclass
class IndicatorCore:
    """Builds the views and the trend of a snapshot from kept groups (see the module doc).

    `settings`/`keys` are the port's (db.snapshot.builder.IndicatorPort)."""

    settings: Any
    keys: Sequence[str]
    trend_keys: Sequence[str]
    cumulative_key: str | None
    state: CoreState | None = field(default=None)

    def passes(self, org: Any, periods: Mapping[str, Mapping[str, Any]], today: dt.date,
               months: Sequence[Period]) -> list[Pass]:
        out = [Pass(name, (_period(info), _period(info, True)), None, tuple(SCOPES))
               for name, info in periods.items()]
        by_day: dict[dt.date, set[int]] = {}
        for team_id in org.team_ids:
            start = org.founded.get(team_id)
            if start is not None and start <= today:
                by_day.setdefault(start, set()).add(team_id)
        out += [Pass(f"founding:{start.isoformat()}", (Period(start, today),), None, ("team",),
                     frozenset(teams)) for start, teams in sorted(by_day.items())]
        trend_keys = tuple(k for k in self.trend_keys if k in self.keys)
        cumulative = self.cumulative_key if self.cumulative_key in self.keys else None
        if trend_keys or cumulative:
            both = list(months) + [p.previous_year() for p in months]
            ytd = [Period(p.start.replace(month=1, day=1), p.end) for p in both]
            keys = tuple(dict.fromkeys((*trend_keys, *([cumulative] if cumulative else []))))
            out.append(Pass("trend", tuple(both + ytd), keys, ("court", "team"),
                            period_keys=(keys,) * len(both) + (keys if cumulative is None
                                                               else (cumulative,),) * len(ytd),
                            own=True))
        return out

    def _needs(self, p: Pass, keys: Sequence[str] | None = None) -> dict[str, list[Any]]:
        """The sums `p` reads: of its keys, else of the standard indicators, the ones its
        views derive (engine.chosen_indicators: the center's own figures are the snapshot's
        center part, read there)."""
        indicators = chosen_indicators(self.settings, keys or p.keys)
        return needs_by_source(indicators, self.settings, p.scopes)

    def _period_needs(self, p: Pass) -> list[set[Any]] | None:
        """Per period of `p`, the case needs of its indicators (None: all in every period)."""
        if p.period_keys is None:
            return None
        of_keys = {keys: set(self._needs(p, keys).get("cases", ()))
                   for keys in set(p.period_keys)}
        return [of_keys[keys] for keys in p.period_keys]

    def _gather_changed(self, session: Session, passes: Sequence[Pass],
                        teams: frozenset[int | None] | None,
                        court: int | None = None,
                        own: Any = None) -> dict[str, Groups]:
        """Every pass's groups (engine.gather_jobs): of the changed `teams` in an incremental
        build, of all teams (None) in a full one, a founding-day pass only of its own teams
        (as `engine.gather(…, teams=…)` per pass). A pass that reads no officer figures groups
        its cases by court and team only, which `_kept` would make of the officer groups
        anyway. `court`: the snapshot's court, the only one whose officers it shows: the cases
        of its 辖区's other courts group by court and team (engine.gather_jobs'
        `officer_courts`); `own`: the condition on cases of a pass of the court's own figures
        (`Pass.own`, `own_cases`), None: every case."""
        jobs: list[tuple[Pass, Collection[int | None] | None]] = []
        for p in passes:
            wanted = p.teams if teams is None else (teams if p.teams is None
                                                    else teams & p.teams)
            if wanted is None or wanted:
                jobs.append((p, wanted))
        found = gather_jobs(session, [(list(p.periods), self._needs(p), wanted)
                                      for p, wanted in jobs], self.settings,
                            ["officer" in p.scopes for p, _ in jobs],
                            [self._period_needs(p) for p, _ in jobs],
                            officer_courts=None if court is None else [court],
                            wheres=[own if p.own else None for p, _ in jobs])
        out: dict[str, Groups] = {p.name: {} for p in passes}
        for (p, _), groups in zip(jobs, found, strict=True):
            out[p.name] = _kept(p, groups)
        return out

    def compute(self, session: Session, org: Any, periods: Mapping[str, Mapping[str, Any]],
                today: dt.date, months: Sequence[Period],
                changed: Collection[int | None] | None, version: int | None = None,
                ) -> CoreResult:
        """Views and trend; incremental when `changed` (teams) is given and the kept groups
        are for the same day, court and org at snapshot `version`; else full."""
        signature = org_signature(session, today, org.court.id)
        passes = self.passes(org, periods, today, months)
        kept = self.state
        usable = (changed is not None and kept is not None and kept.signature == signature
                  and (version is None or kept.version == version)
                  and all(p.name in kept.groups for p in passes))
        groups: dict[str, Groups] = {}
        keep: dict[str, dict[str, dict[Any, dict[str, Any]]]] = {}
        rolled: dict[str, Rolled] = {}
        if usable and kept is not None and changed is not None:
            teams = frozenset(changed)
            gathered = self._gather_changed(session, passes, teams, org.court.id,
                                            own_cases(session, org.court.id)) if teams else {}
            for p in passes:
                old = kept.groups[p.name]
                merged = {h: s for h, s in old.items() if h[1] not in teams} if teams else old
                fresh = gathered.get(p.name, {})
                merged.update(fresh)
                groups[p.name] = merged
                keep[p.name] = _unchanged(kept.derived.get(p.name, {}), old, fresh, teams)
                if p.name in kept.rolled:
                    rolled[p.name] = _rolled_again(
                        kept.rolled[p.name], {h: s for h, s in old.items() if h[1] in teams},
                        fresh) if teams else kept.rolled[p.name]
            mode = "incremental"
        else:
            groups = self._gather_changed(session, passes, None, org.court.id,
                                          own_cases(session, org.court.id))
            mode, teams = "full", frozenset()
        for p in passes:
            if p.teams is None and p.name not in rolled:
                rolled[p.name] = _roll(groups[p.name])
        derived: dict[str, dict[str, dict[Any, dict[str, Any]]]] = {}
        views, trend = self.derive(session, org, periods, passes, groups, months, keep, derived,
                                   rolled)
        return CoreResult(views, trend, CoreState(signature, groups, derived=derived,
                                                  rolled=rolled), mode, teams)

    def derive(self, session: Session, org: Any, periods: Mapping[str, Mapping[str, Any]],
               passes: Sequence[Pass], groups: Mapping[str, Groups],
               months: Sequence[Period],
               keep: Mapping[str, Mapping[str, Mapping[Any, dict[str, Any]]]] | None = None,
               derived: dict[str, dict[str, dict[Any, dict[str, Any]]]] | None = None,
               rolled: Mapping[str, Rolled] | None = None,
               ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The builder's views and trend (db/snapshot/builder.py) from the groups.

        `keep` (incremental): per pass and scope, the previous results of the entities whose
        groups did not change, reused as they are; `derived` receives every result made, per
        pass and scope (the next incremental build's `keep`); `rolled`: per pass, its groups
        rolled up to the court and the teams (_roll; an incremental build adjusts the kept
        ones by the changed groups, _rolled_again), read instead of rolling up again."""
        from db.snapshot.builder import period_view, shown_entities

        keep = keep or {}
        sums = {name: {scope: found[0] for scope, found in by_scope.items()}
                for name, by_scope in (rolled or {}).items()}
        derived = {} if derived is None else derived
        shown = shown_entities(org)  # nothing else is derived
        views: dict[str, Any] = {}
        for name in periods:
            (p,) = [x for x in passes if x.name == name]
            every = all_from_groups(session, groups[name], list(p.periods), self.settings,
                                    parts_for=org.team_ids, keep=keep.get(name),
                                    rolled=sums.get(name), only=shown,
                                    parts_court=org.court.id)
            derived[name] = {scope: {r["id"]: r for r in every.get(scope, [])}
                             for scope in SCOPES}
            # the builder's shape, with the 辖区 rows of a 中院 (db/snapshot/region.py): every
            # court and team is derived from the merged groups, so they are exact too
            views[name] = period_view(every, org)
        found: list[dict[str, Any]] = []
        for p in passes:
            if p.teams is not None:
                made = scope_from_groups(session, groups[p.name], "team", sorted(p.teams),
                                         list(p.periods), self.settings,
                                         keep=keep.get(p.name, {}).get("team"))
                derived[p.name] = {"team": {r["id"]: r for r in made}}
                found += made
        views["since_founding"] = {"teams": _pick(found, [t for t in org.team_ids
                                                          if t in org.founded])}
        return views, self._trend(session, org, passes, groups, months, sums.get("trend", {}))

    def _trend(self, session: Session, org: Any, passes: Sequence[Pass],
               groups: Mapping[str, Groups], months: Sequence[Period],
               rolled: Mapping[str, Mapping[Any, Sums]]) -> dict[str, Any]:
        from db.snapshot.builder import trend_shell

        out = trend_shell(self.settings, self.keys, org, months)
        trend = [p for p in passes if p.name == "trend"]
        if not trend:
            return out
        found, n = groups["trend"], len(months)
        court_id = org.court.id

        def series(key: str, scope: str, ids: list[int], first: int) -> dict[Any, Any]:
            both = trend_from_groups(session, found, key, scope, ids, first + 2 * n,
                                     self.settings, rolled.get(scope))
            return {i: {"values": both.get(i, [])[first:first + n],
                        "compare_values": both.get(i, [])[first + n:first + 2 * n]}
                    for i in ids}

        from db.snapshot.builder import CUMULATIVE_KEY

        if CUMULATIVE_KEY[1] in self.keys:
            out["court"][CUMULATIVE_KEY[0]] = series(CUMULATIVE_KEY[1], "court", [court_id],
                                                     2 * n)[court_id]
        for key in [k for k in self.trend_keys if k in self.keys]:
            out["court"][key] = series(key, "court", [court_id], 0)[court_id]
            if org.team_ids:
                for team_id, values in series(key, "team", org.team_ids, 0).items():
                    out["teams"][team_id][key] = values
        return out


def own_cases(session: Session, court_id: int) -> Any:
    """The cases that make the court's own figures and its teams' (sql.court_cases), or None
    when the database holds no other court (the condition would only cost)."""
    if session.scalar(select(func.count()).select_from(Court)) == 1:
        return None
    teams = session.scalars(select(Team.id).where(Team.court_id == court_id)).all()
    return court_cases(court_id, teams)


def _roll(groups: Groups) -> Rolled:
    """The groups rolled up to each of ROLLED_SCOPES, with the number of groups per entity."""
    out: Rolled = {}
    for scope in ROLLED_SCOPES:
        index = LEVEL_INDEX[scope]
        by_entity: dict[Any, Sums] = {}
        count: dict[Any, int] = {}
        for group, sums in groups.items():
            entity = group[index]
            target = by_entity.setdefault(entity, {})
            for key, value in sums.items():
                target[key] = target.get(key, 0) + value
            count[entity] = count.get(entity, 0) + 1
        out[scope] = (by_entity, count)
    return out


def _rolled_again(before: Rolled, gone: Groups, fresh: Groups) -> Rolled:
    """`before` without the changed teams' old groups (`gone`) and with their new ones: the
    sums are counts, days and cents, so subtracting and adding is exact. Only the entities
    touched are copied; an entity left with no group is dropped (as a rollup would)."""
    out: Rolled = {}
    for scope, (sums_before, count_before) in before.items():
        index = LEVEL_INDEX[scope]
        by_entity, count = dict(sums_before), dict(count_before)
        copied: set[Any] = set()
        for groups, sign in ((gone, -1), (fresh, 1)):
            for group, sums in groups.items():
                entity = group[index]
                if entity not in copied:
                    by_entity[entity] = dict(by_entity.get(entity, {}))
                    copied.add(entity)
                target = by_entity[entity]
                for key, value in sums.items():
                    target[key] = target.get(key, 0) + sign * value
                count[entity] = count.get(entity, 0) + sign
        for entity in [e for e, n in count.items() if n == 0]:
            del count[entity]
            del by_entity[entity]
        out[scope] = (by_entity, count)
    return out


def _kept(p: Pass, found: Mapping[tuple[Any, ...], Sums]) -> Groups:
    """The groups a pass keeps: (court, team, officer), or (court, team, None) when it reads
    no officer figures (5-10x fewer)."""
    if "officer" in p.scopes:
        return dict(found)
    out: Groups = {}
    for (court, team, _officer), sums in found.items():
        target = out.setdefault((court, team, None), {})
        for key, value in sums.items():
            target[key] = target.get(key, 0) + value
    return out


def _unchanged(before: Mapping[str, Mapping[Any, dict[str, Any]]], old: Groups,
               fresh: Groups, teams: Collection[int | None]) -> dict[str, dict[Any, Any]]:
    """Per scope, the previous results of the entities none of whose groups (before or after)
    is of a changed team: their sums, hence their figures, are as before."""
    out: dict[str, dict[Any, Any]] = {}
    for scope, results in before.items():
        index = LEVEL_INDEX[scope]
        dirty = {h[index] for h in old if h[1] in teams} | {h[index] for h in fresh}
        out[scope] = {i: r for i, r in results.items() if i not in dirty}
    return out


def _period(info: Mapping[str, Any], compare: bool = False) -> Period:
    prefix = "compare_" if compare else ""
    return Period(dt.date.fromisoformat(info[f"{prefix}start"]),
                  dt.date.fromisoformat(info[f"{prefix}end"]))


def _pick(results: list[dict[str, Any]], ids: Sequence[int]) -> list[dict[str, Any]]:
    by_id = {r["id"]: r for r in results}
    return [by_id[i] for i in ids if i in by_id]


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """The path of the first place where two JSON values differ, or None."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        for key in sorted(set(a) | set(b), key=str):
            found = first_difference(a.get(key), b.get(key), f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r} ≠ {b!r}"


def incremental_differences(session: Session, core: IndicatorCore, org: Any,
                            periods: Mapping[str, Mapping[str, Any]], today: dt.date,
                            months: Sequence[Period], views: Mapping[str, Any],
                            trend: Mapping[str, Any], sample: int = 5,
                            region: Mapping[str, Any] | None = None) -> list[str]:
    """Check the incremental path against a full snapshot's views and trend on the same data.

    A full core build, then an incremental one that re-gathers up to `sample` teams of the
    court (and of each court of its 辖区) and the cases of no team and merges them into the
    kept groups: both must give `views`/`trend` and the 辖区 part `region` (built through the
    indicator port, the reference; None: the snapshot has none). Returns what differs."""
    full = core.compute(session, org, periods, today, months, None)
    found = [f"全量（分组）：{d}" for d in _differences(full, org, views, trend, region)]
    saved = core.state
    try:
        core.state = full.state
        teams: set[int | None] = {*org.team_ids[:sample], None}
        for court in (org.region.courts if org.region is not None else []):
            teams.update(court["teams"][:sample])
        step = core.compute(session, org, periods, today, months, teams)
    finally:
        core.state = saved
    if step.mode != "incremental":
        found.append(f"增量：未走增量路径（{step.mode}）")
    return found + [f"增量：{d}" for d in _differences(step, org, views, trend, region)]


def _differences(result: CoreResult, org: Any, views: Mapping[str, Any],
                 trend: Mapping[str, Any], region: Mapping[str, Any] | None) -> list[str]:
    from db.snapshot.region import region_part, split_views

    mine_views, rows = split_views(result.views)
    mine_region = region_part(org.region, rows) if org.region is not None else None
    found = []
    for label, mine, ref in (("views", mine_views, views), ("trend", result.trend, trend),
                             ("region", mine_region, region)):
        diff = first_difference(json_round(mine), json_round(ref), label)
        if diff:
            found.append(diff)
    return found


def json_round(value: Any) -> Any:
    """The value as it is stored (JSON: integer keys become strings)."""
    import json

    from db.snapshot.jsonsafe import json_safe

    return json.loads(json.dumps(json_safe(value)))
