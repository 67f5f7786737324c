"""`db.models.rollups.check` finds rows whose trigger-kept columns were written behind the triggers'
back, and `repair` rewrites exactly those, on SQLite, PostgreSQL and MariaDB."""
from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import update
from sqlalchemy.orm import Session

from dashboard.cli import cli
from db.models import Case, CaseExtension, CasePause, Payment, rollups
from tests.db.nodes_factory import make_case, make_org

D = dt.date.fromisoformat
VERSIONS = Path(__file__).resolve().parents[2] / "db/migrations/versions"
MIGRATION = VERSIONS / "0005_case_rollups.py"
UNION = VERSIONS / "0009_trust.py"  # redefines the paused-days triggers (union of pauses)


def _migration(path: Path = MIGRATION):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def triggers_off(engine) -> Iterator[None]:
    """Drop the rollup triggers (as a bulk load that bypasses them would), then restore them."""
    migration, name = _migration(), engine.dialect.name
    with engine.begin() as conn:
        for statement in migration.DROPS[name]:
            conn.exec_driver_sql(statement)
    try:
        yield
    finally:
        with engine.begin() as conn:
            for statement in migration.DROPS[name]:
                conn.exec_driver_sql(statement)
            for statement in migration.TRIGGERS[name]():
                conn.exec_driver_sql(statement)
            for statement in _migration(UNION).trigger_statements(name):
                conn.exec_driver_sql(statement)


def _seed(engine) -> dict[str, int]:
    with Session(engine) as s, s.begin():
        org = make_org(s)
        closed = make_case(s, org, D("2022-01-10"), closed_on=D("2022-06-30"))
        other = make_case(s, org, D("2022-02-10"), team=1)
        s.add_all([CasePause(case_id=closed.id, kind="appraisal", started_on=D("2022-02-01"),
                             ended_on=D("2022-02-11")),
                   CaseExtension(case_id=closed.id, approved_on=D("2022-05-01"), days=30),
                   Payment(case_id=closed.id, received_on=D("2022-03-01"), amount=50),
                   Payment(case_id=other.id, received_on=D("2022-03-02"), amount=20)])
        s.flush()
        return {"closed": closed.id, "other": other.id}


def test_check_finds_and_repair_rewrites_rows_written_behind_the_triggers(engine) -> None:
    ids = _seed(engine)
    with Session(engine) as s:
        assert rollups.check(s) == {"payment_holder": 0, "paused_days": 0, "extension_days": 0,
                                     "closed_holder": 0}
    with triggers_off(engine):
        with engine.begin() as conn:
            conn.execute(update(Case.__table__).where(Case.id == ids["closed"])
                         .values(paused_days=99, extension_days=0))
            conn.execute(update(Payment.__table__).values(team_id=None))
        with Session(engine) as s, s.begin():
            assert rollups.check(s) == {"payment_holder": 2, "paused_days": 1, "extension_days": 1,
                                          "closed_holder": 0}
            assert rollups.repair(s) == {"payment_holder": 2, "paused_days": 1, "extension_days": 1,
                                          "closed_holder": 0}
        with Session(engine) as s:
            assert rollups.check(s) == {"payment_holder": 0, "paused_days": 0, "extension_days": 0,
                                     "closed_holder": 0}
            assert s.get(Case, ids["closed"]).paused_days == 10
            assert s.get(Case, ids["closed"]).extension_days == 30
    with Session(engine) as s:  # the triggers are back and agree
        assert rollups.check(s) == {"payment_holder": 0, "paused_days": 0, "extension_days": 0,
                                     "closed_holder": 0}


def test_cli_check_exits_1_on_stale_rows_and_repair_fixes_them(sqlite_engine, monkeypatch) -> None:
    _seed(sqlite_engine)
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    runner = CliRunner()
    ok = runner.invoke(cli, ["rollups", "check"])
    assert ok.exit_code == 0 and "全部一致" in ok.output
    with triggers_off(sqlite_engine):
        with sqlite_engine.begin() as conn:
            conn.execute(update(Payment.__table__).values(category="review"))
        stale = runner.invoke(cli, ["rollups", "check"])
        assert stale.exit_code == 1
        assert "案款的承办团队/承办人/类别副本：不一致 2 行" in stale.output
        fixed = runner.invoke(cli, ["rollups", "repair"])
        assert fixed.exit_code == 0 and "已修复 2 行" in fixed.output
        assert runner.invoke(cli, ["rollups", "check"]).exit_code == 0
