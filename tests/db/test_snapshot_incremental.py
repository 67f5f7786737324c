"""The incremental refresh (issue #21) gives the snapshot a full build gives, after any changes.

Random sequences of raw writes (new case, close, reopen, reassign to another team, delete,
payment, event, date edits across a month or year boundary, UPDATEs that skip updated_at and
data_state, 繁简 changes and 分流 rows written with their case) and day rollovers; after each batch the refresher publishes, and its views and
trend must equal those of a full build through the indicator port on the same data.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import random
from decimal import Decimal

import pytest
from cachelib import SimpleCache
from sqlalchemy import delete, func, insert, select, update

from db.models import (
    CampaignCase,
    Case,
    CaseAssignment,
    CaseEvent,
    CaseExtension,
    CaseParty,
    CasePause,
    CaseTriage,
    Officer,
    Payment,
    SnapshotChange,
    Team,
)
from db.session import begin_consistent_read, make_session_factory, session_scope
from db.snapshot import store
from db.snapshot.builder import build_snapshot, default_port
from db.snapshot.changes import request_full
from db.snapshot.incremental import first_difference, json_round
from db.snapshot.refresh import PUBLISHED, UNCHANGED, Refresher
from tests.db.snapshot_data import TODAY, TYPE_CODES, seed

DAYS = [dt.date(2024, 12, 31), dt.date(2025, 1, 1), dt.date(2025, 10, 31), dt.date(2025, 11, 1),
        dt.date(2025, 12, 31), dt.date(2026, 1, 1), dt.date(2026, 3, 15), dt.date(2026, 10, 31),
        dt.date(2026, 11, 1), dt.date(2026, 11, 19), dt.date(2026, 11, 20)]
METHODS = {"first": ["completed", "terminated_this_round", "rejected"],
           "resumed": ["completed", "terminated_this_round"],
           "preservation": ["preservation_done"]}


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime.combine(TODAY, dt.time(4), tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def _full(sessions) -> dict:
    with session_scope(sessions) as session:
        begin_consistent_read(session)
        return build_snapshot(session, default_port(None), today=_today.day)


class _Today:
    day = TODAY


_today = _Today()


def _core(snapshot: dict) -> str:
    # the 辖区 part too (absent on this single court; a 中院's: tests/db/test_snapshot_region.py)
    return json.dumps({"views": snapshot["views"], "trend": snapshot["trend"],
                       "region": snapshot.get("region")}, sort_keys=True)


def _holders(session) -> list[tuple[int, int]]:
    return [(o.team_id, o.id) for o in session.scalars(select(Officer).order_by(Officer.id))]


def _new_case(session, rng: random.Random, serial: list[int],
              holders: list[tuple[int, int]]) -> None:
    serial[0] += 1
    category = rng.choice(list(TYPE_CODES))
    filed = rng.choice(DAYS)
    team, officer = rng.choice(holders)
    closed = rng.choice([None, None, max(filed, rng.choice(DAYS))])
    session.execute(insert(Case).values(
        court_id=session.scalar(select(Team.court_id).where(Team.id == team)),
        case_number=f"(2026)内0221{TYPE_CODES[category]}{serial[0]}号", year=filed.year,
        court_code="内0221", type_code=TYPE_CODES[category], serial=serial[0],
        category=category, filed_on=filed, closed_on=closed,
        closing_method=rng.choice(METHODS[category]) if closed else None,
        team_id=team, officer_id=officer, target_amount=Decimal(rng.randint(1, 9) * 1000),
        track="simple", non_litigation=False, cause="", paused_days=0, extension_days=0))


def _delete_case(session, case_id: int) -> None:
    for table in (Payment, CaseEvent, CampaignCase, CaseAssignment, CaseExtension,
                  CasePause, CaseParty, CaseTriage):
        session.execute(delete(table).where(table.case_id == case_id))
    session.execute(delete(Case).where(Case.id == case_id))


def _change(session, rng: random.Random, serial: list[int]) -> str:
    """One random raw write; returns its name."""
    holders = _holders(session)
    ids = list(session.scalars(select(Case.id).order_by(Case.id)))
    kind = rng.choice(["new", "new", "close", "reopen", "reassign", "delete", "payment",
                       "payout", "event", "filed_edit", "closed_edit", "silent", "track",
                       "triage"])
    case_id = rng.choice(ids)
    row = session.get(Case, case_id)
    if kind == "new" or row is None:
        _new_case(session, rng, serial, holders)
        return "new"
    session.expunge(row)
    if kind == "event":
        session.execute(insert(CaseEvent).values(
            case_id=case_id, kind="seizure", occurred_at=dt.datetime(2026, 11, 19, 3)))
        return kind
    return _edit(session, rng, kind, row, holders)


def _edit(session, rng: random.Random, kind: str, row: Case,
          holders: list[tuple[int, int]]) -> str:
    case_id = row.id
    if kind == "close" and row.closed_on is None:
        session.execute(update(Case).where(Case.id == case_id).values(
            closed_on=max(row.filed_on, rng.choice(DAYS)),
            closing_method=rng.choice(METHODS[row.category])))
    elif kind == "reopen" and row.closed_on is not None:
        session.execute(update(Case).where(Case.id == case_id).values(
            closed_on=None, closing_method=None))
    elif kind == "reassign":
        team, officer = rng.choice([h for h in holders if h[0] != row.team_id] or holders)
        session.execute(update(Case).where(Case.id == case_id).values(
            team_id=team, officer_id=officer))
    elif kind == "delete":
        _delete_case(session, case_id)
    elif kind == "payment":
        session.execute(insert(Payment).values(case_id=case_id, received_on=rng.choice(DAYS),
                                               amount=Decimal(rng.randint(1, 50) * 100)))
    elif kind == "payout":
        paid = session.execute(update(Payment).where(Payment.case_id == case_id).values(
            paid_out_on=rng.choice(DAYS), paid_amount=Decimal(100)))
        if not paid.rowcount:
            return "none"
    elif kind == "filed_edit":
        filed = rng.choice([d for d in DAYS if row.closed_on is None or d <= row.closed_on]
                           or [row.filed_on])
        session.execute(update(Case).where(Case.id == case_id).values(filed_on=filed))
    elif kind == "closed_edit" and row.closed_on is not None:
        session.execute(update(Case).where(Case.id == case_id).values(
            closed_on=max(row.filed_on, rng.choice(DAYS))))
    elif kind == "silent":  # another program: no updated_at, no data_state
        team, officer = rng.choice(holders)
        session.execute(update(Case).where(Case.id == case_id).values(
            team_id=team, officer_id=officer, updated_at=row.updated_at))
    elif kind in ("track", "triage"):
        return _track(session, rng, kind, row)
    else:
        return "none"
    return kind


def _track(session, rng: random.Random, kind: str, row: Case) -> str:
    """转繁/转简 (the closed-by-track figures), or a 分流 row with its case's track, as the
    desk writes them."""
    if kind == "track":
        session.execute(update(Case).where(Case.id == row.id).values(
            track="complex" if row.track == "simple" else "simple"))
        return kind
    if session.scalar(select(CaseTriage.id).where(CaseTriage.case_id == row.id)):
        return "none"
    track, confirmed = rng.choice(["simple", "complex"]), rng.random() < 0.6
    session.execute(insert(CaseTriage).values(
        case_id=row.id, suggested_track="simple", status="confirmed" if confirmed
        else "pending", track=track if confirmed else None,
        confirmed_on=max(row.filed_on, rng.choice(DAYS)) if confirmed else None,
        overridden=confirmed and track != "simple"))
    session.execute(update(Case).where(Case.id == row.id).values(track=track))
    return kind


def _seed(sessions) -> None:
    with session_scope(sessions) as session:
        made = seed(session)
        court = made["court"]
        third = Team(court_id=court.id, name="终本团队", kind="complex", sort_order=3,
                     founded_on=dt.date(2026, 6, 1))
        session.add(third)
        session.flush()
        session.add(Officer(court_id=court.id, team_id=third.id, name="赵法官", role="judge"))


@pytest.mark.parametrize("seed_value", [1, 2, 3])
def test_incremental_equals_full_after_random_changes(engine, seed_value) -> None:
    sessions = make_session_factory(engine)
    _seed(sessions)
    _today.day = TODAY
    clock = Clock()
    refresher = Refresher(sessions=sessions, cache=SimpleCache(),
                          port_factory=lambda: default_port(None), clock=clock,
                          full_rebuild_s=0)
    assert refresher.run() == PUBLISHED and refresher.last_mode == "full"
    rng, serial, modes = random.Random(seed_value), [1000], []
    for step in range(14):
        with session_scope(sessions) as session:
            done = [_change(session, rng, serial) for _ in range(rng.randint(1, 4))]
        if step == 9:  # day rollover: the periods move, a full build
            clock.now += dt.timedelta(days=1)
            _today.day = TODAY + dt.timedelta(days=1)
        # a raw event insert alone moves nothing the refresher watches (writers bump the
        # data version; the indicator core does not read events)
        outcome = refresher.run()
        assert outcome == PUBLISHED or set(done) <= {"event", "none"}, (outcome, done)
        modes.append(refresher.last_mode if outcome == PUBLISHED else "unchanged")
        mine, full = store.current_snapshot(refresher.cache), _full(sessions)
        assert _core(mine) == _core(full), (done, first_difference(
            json_round({"views": mine["views"], "trend": mine["trend"]}),
            json_round({"views": full["views"], "trend": full["trend"]})))
    assert modes.count("incremental") >= 10 and modes[9] == "full", modes
    with session_scope(sessions) as session:  # every change row read is consumed
        assert session.scalar(select(func.count()).select_from(SnapshotChange)) == 0
    assert refresher.run() == UNCHANGED


def test_incremental_equals_full_on_a_region_after_random_changes(engine) -> None:
    """The same random writes on a 中院's installation (tests/db/region_data.py: the changes
    land in every court, cases even move between courts' teams): the 辖区 part of each
    published snapshot equals a full build's too."""
    from tests.db.region_data import TOP_CODE, seed_region

    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        seed_region(session)
    refresher = Refresher(sessions=sessions, cache=SimpleCache(), court_code=TOP_CODE,
                          port_factory=lambda: default_port(None), clock=Clock(),
                          full_rebuild_s=0)
    assert refresher.run() == PUBLISHED and refresher.last_mode == "full"
    rng, serial, modes, reused = random.Random(11), [1000], [], []
    for _step in range(6):
        with session_scope(sessions) as session:
            done = [_change(session, rng, serial) for _ in range(rng.randint(2, 5))]
        outcome = refresher.run()
        modes.append(refresher.last_mode if outcome == PUBLISHED else "unchanged")
        if refresher.last_mode == "incremental":  # the unchanged entities' rows kept their copies
            reused.append(refresher.last_reused)
        with session_scope(sessions) as session:
            begin_consistent_read(session)
            full = build_snapshot(session, default_port(None), today=TODAY, court_code=TOP_CODE)
        mine = store.current_snapshot(refresher.cache)
        assert "region" in mine and _core(mine) == _core(json_round(full)), (done, first_difference(
            json_round({"views": mine["views"], "region": mine["region"]}),
            json_round({"views": full["views"], "region": full["region"]})))
    assert modes.count("incremental") >= 4, modes
    assert reused and min(reused) > 0, reused


