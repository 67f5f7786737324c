"""The snapshot's 辖区 part (db/snapshot/region.py) on every backend: a 中院 with its own team
over three basic courts (tests/db/region_data.py), built by the builder, by the refresher's
incremental core after changes in two courts, and absent for a single court."""
from __future__ import annotations

import datetime as dt
import json
import random
from zoneinfo import ZoneInfo

from cachelib import SimpleCache
from sqlalchemy import select, update

from db.indicators import compute, explain
from db.models import Case, Court, Officer, Team
from db.session import begin_consistent_read, make_session_factory, session_scope
from db.snapshot import store
from db.snapshot.builder import build_snapshot, default_port
from db.snapshot.check import (
    _period,
    _row_total,
    incremental_violations,
    live_violations,
    snapshot_violations,
)
from db.snapshot.incremental import first_difference, json_round
from db.snapshot.refresh import PUBLISHED, Refresher
from db.snapshot.region import ranking
from tests.db.region_data import TODAY, TOP_CODE, add_cases, seed_region
from tests.db.snapshot_data import seed

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime.combine(TODAY, dt.time(4), tzinfo=dt.UTC)
SINGLE_KEYS = ["as_of", "court", "definitions", "periods", "views", "trend", "nodes", "feed",
               "campaign", "campaigns_live", "center"]


def _seeded(engine) -> tuple:
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        made = seed_region(session)
        ids = {code: c.id for code, c in made["courts"].items()}
        teams = {code: [t.id for t, _o in pairs] for code, pairs in made["teams"].items()}
        teams["内0221"] = [made["home"]["simple"].id, made["home"]["keep"].id]
    return sessions, ids, teams


def _build(sessions, code: str = TOP_CODE) -> dict:
    with session_scope(sessions) as session:
        begin_consistent_read(session)
        return build_snapshot(session, default_port(None), today=TODAY, court_code=code, tz=TZ)


def test_region_part_equals_compute_and_explain(engine) -> None:
    sessions, ids, teams = _seeded(engine)
    snap = _build(sessions)
    region = snap["region"]
    assert region["court_id"] == ids[TOP_CODE]
    assert [c["code"] for c in region["courts"]] == [TOP_CODE, "内0221", "内0202", "内0203"]
    assert [c["depth"] for c in region["courts"]] == [0, 1, 1, 1]
    assert {c["code"]: c["teams"] for c in region["courts"]} == {k: teams[k] for k in ids}
    assert snap["views"]["ytd"]["court"]["id"] == ids[TOP_CODE]  # the 中院's own figures
    assert "region" not in snap["views"]["ytd"]  # moved out of the views
    settings = default_port(None).settings
    with session_scope(sessions) as session:
        for name in ("ytd", "mtd"):
            period, compare = _period(snap, name)
            rows = region["views"][name]
            for scope, shown, want in (("court", rows["courts"], list(ids.values())),
                                       ("team", rows["teams"], [t for c in region["courts"]
                                                                for t in c["teams"]])):
                assert [r["id"] for r in shown] == want
                fresh = sorted(compute(session, scope, ids=want, period=period,
                                       compare=compare, settings=settings),
                               key=lambda r, order=want: order.index(r["id"]))
                assert json_round(shown) == json_round(fresh), first_difference(json_round(shown), json_round(fresh))
            for row in rows["courts"]:  # every number has its cases behind it
                for key in ("closure_rate", "closed", "accepted"):
                    entry, ind = row["indicators"][key], settings.indicators[key]
                    found = explain(session, key, "court", row["id"], period, settings)
                    assert _row_total(found["numerator"], ind.numerator) == int(entry["numerator"])
            # ranked by 结案率, the same order as ranking() gives
            assert rows["ranking"] == ranking(rows["courts"])
            ranked = [r["rank"] for r in rows["ranking"] if r["rank"] is not None]
            assert ranked == sorted(ranked) and ranked[0] == 1
        # the checker's comparisons (CLI figures incl. the 辖区 rows, incremental vs full);
        # the 中院's split by team holds its own cases only, not its basic courts'
        assert snapshot_violations(snap) == []
        assert live_violations(session, snap, settings) == []
        assert incremental_violations(session, snap, default_port(None), TODAY) == []
    json.dumps(snap)


def test_a_basic_court_or_a_single_court_has_no_region(engine) -> None:
    sessions, ids, _teams = _seeded(engine)
    basic = _build(sessions, "内0202")
    assert "region" not in basic and basic["court"]["id"] == ids["内0202"]
    # its split by team: its own cases, none of the other courts' in 未分配/其他
    assert snapshot_violations(basic) == []
    other = basic["views"]["ytd"]["court_parts"]["other"]["indicators"]
    assert all(float(v["numerator"]) == 0 for v in other.values()), other


def test_single_court_snapshot_is_unchanged(engine) -> None:
    """No "region" key, the body's keys as before the 辖区 part existed."""
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        seed(session)
    snap = _build(sessions, "")
    assert list(snap) == SINGLE_KEYS


