"""Migration 0005_case_rollups fills the new columns of existing rows, and goes down and up
again, on SQLite, PostgreSQL and MariaDB."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import column, insert, inspect, select, table, update

from db import migrate
from db.session import make_engine
from tests.backends import BACKENDS, server_database

D = dt.date.fromisoformat
BEFORE = "0004_auth"

# Tables as they are at 0004 (the models already have the new columns).
COURTS = table("courts", column("id"), column("code"), column("name"), column("short_name"))
TEAMS = table("teams", column("id"), column("court_id"), column("name"), column("kind"),
              column("sort_order"), column("active"))
CASES = table("cases", *(column(c) for c in (
    "id", "court_id", "case_number", "year", "court_code", "type_code", "serial", "category",
    "filed_on", "closed_on", "closing_method", "track", "non_litigation", "team_id",
    "target_amount", "recovered_amount", "cause")))
PAUSES = table("case_pauses", column("case_id"), column("kind"), column("reason"),
               column("started_on"), column("ended_on"))
EXTENSIONS = table("case_extensions", column("case_id"), column("reason"),
                   column("approved_on"), column("days"))
PAYMENTS = table("payments", column("id"), column("case_id"), column("received_on"),
                 column("amount"))


def _case(i: int, category: str, team: int, closed: dt.date | None) -> dict:
    return {"id": i, "court_id": 1, "case_number": f"(2024)内0221执{i}号", "year": 2024,
            "court_code": "内0221", "type_code": "执", "serial": i, "category": category,
            "filed_on": D("2024-01-10"), "closed_on": closed,
            "closing_method": "completed" if closed else None, "track": "simple",
            "non_litigation": False, "team_id": team, "target_amount": 100,
            "recovered_amount": 0, "cause": ""}


def _seed_at_0004(engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(COURTS), [{"id": 1, "code": "内0221", "name": "测试法院",
                                       "short_name": "测试"}])
        conn.execute(insert(TEAMS), [
            {"id": t, "court_id": 1, "name": f"团队{t}", "kind": "simple", "sort_order": t,
             "active": True} for t in (1, 2)])
        conn.execute(insert(CASES), [_case(1, "first", 1, D("2024-06-30")),
                                     _case(2, "resumed", 2, None)])
        conn.execute(insert(PAUSES), [
            {"case_id": 1, "kind": "appraisal", "reason": "", "started_on": D("2024-02-01"),
             "ended_on": D("2024-02-11")},
            {"case_id": 1, "kind": "auction", "reason": "", "started_on": D("2024-06-20"),
             "ended_on": None},  # open: counts up to 结案 (10 days)
            {"case_id": 2, "kind": "appraisal", "reason": "", "started_on": D("2024-02-01"),
             "ended_on": D("2024-03-01")},  # the case is open: 0
        ])
        conn.execute(insert(EXTENSIONS), [
            {"case_id": 1, "reason": "", "approved_on": D("2024-05-01"), "days": 30},
            {"case_id": 1, "reason": "", "approved_on": D("2024-05-20"), "days": 15}])
        conn.execute(insert(PAYMENTS), [
            {"id": 1, "case_id": 1, "received_on": D("2024-03-01"), "amount": 50},
            {"id": 2, "case_id": 2, "received_on": D("2024-03-02"), "amount": 20}])


def _rollups(engine) -> tuple[dict, dict]:
    cases = table("cases", column("id"), column("paused_days"), column("extension_days"))
    payments = table("payments", column("id"), column("court_id"), column("team_id"),
                     column("officer_id"), column("category"))
    with engine.connect() as conn:
        by_case = {r.id: (r.paused_days, r.extension_days)
                   for r in conn.execute(select(cases).order_by(cases.c.id))}
        by_payment = {r.id: tuple(r[1:]) for r in conn.execute(select(payments).order_by(
            payments.c.id))}
    return by_case, by_payment


@pytest.mark.parametrize("backend", BACKENDS)
def test_rollups_migration_fills_existing_rows_and_round_trips(backend: str,
                                                               tmp_path: Path) -> None:
    with server_database(backend, str(tmp_path)) as url:
        migrate.upgrade(url, BEFORE)
        engine = make_engine(url)
        try:
            _seed_at_0004(engine)
            migrate.upgrade(url)
            by_case, by_payment = _rollups(engine)
            assert by_case == {1: (10 + 10, 45), 2: (0, 0)}
            assert by_payment == {1: (1, 1, None, "first"), 2: (1, 2, None, "resumed")}

            # The triggers work on the migrated rows: reassign case 2 and close it.
            with engine.begin() as conn:
                conn.execute(update(CASES).where(CASES.c.id == 2)
                             .values(team_id=1, closed_on=D("2024-02-15")))
            by_case, by_payment = _rollups(engine)
            assert by_case[2] == (14, 0)
            assert by_payment[2] == (1, 1, None, "resumed")

            command.downgrade(migrate.alembic_config(url), BEFORE)
            engine.dispose()
            assert "paused_days" not in {c["name"] for c in inspect(engine).get_columns("cases")}
            assert "team_id" not in {c["name"] for c in inspect(engine).get_columns("payments")}
            with engine.begin() as conn:  # no trigger is left behind to fail on old columns
                conn.execute(insert(PAYMENTS), [{"id": 3, "case_id": 1,
                                                 "received_on": D("2024-04-01"), "amount": 5}])
                conn.execute(insert(PAUSES), [{"case_id": 1, "kind": "other", "reason": "",
                                               "started_on": D("2024-04-01"),
                                               "ended_on": D("2024-04-03")}])
            migrate.upgrade(url)
            engine.dispose()
            by_case, by_payment = _rollups(engine)
            assert by_case == {1: (10 + 10 + 2, 45), 2: (14, 0)}
            assert by_payment[3] == (1, 1, None, "first")
        finally:
            engine.dispose()