def test_an_officer_left_without_cases_is_derived_again(engine) -> None:
    """An officer holds an open case of another team; the case is deleted: only that team is
    logged, the officer's group of it exists only in the previous build, and the officer's
    kept figures must not be reused."""
    sessions = make_session_factory(engine)
    _seed(sessions)
    _today.day = TODAY
    refresher = Refresher(sessions=sessions, cache=SimpleCache(),
                          port_factory=lambda: default_port(None), clock=Clock(),
                          full_rebuild_s=0)
    assert refresher.run() == PUBLISHED
    with session_scope(sessions) as session:
        case = session.scalars(select(Case).where(Case.closed_on.is_(None), Case.officer_id
                                                  .is_not(None)).order_by(Case.id)).first()
        mine_team = session.get(Officer, case.officer_id).team_id
        other = next(t for t, _o in _holders(session) if t != mine_team)
        case_id, _ = case.id, session.expunge(case)
        session.execute(update(Case).where(Case.id == case_id).values(team_id=other))
    assert refresher.run() == PUBLISHED and refresher.last_mode == "incremental"
    with session_scope(sessions) as session:
        _delete_case(session, case_id)
    assert refresher.run() == PUBLISHED and refresher.last_mode == "incremental"
    mine, full = store.current_snapshot(refresher.cache), _full(sessions)
    assert _core(mine) == _core(full), first_difference(
        json_round({"views": mine["views"], "trend": mine["trend"]}),
        json_round({"views": full["views"], "trend": full["trend"]}))


