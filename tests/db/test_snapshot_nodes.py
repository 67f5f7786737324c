"""The 节点管控 section of the incremental refresh (db/snapshot/nodes.py, migration 0018).

After random writes to cases and to what their nodes read (events of every kind the rules
name, 中止/暂缓 and their ends, 延长, 案款 and its payout, deletions, moves between teams), the
refresher's section, recounted only for the teams the change log names, equals a full count
(`node_summary`) on the same data, on the three databases; the section of a court in a
database of several courts counts that court's 辖区 only.
"""
from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal

import pytest
from cachelib import SimpleCache
from sqlalchemy import delete, func, insert, select, update

from dashboard.config import DEFAULTS
from db.models import (
    Case,
    CaseEvent,
    CaseExtension,
    CasePause,
    Court,
    Payment,
    SnapshotChange,
)
from db.nodes.counts import node_summary
from db.nodes.rules import load_rules_from_settings
from db.nodes.sql import NodeFilter
from db.session import begin_consistent_read, make_session_factory, session_scope
from db.snapshot import changes, store
from db.snapshot.builder import build_snapshot, default_port
from db.snapshot.incremental import first_difference, json_round
from db.snapshot.refresh import PUBLISHED, Refresher
from tests.db.test_snapshot_incremental import Clock, _change, _seed

NODE_DAYS = [dt.date(2026, 6, 30), dt.date(2026, 10, 31), dt.date(2026, 11, 10),
             dt.date(2026, 11, 19), dt.date(2026, 11, 20), dt.date(2026, 11, 25)]
EVENT_KINDS = ["notice_issued", "property_order", "property_investigation", "seizure",
               "freeze", "renewal", "release", "price_inquiry", "reference_price",
               "auction_listed"]


def _port():
    return default_port(None, dict(DEFAULTS))


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(0, 23)))


def _node_change(session, rng: random.Random) -> str:
    """One raw write to a table the nodes read (not cases: tests.db.test_snapshot_incremental)."""
    case_id = rng.choice(list(session.scalars(select(Case.id).order_by(Case.id))))
    kind = rng.choice(["event", "event", "event_edit", "event_delete", "pause", "pause_end",
                       "extension", "payment", "payout"])
    if kind == "event":
        measure = rng.choice(EVENT_KINDS)
        session.execute(insert(CaseEvent).values(
            case_id=case_id, kind=measure, occurred_at=_at(rng.choice(NODE_DAYS), rng),
            expires_on=rng.choice(NODE_DAYS) + dt.timedelta(days=rng.randint(0, 60))
            if measure in ("seizure", "freeze", "renewal") else None))
    elif kind in ("event_edit", "event_delete"):
        events = list(session.scalars(select(CaseEvent.id).order_by(CaseEvent.id)))
        if not events:
            return "none"
        event = rng.choice(events)
        if kind == "event_delete":
            session.execute(delete(CaseEvent).where(CaseEvent.id == event))
        else:
            session.execute(update(CaseEvent).where(CaseEvent.id == event).values(
                occurred_at=_at(rng.choice(NODE_DAYS), rng)))
    elif kind == "pause":
        session.execute(insert(CasePause).values(
            case_id=case_id, kind="suspension", started_on=rng.choice(NODE_DAYS)))
    elif kind == "pause_end":
        ended = session.execute(update(CasePause).where(
            CasePause.case_id == case_id, CasePause.ended_on.is_(None)).values(
            ended_on=dt.date(2026, 11, 20)))
        if not ended.rowcount:
            return "none"
    elif kind == "extension":
        session.execute(insert(CaseExtension).values(
            case_id=case_id, approved_on=rng.choice(NODE_DAYS), days=rng.choice([30, 90])))
    elif kind == "payment":
        session.execute(insert(Payment).values(case_id=case_id, received_on=rng.choice(NODE_DAYS),
                                               amount=Decimal(rng.randint(1, 50) * 100)))
    else:
        paid = session.execute(update(Payment).where(Payment.case_id == case_id).values(
            paid_out_on=rng.choice(NODE_DAYS), paid_amount=Decimal(100)))
        if not paid.rowcount:
            return "none"
    return kind


def _reference(sessions, today: dt.date, court_code: str = "") -> dict:
    with session_scope(sessions) as session:
        begin_consistent_read(session)
        return json_round(build_snapshot(session, _port(), today=today,
                                         court_code=court_code)["nodes"])


