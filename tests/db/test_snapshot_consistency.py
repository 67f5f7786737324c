"""Snapshots built while cases are being written: every number describes one instant.

A writer thread files and closes cases in a loop while snapshots are built on a consistent
read (db.session.begin_consistent_read); every snapshot must pass the invariants of
db.snapshot.check, inside itself and against the CLI, drill-down and export figures read in
the same transaction. On SQLite, PostgreSQL and MariaDB.
"""
from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.models import Case
from db.session import (
    begin_consistent_read,
    bump_data_version,
    make_session_factory,
    session_scope,
)
from db.snapshot.builder import build_snapshot, data_as_of, default_port
from db.snapshot.check import live_violations, snapshot_violations
from db.snapshot.store import iso
from tests.db.snapshot_data import TODAY, seed

TZ = ZoneInfo("Asia/Shanghai")
SNAPSHOTS = 6


def _writer(sessions, ids: dict, stop: threading.Event, written: list[int]) -> None:
    """File a case and close the oldest open one, one commit each, until told to stop."""
    serial = 1000
    while not stop.is_set():
        serial += 1
        with session_scope(sessions) as session:
            session.add(Case(
                court_id=ids["court"], case_number=f"(2026)内0221执{serial}号", year=2026,
                court_code="内0221", type_code="执", serial=serial, category="first",
                filed_on=TODAY - dt.timedelta(days=serial % 40), team_id=ids["simple"],
                officer_id=ids["officer"]))
            bump_data_version(session)
        with session_scope(sessions) as session:
            case = session.scalars(select(Case).where(Case.closed_on.is_(None),
                                                      Case.serial > 1000)
                                   .order_by(Case.id).limit(1)).first()
            if case is not None:
                case.closed_on = TODAY
                case.closing_method = "completed" if serial % 2 else "terminated_this_round"
                bump_data_version(session)
        written.append(serial)


def test_snapshots_under_concurrent_writes_are_consistent(engine) -> None:
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        made = seed(session)
        ids = {"court": made["court"].id, "simple": made["simple"].id,
               "officer": made["officers"][0].id}
    port = default_port(None, {"TIMEZONE": "Asia/Shanghai"})
    stop, written = threading.Event(), []
    writer = threading.Thread(target=_writer, args=(sessions, ids, stop, written), daemon=True)
    writer.start()
    problems, seen = [], set()
    try:
        for _ in range(SNAPSHOTS):
            with session_scope(sessions) as session:
                begin_consistent_read(session)
                body = build_snapshot(session, port, today=TODAY, tz=TZ)
                found = snapshot_violations(body) + live_violations(session, body, port.settings)
                if body["as_of"] != iso(data_as_of(session)):  # as-of: the instant read
                    found.append(f"as-of {body['as_of']} ≠ {iso(data_as_of(session))}")
            seen.add(body["views"]["ytd"]["court"]["indicators"]["accepted"]["value"])
            problems += [str(v) for v in found]
    finally:
        stop.set()
        writer.join(timeout=30)
    assert not problems, "\n".join(problems[:20])
    assert len(written) >= 3 and len(seen) >= 2, "the writer must have changed the data meanwhile"
