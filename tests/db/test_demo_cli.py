"""The seed-demo / simulate commands and the run-time starter (seed on empty DB, simulator)."""
from __future__ import annotations

import datetime as dt
import functools
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select

from dashboard import runtime
from dashboard.cli import cli
from db.context import AppContext
from db.demo import seed_demo
from db.models import Case, Court
from db.session import data_version, make_session_factory, session_scope


def _env(tmp_path: Path) -> dict[str, str]:
    return {"DASHBOARD_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}


def test_seed_demo_then_simulate_once(tmp_path: Path) -> None:
    runner = CliRunner()
    env = _env(tmp_path)
    first = runner.invoke(cli, ["seed-demo", "--today", "2022-10-01"], env=env)
    assert first.exit_code == 0, first.output
    assert "已写入" in first.output and "cases=" in first.output
    again = runner.invoke(cli, ["seed-demo", "--today", "2022-10-01"], env=env)
    assert again.exit_code == 1 and "已有法院数据" in again.output
    sim = runner.invoke(cli, ["simulate", "--once"], env=env)
    assert sim.exit_code == 0, sim.output
    assert "内0221" in sim.output


def test_seed_demo_bulk_and_bad_input(tmp_path: Path) -> None:
    runner = CliRunner()
    env = _env(tmp_path)
    bulk = runner.invoke(cli, ["seed-demo", "--cases", "500", "--today", "2024-01-31"], env=env)
    assert bulk.exit_code == 0, bulk.output
    assert "500/500" in bulk.output and "cases=500" in bulk.output
    bad = runner.invoke(cli, ["seed-demo", "--today", "2022-13-01"], env=env)
    assert bad.exit_code == 2 and "不是有效日期" in bad.output
    early = runner.invoke(cli, ["simulate", "--once"], env={
        "DASHBOARD_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"})
    assert early.exit_code == 1 and "没有演示法院" in early.output


def _server(engine: Engine, **settings: object) -> SimpleNamespace:
    base = {"SEED_DEMO": True, "SIMULATE": False, "SIMULATE_INTERVAL_S": 0.2,
            "TIMEZONE": "Asia/Shanghai"}
    ctx = AppContext(settings={**base, **settings}, engine=engine,
                     sessions=make_session_factory(engine))
    return SimpleNamespace(extensions={"dashboard": ctx})


def test_start_demo_seeds_an_empty_database_once(sqlite_engine: Engine,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "seed_demo", functools.partial(seed_demo, today=dt.date(2022, 10, 1)))
    server = _server(sqlite_engine)
    runtime.start_demo(server)
    with sqlite_engine.connect() as conn:
        cases = conn.execute(select(func.count()).select_from(Case)).scalar_one()
        assert conn.execute(select(func.count()).select_from(Court)).scalar_one() == 1
    assert cases > 5000
    runtime.start_demo(server)  # a loaded database is left alone
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Case)).scalar_one() == cases


def test_start_demo_respects_settings(sqlite_engine: Engine) -> None:
    runtime.start_demo(_server(sqlite_engine, SEED_DEMO=False))
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Court)).scalar_one() == 0


def test_start_demo_starts_the_simulator(sqlite_engine: Engine,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "seed_demo", functools.partial(seed_demo, today=dt.date(2022, 10, 1)))
    server = _server(sqlite_engine, SIMULATE=True)
    ctx = server.extensions["dashboard"]
    runtime.start_demo(server)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with session_scope(ctx.sessions) as session:
                if data_version(session)[0] >= 3:
                    break
            time.sleep(0.2)
    finally:
        ctx.extras["simulator_stop"].set()
        ctx.extras["simulator"].join(timeout=10)
    with session_scope(ctx.sessions) as session:
        assert data_version(session)[0] >= 3