def test_a_change_to_the_org_forces_a_full_build(engine) -> None:
    sessions = make_session_factory(engine)
    _seed(sessions)
    _today.day = TODAY
    refresher = Refresher(sessions=sessions, cache=SimpleCache(),
                          port_factory=lambda: default_port(None), clock=Clock())
    refresher.run()
    with session_scope(sessions) as session:
        officer = session.scalars(select(Officer).order_by(Officer.id)).first()
        session.execute(update(Officer).where(Officer.id == officer.id).values(role="assistant"))
        session.execute(update(Case).where(Case.officer_id == officer.id).values(cause="x"))
    assert refresher.run() == PUBLISHED and refresher.last_mode == "full"
    assert _core(store.current_snapshot(refresher.cache)) == _core(_full(sessions))
    assert refresher.run(full=True) == PUBLISHED and refresher.last_mode == "full"
    with session_scope(sessions) as session:  # `python -m dashboard rebuild` from elsewhere
        request_full(session)
    assert refresher.run() == PUBLISHED and refresher.last_mode == "full"
    assert refresher.run() == UNCHANGED


def test_triggers_log_old_and_new_holders(engine) -> None:
    sessions = make_session_factory(engine)
    _seed(sessions)
    with session_scope(sessions) as session:
        session.execute(delete(SnapshotChange))
        simple, keep = session.scalars(select(Team.id).order_by(Team.id)).all()[:2]
        case_id = session.scalar(select(Case.id).where(  # a closed case without payments
            Case.team_id == simple, Case.closed_on.is_not(None),
            ~Case.id.in_(select(Payment.case_id))).order_by(Case.id))
        session.execute(update(Case).where(Case.id == case_id).values(team_id=keep))
    with session_scope(sessions) as session:
        rows = session.execute(select(SnapshotChange.team_id, SnapshotChange.closed,
                                      SnapshotChange.closed_team_id)).all()
    assert {(r[0], bool(r[1]), r[2]) for r in rows} == {(simple, True, simple),
                                                       (keep, True, simple)}