def test_incremental_region_equals_full_after_changes_in_two_courts(engine) -> None:
    sessions, ids, teams = _seeded(engine)
    refresher = Refresher(sessions=sessions, cache=SimpleCache(), court_code=TOP_CODE,
                          port_factory=lambda: default_port(None), full_rebuild_s=0,
                          tz=TZ, clock=lambda: NOW)
    assert refresher.run() == PUBLISHED and refresher.last_mode == "full"
    rng, serial = random.Random(3), [5000]
    for step in range(3):
        with session_scope(sessions) as session:
            for code in ("内0202", "内0203"):  # changes in two basic courts
                court = session.get(Court, ids[code])
                holders = [(session.get(Team, t), session.scalars(select(Officer).where(
                    Officer.team_id == t)).first()) for t in teams[code]]
                add_cases(session, court, holders, 2, rng, serial)
            case = session.scalars(select(Case).where(Case.court_id == ids["内0202"],
                                                      Case.closed_on.is_(None))
                                   .order_by(Case.id).offset(step)).first()
            if case is not None:  # close one and move it to the other team of 内0202
                session.execute(update(Case).where(Case.id == case.id).values(
                    closed_on=TODAY, closing_method="completed", team_id=teams["内0202"][1]))
        assert refresher.run() == PUBLISHED and refresher.last_mode == "incremental"
        mine, full = store.current_snapshot(refresher.cache), _build(sessions)
        assert mine["region"] == json_round(full["region"]), first_difference(
            mine["region"], json_round(full["region"]))
        assert json_round(mine["views"]) == json_round(full["views"])
        assert json_round(mine["trend"]) == json_round(full["trend"])


def test_a_province_build_reads_only_what_it_shows(engine, monkeypatch) -> None:
    """The refresher's core for a 中院 groups the basic courts' cases by court and team only
    (their officers are not shown) and reads the trend (the 中院's own figures) from the 中院's
    teams only; its snapshot is still the reference builder's, after a full build and after
    an incremental one."""
    from db.indicators import engine as indicator_engine

    sessions, ids, teams = _seeded(engine)
    refresher = Refresher(sessions=sessions, cache=SimpleCache(), court_code=TOP_CODE,
                          port_factory=lambda: default_port(None), full_rebuild_s=0,
                          tz=TZ, clock=lambda: NOW)
    basic = {t for code, found in teams.items() if code != TOP_CODE for t in found}
    seen: list[tuple[str, dict]] = []  # (what read them, the case groups)
    for name in ("case_sums", "case_sums_shared"):
        real = getattr(indicator_engine, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            found = _real(*args, **kwargs)
            for groups in (found if isinstance(found, list) else [found]):
                seen.append((_name, groups))
            return found

        monkeypatch.setattr(indicator_engine, name, spy)
    for step in range(2):
        if step:
            with session_scope(sessions) as session:
                case = session.scalars(select(Case).where(Case.court_id == ids["内0202"])
                                       .order_by(Case.id)).first()
                case.target_amount += 1
        seen.clear()
        assert refresher.run() == PUBLISHED
        assert refresher.last_mode == ("incremental" if step else "full")
        groups = [g for _name, found in seen for g in found]
        assert {g[0] for g in groups} >= {ids["内0202"]}  # the basic courts' cases are read
        assert {g[2] for g in groups if g[0] != ids[TOP_CODE]} == {None}
        assert any(g[2] is not None for g in groups if g[0] == ids[TOP_CODE]) or step
        trend = refresher.core().state.groups["trend"]
        assert {g[0] for g in trend} == {ids[TOP_CODE]} and not {g[1] for g in trend} & basic
        mine, full = store.current_snapshot(refresher.cache), _build(sessions)
        for key in ("views", "trend", "region"):
            assert json_round(mine[key]) == json_round(full[key]), first_difference(
                json_round(mine[key]), json_round(full[key]), key)


def test_a_court_renamed_forces_a_full_build(engine) -> None:
    """The courts table is part of the org signature: a court's new name reaches its 辖区 row."""
    sessions, ids, _teams = _seeded(engine)
    refresher = Refresher(sessions=sessions, cache=SimpleCache(), court_code=TOP_CODE,
                          port_factory=lambda: default_port(None), full_rebuild_s=0,
                          tz=TZ, clock=lambda: NOW)
    assert refresher.run() == PUBLISHED
    with session_scope(sessions) as session:
        session.get(Court, ids["内0203"]).name = "包头市昆都仑区人民法院（新）"
        case = session.scalars(select(Case).where(Case.court_id == ids["内0202"])).first()
        case.target_amount += 1  # a data change, so the refresher builds
    assert refresher.run() == PUBLISHED and refresher.last_mode == "full"
    rows = store.current_snapshot(refresher.cache)["region"]["views"]["ytd"]["courts"]
    assert {r["id"]: r["name"] for r in rows}[ids["内0203"]] == "包头市昆都仑区人民法院（新）"