def _dump(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# the incremental paths (db/snapshot/nodes.py): the changed cases recounted (their kept parts
# rewritten into the arrays at every third case: node_cases.COMPACT_AT), or the changed teams
PATHS = {"cases": ("cases", {}), "compacting": ("cases", {"node_cases.COMPACT_AT": 3}),
         "teams": ("incremental", {"nodes.CASE_RECOUNT_MAX": -1})}


@pytest.mark.parametrize("seed_value,path", [(1, "cases"), (2, "compacting"), (3, "teams")])
def test_incremental_nodes_equal_a_full_count_after_random_changes(engine, seed_value, path,
                                                                   monkeypatch) -> None:
    import db.snapshot.node_cases
    import db.snapshot.nodes

    mode, patched = PATHS[path]
    for name, value in patched.items():
        module, attr = name.split(".")
        monkeypatch.setattr(getattr(db.snapshot, module), attr, value)
    sessions = make_session_factory(engine)
    _seed(sessions)
    clock = Clock()
    refresher = Refresher(sessions=sessions, cache=SimpleCache(), port_factory=_port,
                          clock=clock, full_rebuild_s=0)
    assert refresher.run() == PUBLISHED and refresher.last_node_mode == "full"
    rng, serial, modes = random.Random(seed_value), [1000], []
    today = clock.now.date()
    for step in range(12):
        with session_scope(sessions) as session:
            done = [_node_change(session, rng) if rng.random() < 0.6
                    else _change(session, rng, serial) for _ in range(rng.randint(1, 4))]
        if step == 8:  # another day: the statuses move, a full count
            clock.now += dt.timedelta(days=1)
            today = clock.now.date()
        outcome = refresher.run()
        # every write to a table the nodes read is logged: an event alone reaches the wall
        assert outcome == PUBLISHED or set(done) <= {"none"}, (outcome, done)
        modes.append(refresher.last_node_mode if outcome == PUBLISHED else "unchanged")
        mine = store.current_snapshot(refresher.cache)["nodes"]
        full = _reference(sessions, today)
        assert _dump(mine) == _dump(full), (done, first_difference(mine, full))
        assert mine["totals"]["overdue"] + mine["totals"]["done_on_time"] > 0
    assert modes.count(mode) >= 8 and modes[8] == "full", modes
    with session_scope(sessions) as session:  # every change row read is consumed
        assert session.scalar(select(func.count()).select_from(SnapshotChange)) == 0


def test_event_and_payment_rows_name_the_case(engine) -> None:
    """The triggers of 0018 write a nodes_only row per old and new version of an event or a
    payment, naming the case; the refresher resolves it to the case's current team and leaves
    the indicator teams alone. A pause or an extension rewrites its case's rollup columns
    (0005), so 0015 logs the case's team."""
    sessions = make_session_factory(engine)
    _seed(sessions)
    with session_scope(sessions) as session:
        session.execute(delete(SnapshotChange))
        case_id, team = session.execute(select(Case.id, Case.team_id).where(
            Case.team_id.is_not(None)).order_by(Case.id)).first()
        session.execute(insert(CaseEvent).values(case_id=case_id, kind="seizure",
                                                 occurred_at=dt.datetime(2026, 11, 19, 3)))
        session.execute(update(CaseEvent).where(CaseEvent.case_id == case_id).values(
            detail="改"))
    with session_scope(sessions) as session:
        rows = session.execute(select(SnapshotChange.case_id, SnapshotChange.nodes_only,
                                      SnapshotChange.team_id)).all()
        events = session.scalar(select(func.count()).select_from(CaseEvent)
                                .where(CaseEvent.case_id == case_id))
        seen = changes.pending(session)
        node_teams = changes.node_teams(session, seen)
    assert len(rows) == 1 + 2 * events  # the insert, then the old and new of each update
    assert {(r[0], bool(r[1]), r[2]) for r in rows} == {(case_id, True, None)}
    assert seen.teams == frozenset() and node_teams == frozenset({team}) and seen.nodes_named
    assert seen.node_cases == frozenset({case_id})
    with session_scope(sessions) as session:
        session.execute(delete(SnapshotChange))
        session.execute(insert(Payment).values(case_id=case_id, received_on=dt.date(2026, 11, 3),
                                               amount=Decimal(100)))
    with session_scope(sessions) as session:
        seen = changes.pending(session)
        node_teams = changes.node_teams(session, seen)
        nodes_rows = session.scalar(select(func.count()).select_from(SnapshotChange)
                                    .where(SnapshotChange.nodes_only.is_(True)))
    # a payment: 0015's row (the payment's holder, copied from its case) and 0018's (more
    # than one where the holder is copied by an UPDATE after the insert: SQLite)
    assert nodes_rows >= 1 and team in seen.teams and seen.teams <= {team, None}
    assert node_teams == seen.teams and seen.node_cases == frozenset({case_id})
    for row in ({"table": CasePause, "kind": "suspension", "started_on": dt.date(2026, 11, 1)},
                {"table": CaseExtension, "days": 30, "approved_on": dt.date(2026, 11, 2)}):
        with session_scope(sessions) as session:
            session.execute(delete(SnapshotChange))
            table = row.pop("table")
            session.execute(insert(table).values(case_id=case_id, **row))
        with session_scope(sessions) as session:
            seen = changes.pending(session)
            node_teams = changes.node_teams(session, seen)
        assert seen.teams == node_teams == frozenset({team}), table
        assert seen.node_cases == frozenset({case_id}), table


def test_a_case_s_own_rows_name_it_from_0019_on(backend, tmp_path) -> None:
    """0019_case_changes: the rows a case's update writes (its old and new version) name the case
    (the node section recounts it alone; inserts and deletes: the random changes above); its upgrade asks for one full build (the rows logged before
    name no case); down to 0018 the rows are 0015's again, and up once more."""
    from alembic import command

    from db import migrate
    from db.session import make_engine
    from tests.backends import server_database

    def rows(sessions) -> set:
        with session_scope(sessions) as session:
            return {tuple(r) for r in session.execute(select(
                SnapshotChange.team_id, SnapshotChange.case_id, SnapshotChange.nodes_only))}

    def touch(sessions) -> tuple[int, int | None]:
        with session_scope(sessions) as session:
            session.execute(delete(SnapshotChange))
            case_id, team = session.execute(select(Case.id, Case.team_id).where(
                Case.team_id.is_not(None)).order_by(Case.id)).first()
            session.execute(update(Case).where(Case.id == case_id).values(cause="改"))
        return case_id, team

    with server_database(backend, str(tmp_path)) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            sessions = make_session_factory(engine)
            assert (changes.EVERYTHING, None, False) in rows(sessions)
            _seed(sessions)
            case_id, team = touch(sessions)
            assert rows(sessions) == {(team, case_id, False)}  # old and new: the same row
            with session_scope(sessions) as session:
                seen = changes.pending(session)
            assert seen.node_cases == frozenset({case_id}) and seen.teams == frozenset({team})
            command.downgrade(migrate.alembic_config(url), "0018_node_changes")
            engine.dispose()
            _, team = touch(sessions)
            assert rows(sessions) == {(team, None, False)}
            migrate.upgrade(url)
            engine.dispose()
            assert (changes.EVERYTHING, None, False) in rows(sessions)
            case_id, team = touch(sessions)
            assert rows(sessions) == {(team, case_id, False)}
        finally:
            engine.dispose()


def test_a_court_in_a_database_of_several_counts_its_own_nodes(engine) -> None:
    """A basic court's section counts its cases only, the 中院's its whole 辖区: the same as
    node_summary over those courts, and the 辖区's total is the courts' totals summed."""
    from tests.db.region_data import TODAY, TOP_CODE, seed_region

    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        seed_region(session)
        rules = load_rules_from_settings(dict(DEFAULTS))
        courts = {c.code: c.id for c in session.scalars(select(Court))}
        every = node_summary(session, TODAY, rules)
        by_court = {code: node_summary(session, TODAY, rules, courts=[cid])
                    for code, cid in courts.items()}
    top = _reference(sessions, TODAY, TOP_CODE)
    home = _reference(sessions, TODAY, "内0221")
    assert _dump(top) == _dump(json_round(every))  # the 中院's 辖区: every court here
    assert _dump(home) == _dump(json_round(by_court["内0221"]))
    assert home["totals"] != top["totals"]
    for status, n in top["totals"].items():
        assert n == sum(s["totals"][status] for s in by_court.values()), status
    assert top["payments"]["count"] == sum(s["payments"]["count"] for s in by_court.values())
    # the refresher's section of the basic court: incremental after a change elsewhere
    refresher = Refresher(sessions=sessions, cache=SimpleCache(), port_factory=_port,
                          clock=Clock(), full_rebuild_s=0, court_code="内0221")
    assert refresher.run() == PUBLISHED
    with session_scope(sessions) as session:
        other = session.scalar(select(Case.id).where(Case.court_id == courts["内0202"])
                               .order_by(Case.id))
        session.execute(insert(CaseEvent).values(case_id=other, kind="notice_issued",
                                                 occurred_at=dt.datetime(2026, 11, 19, 3)))
    assert refresher.run() == PUBLISHED and refresher.last_node_mode == "cases"
    assert _dump(store.current_snapshot(refresher.cache)["nodes"]) == _dump(home)


def test_the_checker_compares_the_node_paths(engine) -> None:
    """`python -m dashboard check` (incremental_violations): a full and an incremental node
    count give the snapshot's section; a section that differs is reported."""
    from db.snapshot.check import incremental_violations
    from tests.db.region_data import TODAY, seed_region

    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        seed_region(session)
    with session_scope(sessions) as session:
        begin_consistent_read(session)
        port = _port()
        body = build_snapshot(session, port, today=TODAY, court_code="内0221")
        assert incremental_violations(session, body, port, TODAY) == []
        body["nodes"]["totals"]["overdue"] += 1
        found = incremental_violations(session, body, port, TODAY)
    assert [v for v in found if "节点管控全量" in v.detail] and \
        [v for v in found if "节点管控增量" in v.detail] and \
        [v for v in found if "节点管控按案件增量" in v.detail], found


def test_the_shared_case_date_pass_gives_each_rule_s_own_rows(engine, monkeypatch) -> None:
    """The rules dated by the case (event rules that start on a case date, 执行期限) read one
    shared pass (builders.case_date_pass) when several are chosen: the same rows, statuses and
    days as each rule's own SELECT — 执行期限's shift with several pauses and extensions a case."""
    from db.nodes import sql
    from db.nodes.counts import node_list

    sessions = make_session_factory(engine)
    _seed(sessions)
    rng = random.Random(5)
    with session_scope(sessions) as session:
        for _ in range(40):
            _node_change(session, rng)
        # the edges of "first done event in [start, today]": before the start, today's last
        # local hour, the first hour after today (local), later days
        cases = list(session.scalars(select(Case.id).order_by(Case.id)))[:8]
        for i, case_id in enumerate(cases):
            for kind in ("notice_issued", "property_order", "property_investigation",
                         "online_query_result", "seizure", "freeze"):
                at = [dt.datetime(2020, 1, 1, 3), dt.datetime(2026, 11, 20, 15, 30),
                      dt.datetime(2026, 11, 20, 16, 30), dt.datetime(2026, 11, 25, 2)][i % 4]
                session.execute(insert(CaseEvent).values(case_id=case_id, kind=kind,
                                                         occurred_at=at))
        for case_id, received, filed in session.execute(  # on the start day itself (local)
                select(Case.id, Case.received_on, Case.filed_on).order_by(Case.id.desc())
                .limit(6)):
            for day, kind in ((received or filed, "notice_issued"), (filed, "seizure")):
                session.execute(insert(CaseEvent).values(
                    case_id=case_id, kind=kind,
                    occurred_at=dt.datetime.combine(day, dt.time(2))))
        # 执行期限: two pauses (one still open) and two extensions on a case, beside its events
        # (joined into one pass, neither may multiply the other); one of them closed
        for case_id in cases[:3]:
            for started, ended in ((dt.date(2026, 3, 2), dt.date(2026, 4, 1)),
                                   (dt.date(2026, 9, 1), None)):
                session.execute(insert(CasePause).values(case_id=case_id, kind="suspension",
                                                         started_on=started, ended_on=ended))
            for approved, days in ((dt.date(2026, 5, 6), 30), (dt.date(2026, 10, 8), 90)):
                session.execute(insert(CaseExtension).values(case_id=case_id,
                                                             approved_on=approved, days=days))
        session.execute(update(Case).where(Case.id == cases[0]).values(
            closed_on=dt.date(2026, 10, 1), closing_method="completed"))
    rules = load_rules_from_settings(dict(DEFAULTS))
    assert any(r.kind == "term" for r in rules.nodes)
    assert sum(r.kind == "event" and r.starts_on_case_date for r in rules.nodes) >= 2
    found = []
    for shared in (True, False):
        # the shared pass on every database (MariaDB's default is each rule its own SELECT),
        # then each rule its own SELECT, as when one rule is chosen
        monkeypatch.setattr(sql, "SHARED_PASS_DIALECTS",
                            frozenset({engine.dialect.name} if shared else ()))
        with session_scope(sessions) as session:
            today = dt.date(2026, 11, 20)
            # a team-narrowed read (an incremental recount: 执行期限 in the pass too), every row
            teams = set(session.scalars(select(Case.team_id).distinct()))
            narrowed = NodeFilter(team_ids=tuple(sorted(t for t in teams if t is not None)),
                                  no_team=None in teams)
            rows = sql.node_rows(session, rules, today, narrowed)
            listed = sorted(tuple(str(v) for v in row) for row in session.execute(select(rows)))
            found.append((node_summary(session, today, rules),
                          node_list(session, today, rules, statuses=(), limit=100_000), listed))
            # the whole count keeps 执行期限's own SELECT (a plain scan is cheaper there)
            whole = str(sql.node_rows(session, rules, today).compile(engine))
            assert ("start_notice" in whole) is shared and "shift_term" not in whole
            assert ("shift_term" in str(rows.compile(engine))) is shared
    assert found[0][1] and found[0][2] and \
        _dump(json_round(found[0])) == _dump(json_round(found[1]))