@pytest.mark.parametrize("seed_value", [1, 2, 3, 4])
def test_rolled_sums_adjusted_by_the_changed_groups_equal_a_new_rollup(seed_value) -> None:
    """An incremental build adjusts the court's and the teams' kept sums by the changed teams'
    old and new groups (_rolled_again) instead of rolling every group up again: the result
    equals a rollup of the new groups, down to the entities listed (a team left without
    groups is gone)."""
    from db.snapshot.incremental import _roll, _rolled_again

    rng = random.Random(seed_value)
    keys = [(i, f"m{j}") for i in range(3) for j in range(3)]

    def groups(teams: list, n: int) -> dict:
        return {(rng.choice([1, 2]), rng.choice(teams), o):
                {k: rng.randint(-5, 50) for k in rng.sample(keys, rng.randint(0, 4))}
                for o in rng.sample(range(100), n)}

    old = groups([10, 11, 12, None], 30)
    changed = {11, None}
    fresh = groups([11], rng.randint(0, 6))  # maybe none: team 11 and no-team groups vanish
    new = {h: s for h, s in old.items() if h[1] not in changed} | fresh
    before = _roll(old)
    kept = copy.deepcopy(before)
    got = _rolled_again(before, {h: s for h, s in old.items() if h[1] in changed}, fresh)
    want = _roll(new)
    for scope, (sums, count) in want.items():
        got_sums, got_count = got[scope]
        assert got_count == count, scope
        assert {e: {k: v for k, v in s.items() if v} for e, s in got_sums.items()} == \
            {e: {k: v for k, v in s.items() if v} for e, s in sums.items()}, scope
    assert before == kept  # the kept state stays as it was


