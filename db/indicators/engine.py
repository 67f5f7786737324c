"""Compute indicators for a scope and period: gather sums in SQL, roll up, read values."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from db.indicators.center import center_sums, center_sums_jobs
from db.indicators.entities import scope_entities
from db.indicators.format import change, display, quantize
from db.indicators.grouping import SHAPES
from db.indicators.payments import officer_sums, payment_sums
from db.indicators.period import Period
from db.indicators.registry import (
    CAVEAT_RULE,
    CENTER,
    PACE_TARGETS,
    Indicator,
    is_money,
    measure_source,
    split_measure,
)
from db.indicators.settings import SCOPES, IndicatorSettings, load_indicator_settings
from db.indicators.sql import (
    TRACK_ROWS,
    Need,
    case_sums,
    case_sums_shared,
    need_of,
    union_teams,
)
from db.indicators.status import pace_status, status
from db.indicators.triage import triage_sums, triage_sums_jobs

LEVEL_INDEX = {"court": 0, "team": 1, "officer": 2}
Sums = dict[tuple[int, Need], int]


def chosen_indicators(settings: IndicatorSettings, keys: Iterable[str] | None) -> list[Indicator]:
    """The indicators of `keys`; without keys the standard ones (the center's own only by key)."""
    chosen = list(keys) if keys else [k for k, i in settings.indicators.items()
                                      if i.group != CENTER]
    for key in chosen:
        if key not in settings.indicators:
            raise ValueError(f"未知的指标“{key}”（可选：{'、'.join(settings.indicators)}）")
    return [settings.indicators[k] for k in chosen]


def _parts(ind: Indicator) -> list[str]:
    return [ind.numerator] + ([ind.denominator] if ind.denominator else [])


def needs_by_source(
    indicators: Sequence[Indicator], settings: IndicatorSettings, scopes: Sequence[str]
) -> dict[str, list[Need]]:
    """Group the distinct (measure, categories) pairs by the pass that sums them: the table
    they come from, except the closed cases by track (繁简分流's 简案/繁案 用时, sql.TRACK_ROWS),
    which the case pass sums with the track as one more key instead of a scan of their own."""
    found: dict[str, set[Need]] = defaultdict(set)
    for ind in indicators:
        for scope in scopes:
            cats = settings.categories(ind, scope)
            for measure in _parts(ind):
                source = measure_source(measure)
                if split_measure(measure)[0] in TRACK_ROWS:
                    source = "cases"
                found[source].add(Need(measure, cats))
    return {src: sorted(n, key=lambda x: (x.measure, x.categories)) for src, n in found.items()}


def gather(
    session: Session, periods: Sequence[Period], needs: Mapping[str, Sequence[Need]],
    settings: IndicatorSettings, scope: str | None = None, ids: Sequence[int] | None = None,
    teams: Collection[int | None] | None = None,
    cases_where: ColumnElement[bool] | None = None,
    holders: Mapping[str, Collection[int]] | None = None,
) -> dict[tuple[Any, ...], Sums]:
    """Run one grouped query per source table and merge the groups.

    `teams` (the incremental refresh, db/snapshot/incremental.py): only the (court, team,
    officer) groups of the listed teams (None: no team), each complete, from the cases,
    payments and officers of those teams (read through the holder indexes).
    `holders` (per scope, the entities an answer lists: compute_all's `only`): the payments'
    and the center's groups are read only for them (sql.holders_in; the other sources whole —
    their groups of other entities are derived for no one).
    `cases_where`: a condition on `cases` that restricts every measure to a subset of cases
    (a campaign's scope); measures not made of case rows (员额法官, the center's work rows)
    cannot be restricted."""
    if cases_where is not None and (needs.get("officers") or needs.get("center")):
        raise ValueError("该指标含员额法官人数或中心事务，不能按案件范围统计")
    merged: dict[tuple[Any, ...], Sums] = defaultdict(dict)
    parts = (
        case_sums(session, periods, needs.get("cases", ()), settings, scope, ids,
                  teams=teams, cases_where=cases_where),
        payment_sums(session, periods, needs.get("payments", ()), settings, scope, ids,
                     teams=teams, cases_where=cases_where, holders=holders),
        officer_sums(session, periods, needs.get("officers", ()), scope, ids, teams),
        center_sums(session, periods, needs.get("center", ()), settings, scope, ids, teams,
                    holders=holders),
        triage_sums(session, periods, needs.get("triage", ()), scope, ids, cases_where, teams),
    )
    for part in parts:
        for group, sums in part.items():
            merged[group].update(sums)
    return merged


def gather_jobs(
    session: Session,
    jobs: Sequence[tuple[Sequence[Period], Mapping[str, Sequence[Need]],
                         Collection[int | None] | None]],
    settings: IndicatorSettings, officers: Sequence[bool] | None = None,
    period_needs: Sequence[Sequence[Collection[Need]] | None] | None = None,
    officer_courts: Collection[int] | None = None,
    wheres: Sequence[ColumnElement[bool] | None] | None = None,
) -> list[dict[tuple[Any, ...], Sums]]:
    """`gather(session, periods, needs, settings, teams=teams)` for every (periods, needs,
    teams) job — the snapshot's passes: all teams (None) in a full build, the changed teams in
    an incremental one — with the 分流 rows read once for all jobs (triage.triage_sums_jobs)
    and the center's rows once per row set for all periods of all jobs
    (center.center_sums_jobs), over the union of the jobs' teams; each answer equals the
    job's own gather. The cases and the payments keep one pass per job (but see below): one
    pass over the periods of every job was slower on the "columns" and "buckets" query shapes
    (their cost is per row and filter, not the read; docs/operations.md, 增量刷新), and the
    payments' scan starts at the job's earliest period, on which 待发放 of a receipt paid out
    in part before it depends.

    `officers[k]` False: job k reads no officer figures, so its cases are grouped by court
    and team only (sql.case_sums(levels=…): groups (court, team, None), several times fewer
    than per officer; the caller sums the other sources' officer groups per team).
    `period_needs[k]`: job k's case needs per period (sql.case_sums), None: all of them.
    Jobs of the same case needs and levels (本年至今 and 本月; the founding days) read their
    cases in one pass where the query shape makes that cheaper (sql.case_sums_shared; each
    answer is still the job's own), in full and incremental builds alike.
    `officer_courts`: the cases are grouped by officer only in these courts, elsewhere by
    court and team (sql.holder_keys): officer figures are right only for those courts'
    officers, court and team figures everywhere.
    `wheres[k]`: a condition on the cases job k reads (sql.case_sums' `cases_where`; the
    other sources are read whole): its groups are right only where the condition keeps every
    case of the group (sql.court_cases)."""
    every = union_teams(teams for *_, teams in jobs)
    triage = triage_sums_jobs(session, [(periods, needs.get("triage", ()))
                                        for periods, needs, _ in jobs], every)
    center = center_sums_jobs(session, [(periods, needs.get("center", ()))
                                        for periods, needs, _ in jobs], settings, every)
    levels = [None if officers is None or officers[k] else ("court", "team")
              for k in range(len(jobs))]
    wheres = wheres or [None] * len(jobs)
    shared = _shared_case_sums(session, jobs, settings, levels, period_needs,
                               officer_courts, wheres)
    out = []
    for k, (periods, needs, teams) in enumerate(jobs):
        merged: dict[tuple[Any, ...], Sums] = defaultdict(dict)
        cases = shared[k] if k in shared else case_sums(
            session, periods, needs.get("cases", ()), settings, teams=teams, levels=levels[k],
            period_needs=None if period_needs is None else period_needs[k],
            officer_courts=officer_courts, cases_where=wheres[k])
        parts = (
            cases,
            payment_sums(session, periods, needs.get("payments", ()), settings, teams=teams,
                         officer_courts=officer_courts),
            officer_sums(session, periods, needs.get("officers", ()), teams=teams),
            {h: s for h, s in center[k].items() if teams is None or h[1] in teams},
            {h: s for h, s in triage[k].items() if teams is None or h[1] in teams},
        )
        for part in parts:
            for group, sums in part.items():
                merged[group].update(sums)
        out.append(merged)
    return out


def _shared_case_sums(
    session: Session,
    jobs: Sequence[tuple[Sequence[Period], Mapping[str, Sequence[Need]],
                         Collection[int | None] | None]],
    settings: IndicatorSettings, levels: Sequence[tuple[str, ...] | None],
    period_needs: Sequence[Sequence[Collection[Need]] | None] | None,
    officer_courts: Collection[int] | None = None,
    wheres: Sequence[ColumnElement[bool] | None] | None = None,
) -> dict[int, dict[tuple[Any, ...], Sums]]:
    """{job index: its case_sums} for the jobs that share a pass (gather_jobs): on
    the "staged" query shape, each set of two or more jobs with the same case needs and
    levels, no per-period needs and no condition of its own."""
    if SHAPES.get(session.get_bind().dialect.name) != "staged":
        return {}
    alike: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for k, (_periods, needs, _teams) in enumerate(jobs):
        cases = tuple(needs.get("cases", ()))
        if cases and (period_needs is None or period_needs[k] is None) \
                and (wheres is None or wheres[k] is None):
            alike[(cases, levels[k])].append(k)
    out: dict[int, dict[tuple[Any, ...], Sums]] = {}
    for (cases, level), ks in alike.items():
        if len(ks) > 1:
            found = case_sums_shared(session, [(jobs[k][0], jobs[k][2]) for k in ks],
                                     cases, settings, level, officer_courts)
            out.update(zip(ks, found, strict=True))
    return out


def rollup(groups: Mapping[tuple[Any, ...], Sums], scope: str) -> dict[Any, Sums]:
    """Sum the (court, team, officer) groups into one entry per entity of `scope`."""
    index = LEVEL_INDEX[scope]
    out: dict[Any, Sums] = defaultdict(lambda: defaultdict(int))
    for group, sums in groups.items():
        target = out[group[index]]
        for key, value in sums.items():
            target[key] += value
    return out


def _amount(measure: str, raw: int) -> Decimal:
    return Decimal(raw).scaleb(-2) if is_money(measure) else Decimal(raw)


def _json_number(measure: str, raw: int) -> int | str:
    return str(_amount(measure, raw)) if is_money(measure) else raw


def read_value(
    ind: Indicator, sums: Mapping[tuple[int, Need], int], index: int,
    cats: tuple[str, ...], digits: int,
) -> tuple[Decimal | None, int, int | None]:
    """Return (rounded value or None, raw numerator, raw denominator) for one period."""
    num = sums.get((index, need_of(ind.numerator, cats)), 0)
    if ind.denominator is None:
        return quantize(_amount(ind.numerator, num), digits, ind.rounding), num, None
    den = sums.get((index, need_of(ind.denominator, cats)), 0)
    if den == 0:
        return None, num, den
    ratio = _amount(ind.numerator, num) / _amount(ind.denominator, den)
    if ind.unit == "%":
        ratio *= 100
    return quantize(ratio, digits, ind.rounding), num, den


def _digits(ind: Indicator, settings: IndicatorSettings, team_kind: str | None) -> int:
    per_unit = settings.team_kind_digits.get(team_kind or "", {})
    return per_unit.get(ind.unit, ind.digits)


def period_caveat(period: Period) -> str | None:
    """"月初"/"年初"/"期间短" when a period is too young to judge a ratio (CAVEAT_RULE)."""
    if (period.end - period.start).days + 1 >= CAVEAT_RULE.min_days:
        return None
    if period.start.day == 1:
        return "年初" if period.start.month == 1 else "月初"
    return "期间短"


def basis_text(ind: Indicator, target: Decimal | None,
               targets: Mapping[str, Mapping[int, Decimal]]) -> str | None:
    """The words saying what a status is judged against."""
    t = ind.thresholds
    if target is not None:
        return (f"对照本月进度目标 {float(target):g}%（本年累计{ind.name}月度底线，即趋势图的目标线）；"
                f"低于目标 {abs(t.good - t.warn) if t and t.good is not None and t.warn is not None else 0}"
                f" 个百分点以内为临界")
    if t is None or ind.direction == "none":
        return None
    if ind.direction == "range":
        return f"合理区间 {t.low}–{t.high}{ind.unit}，超出 {t.margin} 以内为临界"
    sign = "≥" if ind.direction == "higher" else "≤"
    return f"达标 {sign}{t.good}{ind.unit}，临界 {sign}{t.warn}{ind.unit}"


def caveat(ind: Indicator, den: int | None, young: str | None) -> str | None:
    """The caveat word of a ratio, or None: too young a period, or too few cases under it."""
    if ind.denominator is None or den is None:
        return None
    if young:
        return young
    if not is_money(ind.denominator) and den < CAVEAT_RULE.min_denominator:
        return "样本少"
    return None


def pace_target(ind: Indicator, settings: IndicatorSettings, period: Period) -> Decimal | None:
    """The month's time-progress target of a 1-January-to-date period (PACE_TARGETS), or None."""
    series = PACE_TARGETS.get(ind.key)
    if series is None or (period.start.month, period.start.day) != (1, 1) \
            or period.start.year != period.end.year:
        return None
    return (settings.monthly_targets.get(series) or {}).get(period.end.month)


def indicator_entry(
    ind: Indicator, sums: Sums, scope: str, settings: IndicatorSettings,
    team_kind: str | None, with_compare: bool, young: str | None = None,
    period: Period | None = None,
) -> dict[str, Any]:
    """Return the JSON object of one indicator for one entity.

    `young`: the period's caveat (period_caveat). A ratio with a caveat keeps its value and
    gets "caveat" (the word) and the neutral status "caveat" instead of a traffic light."""
    cats = settings.categories(ind, scope)
    digits = _digits(ind, settings, team_kind)
    value, num, den = read_value(ind, sums, 0, cats, digits)
    note = caveat(ind, den, young) if value is not None else None
    target = pace_target(ind, settings, period) if period is not None else None
    light = status(ind, value) if target is None else pace_status(ind, value, target)
    entry: dict[str, Any] = {
        "name": ind.name, "unit": ind.unit,
        "value": None if value is None else str(value), "display": display(value, ind.unit),
        "numerator": _json_number(ind.numerator, num),
        "denominator": None if den is None else _json_number(ind.denominator or "", den),
        "status": "caveat" if note and light != "none" else light,
        "caveat": note,
        # what the status was judged against (shown in the tooltip of the figure)
        "basis": basis_text(ind, target, settings.monthly_targets) if value is not None else None,
        "compare_value": None, "compare_display": None, "compare_numerator": None,
        "compare_denominator": None, "delta": None, "delta_display": None,
    }
    if with_compare:
        old, onum, oden = read_value(ind, sums, 1, cats, digits)
        delta, text = change(value, old, ind.unit, digits, ind.rounding)
        entry.update(
            compare_value=None if old is None else str(old),
            compare_display=display(old, ind.unit),
            compare_numerator=_json_number(ind.numerator, onum),
            compare_denominator=None if oden is None else _json_number(ind.denominator or "", oden),
            delta=None if delta is None else str(delta), delta_display=text,
        )
    return entry


def _periods(period: Period | None, compare: Period | bool | None) -> list[Period]:
    if period is None:
        raise ValueError("必须指定统计期间")
    if compare is False:
        return [period]
    return [period, compare if isinstance(compare, Period) else period.previous_year()]


def _results(
    session: Session, scope: str, ids: Sequence[int] | None, groups: Mapping[Any, Sums],
    indicators: Sequence[Indicator], settings: IndicatorSettings, with_compare: bool,
    period: Period, keep: Mapping[Any, dict[str, Any]] | None = None,
    rolled: Mapping[Any, Sums] | None = None, only: Collection[Any] | None = None,
) -> list[dict[str, Any]]:
    """One result per entity of `scope`; `keep` (the incremental refresh): entities whose
    groups did not change, with their previous result, reused instead of derived again;
    `rolled`: the groups already rolled up to `scope` (rollup), one entry per entity that
    has a group; `only`: of the entities listed without `ids`, only these (the others are
    not derived at all)."""
    young = period_caveat(period)
    wanted_ids = ids if ids is not None else only
    if wanted_ids is not None and rolled is None:
        wanted, index = set(wanted_ids), LEVEL_INDEX[scope]
        groups = {g: s for g, s in groups.items() if g[index] in wanted}
    if rolled is not None:
        by_entity: Mapping[Any, Sums] = rolled
        present = set(rolled)
    elif keep:
        index = LEVEL_INDEX[scope]
        present = {group[index] for group in groups}
        by_entity = rollup({g: s for g, s in groups.items() if g[index] not in keep}, scope)
    else:
        by_entity = rollup(groups, scope)
        present = set(by_entity)
    entities = scope_entities(session, scope, ids, present)
    if only is not None:
        allowed = set(only)
        entities = [e for e in entities if e["id"] in allowed]
    results = []
    for entity in entities:
        if keep and entity["id"] in keep:
            results.append(keep[entity["id"]])
            continue
        sums = by_entity.get(entity["id"], {})
        extra = {"team": entity["team"]} if scope == "officer" else {}
        results.append({
            "scope": scope, "id": entity["id"], "name": entity["name"], **extra,
            "indicators": {
                ind.key: indicator_entry(ind, sums, scope, settings, entity.get("team_kind"),
                                         with_compare, young, period)
                for ind in indicators
            },
        })
    return results


def compute(
    session: Session, scope: str = "court", ids: Sequence[int] | None = None,
    period: Period | None = None, compare: Period | bool | None = None,
    settings: IndicatorSettings | None = None, keys: Iterable[str] | None = None,
    cases_where: ColumnElement[bool] | None = None,
) -> list[dict[str, Any]]:
    """Return one JSON-safe object per entity of `scope` (see docs/data-model.md, 指标引擎).

    `cases_where` (a condition on `cases`) restricts every figure to those cases (gather)."""
    if scope not in SCOPES:
        raise ValueError(f"统计层级“{scope}”无效，应为 court/team/officer")
    settings = settings or load_indicator_settings(None)
    indicators = chosen_indicators(settings, keys)
    periods = _periods(period, compare)
    needs = needs_by_source(indicators, settings, [scope])
    groups = gather(session, periods, needs, settings, scope, ids, cases_where=cases_where)
    return _results(session, scope, ids, groups, indicators, settings, len(periods) > 1,
                    periods[0])


def scope_from_groups(
    session: Session, groups: Mapping[tuple[Any, ...], Sums], scope: str,
    ids: Sequence[int] | None, periods: Sequence[Period], settings: IndicatorSettings,
    keys: Iterable[str] | None = None, keep: Mapping[Any, dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """compute's answer for `scope`/`ids` from (court, team, officer) groups of `periods`
    (`keep`: see _results)."""
    indicators = chosen_indicators(settings, keys)
    return _results(session, scope, ids, groups, indicators, settings, len(periods) > 1,
                    periods[0], keep)


def _raw_parts(ind: Indicator, sums: Sums, cats: tuple[str, ...]) -> tuple[int, int | None]:
    num = sums.get((0, need_of(ind.numerator, cats)), 0)
    den = sums.get((0, need_of(ind.denominator, cats)), 0) if ind.denominator else None
    return num, den


def court_parts(
    groups: Mapping[tuple[Any, ...], Sums], indicators: Sequence[Indicator],
    settings: IndicatorSettings, team_ids: Sequence[int],
    by_team: Mapping[Any, Sums] | None = None, court: Any = None,
) -> dict[str, Any]:
    """The court's figures split by team, in the court's own case scope.

    Each indicator's numerator and denominator (counts, days, amounts: all additive) per
    team of `team_ids`, and the rest under "other" (未分配/其他: cases with no team or a
    team not listed). The court's figures are the sum of these parts (`python -m dashboard
    check` verifies it on every snapshot). `by_team`: the groups already rolled up by team;
    `court`: the court's id — only its groups count (a database with several courts: their
    cases are neither this court's teams' nor its 未分配/其他); None: every group."""
    if court is not None:
        own = {g: s for g, s in groups.items() if g[0] == court}
        if len(own) != len(groups):
            groups, by_team = own, None
    if by_team is None:
        by_team = rollup(groups, "team")
    listed = set(team_ids)
    raw: dict[Any, dict[str, tuple[int, int | None]]] = {}
    for team, sums in by_team.items():
        target = raw.setdefault(team if team in listed else "other", {})
        for ind in indicators:
            num, den = _raw_parts(ind, sums, settings.categories(ind, "court"))
            had_num, had_den = target.get(ind.key, (0, None))
            target[ind.key] = (had_num + num,
                               None if den is None else (had_den or 0) + den)

    def entry(slot: Any) -> dict[str, Any]:
        found = raw.get(slot, {})
        out = {}
        for ind in indicators:
            num, den = found.get(ind.key, (0, 0 if ind.denominator else None))
            out[ind.key] = {
                "numerator": _json_number(ind.numerator, num),
                "denominator": None if den is None else _json_number(ind.denominator or "", den),
            }
        return out

    return {"categories": sorted({c for ind in indicators
                                  for c in settings.categories(ind, "court")}),
            "teams": [{"id": t, "indicators": entry(t)} for t in team_ids],
            "other": {"name": OTHER_NAME, "indicators": entry("other")}}


OTHER_NAME = "未分配/其他"


def compute_all(
    session: Session, period: Period, compare: Period | bool | None = None,
    settings: IndicatorSettings | None = None, keys: Iterable[str] | None = None,
    parts_for: Sequence[int] | None = None, parts_court: Any = None,
    only: Mapping[str, Sequence[int]] | None = None,
) -> dict[str, Any]:
    """Compute court, every team and every officer from one pass per source table.

    With `parts_for` (team ids), also "court_parts": the court's figures split over those
    teams and 未分配/其他, from the same groups (see court_parts; `parts_court`: the court
    whose figures are split, None: every group; `only`: per scope, the entities wanted —
    the answer lists no other, see _results)."""
    settings = settings or load_indicator_settings(None)
    indicators = chosen_indicators(settings, keys)
    periods = _periods(period, compare)
    needs = needs_by_source(indicators, settings, SCOPES)
    groups = gather(session, periods, needs, settings,
                    holders=_read_for(only, parts_for, parts_court))
    return all_from_groups(session, groups, periods, settings, keys, parts_for,
                           parts_court=parts_court, only=only)


def _read_for(only: Mapping[str, Sequence[int]] | None, parts_for: Sequence[int] | None,
              parts_court: Any) -> Mapping[str, Sequence[int]] | None:
    """The holders compute_all's groups are read for (gather's `holders`): `only` when it
    names the entities of every scope and the court split by team (`parts_court`) is one of
    them; else None, every group."""
    if only is None or any(only.get(scope) is None for scope in SCOPES):
        return None
    if parts_for is not None and (parts_court is None or parts_court not in only["court"]):
        return None
    return only


def all_from_groups(
    session: Session, groups: Mapping[tuple[Any, ...], Sums], periods: Sequence[Period],
    settings: IndicatorSettings, keys: Iterable[str] | None = None,
    parts_for: Sequence[int] | None = None,
    keep: Mapping[str, Mapping[Any, dict[str, Any]]] | None = None,
    rolled: Mapping[str, Mapping[Any, Sums]] | None = None,
    only: Mapping[str, Sequence[int]] | None = None, parts_court: Any = None,
) -> dict[str, Any]:
    """compute_all's answer from its (court, team, officer) groups (periods: the period and
    maybe its comparison, as gathered; `keep`, `rolled`, `only`: per scope, see _results:
    `only` lists the entities wanted of a scope, an answer without the others)."""
    indicators = chosen_indicators(settings, keys)
    rolled = rolled or {}
    out: dict[str, Any] = {
        scope: _results(session, scope, None, groups, indicators, settings, len(periods) > 1,
                        periods[0], (keep or {}).get(scope), rolled.get(scope),
                        (only or {}).get(scope))
        for scope in SCOPES
    }
    if parts_for is not None:
        out["court_parts"] = court_parts(groups, indicators, settings, parts_for,
                                         rolled.get("team"), parts_court)
    return out


def monthly_trend(
    session: Session, key: str, scope: str, ids: Sequence[int] | None,
    months: Sequence[Period], settings: IndicatorSettings | None = None,
) -> dict[Any, list[float | None]]:
    """Return {entity id: [value per month]} from one grouped query per source table."""
    settings = settings or load_indicator_settings(None)
    (ind,) = chosen_indicators(settings, [key])
    needs = needs_by_source([ind], settings, [scope])
    groups = gather(session, months, needs, settings, scope, ids)
    return trend_from_groups(session, groups, key, scope, ids, len(months), settings)


def trend_from_groups(
    session: Session, groups: Mapping[tuple[Any, ...], Sums], key: str, scope: str,
    ids: Sequence[int] | None, count: int, settings: IndicatorSettings,
    rolled: Mapping[Any, Sums] | None = None,
) -> dict[Any, list[float | None]]:
    """monthly_trend's answer from groups gathered over `count` months (any scope's keys;
    `rolled`: the groups already rolled up to `scope`)."""
    (ind,) = chosen_indicators(settings, [key])
    by_entity = rollup(groups, scope) if rolled is None else rolled
    if ids is not None:
        wanted = set(ids)
        by_entity = {e: s for e, s in by_entity.items() if e in wanted}
    cats = settings.categories(ind, scope)
    out: dict[Any, list[float | None]] = {}
    for entity in scope_entities(session, scope, ids, set(by_entity)):
        sums = by_entity.get(entity["id"], {})
        digits = _digits(ind, settings, entity["team_kind"])
        values = (read_value(ind, sums, i, cats, digits)[0] for i in range(count))
        out[entity["id"]] = [None if v is None else float(v) for v in values]
    return out