def test_cases_grouped_by_court_and_team_equal_the_officer_groups_summed(engine) -> None:
    """A pass that reads no officer figures (the trend, the founding days) groups the
    changed teams' cases by court and team only (case_sums(levels=…)): each group equals
    the sum of that team's officer groups, after reassignments, closures and reassignments
    after 结案 (the holder at 结案 differs from the current one)."""
    from db.indicators.engine import needs_by_source
    from db.indicators.period import Period
    from db.indicators.settings import load_indicator_settings
    from db.indicators.sql import case_sums

    sessions = make_session_factory(engine)
    _seed(sessions)
    rng = random.Random(7)
    with session_scope(sessions) as session:
        serial = [0]
        holders = _holders(session)
        for _ in range(40):
            _new_case(session, rng, serial, holders)
        for _ in range(60):
            _change(session, rng, serial)
    settings = load_indicator_settings(None)
    needs = needs_by_source(list(settings.indicators.values()), settings,
                            ["court", "team"])["cases"]
    periods = [Period(dt.date(2026, m, 1), dt.date(2026, m, 28)) for m in (1, 6, 11)]
    periods += [Period(dt.date(2025, 1, 1), TODAY), Period(dt.date(2026, 11, 1), TODAY)]
    with session_scope(sessions) as session:
        team_ids = list(session.scalars(select(Team.id)))
        for teams in (None, {team_ids[0], None}, set(team_ids[1:])):
            by_team = case_sums(session, periods, needs, settings, teams=teams,
                                levels=("court", "team"))
            summed: dict = {}
            for (court, team, _), sums in case_sums(session, periods, needs, settings,
                                                     teams=teams).items():
                target = summed.setdefault((court, team, None), {})
                for key, value in sums.items():
                    target[key] = target.get(key, 0) + value
            assert {h: {k: v for k, v in s.items() if v} for h, s in by_team.items()} == \
                {h: {k: v for k, v in s.items() if v} for h, s in summed.items()}, teams
            assert any(by_team.values())


def test_the_core_reads_only_what_its_views_show() -> None:
    """The views derive the standard indicators (engine.chosen_indicators); the center's own
    (the snapshot's center part, db/snapshot/builder._center) are not read by the core: before
    7 December its passes summed them too, 12 scans of the year's events no view showed."""
    from db.indicators.engine import chosen_indicators, needs_by_source
    from db.indicators.registry import CENTER
    from db.snapshot.incremental import IndicatorCore, Pass

    port = default_port(None)
    core = IndicatorCore(port.settings, port.keys, (), None)
    scopes = ("court", "team", "officer")
    needs = core._needs(Pass("ytd", (), None, scopes))
    assert "center" not in needs
    standard = chosen_indicators(port.settings, None)
    assert standard and all(i.group != CENTER for i in standard)
    assert needs == needs_by_source(standard, port.settings, scopes)
    # a pass of chosen keys reads those (a center key only when asked for by name)
    assert "center" in core._needs(Pass("x", (), ("query_count",), scopes))
