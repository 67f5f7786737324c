"""The command line: `python -m dashboard` with --help on every command, and init-db."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect

from dashboard.cli import cli
from dashboard.config import ROOT
from db.base import Base

REQUIRED = ("run", "serve", "scheduler", "init-db", "seed-demo", "simulate")


def test_module_help_lists_the_commands() -> None:
    """`python -m dashboard --help` runs as a real process and lists every required command."""
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "--help"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert done.returncode == 0, done.stderr
    assert "执行指挥中心质效看板" in done.stdout
    listed = {line.split()[0] for line in done.stdout.split("Commands:")[1].splitlines() if line.strip()}
    missing = [name for name in REQUIRED if name not in listed]
    assert not missing, f"commands missing from --help: {missing}"


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(_commands(command, (*prefix, name)))
    return found


@pytest.mark.parametrize("path", _commands(cli), ids=" ".join)
def test_every_command_has_chinese_help(path: tuple[str, ...]) -> None:
    """`<command> --help` exits 0 and describes the command in Chinese."""
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="python -m dashboard")
    assert result.exit_code == 0, result.output
    usage, _, description = result.output.partition("\n\n")
    assert usage.startswith(f"Usage: python -m dashboard {' '.join(path)}")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in description), result.output


def test_unknown_command_fails() -> None:
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code != 0
    assert "no-such-command" in result.output


def test_init_db_migrates_the_configured_database(tmp_path: Path) -> None:
    """init-db creates every table in the database named by DASHBOARD_DATABASE_URL."""
    url = f"sqlite:///{tmp_path}/cli.db"
    result = CliRunner().invoke(cli, ["init-db"], env={"DASHBOARD_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert "数据库已迁移到最新版本" in result.output
    engine = create_engine(url)
    try:
        assert set(Base.metadata.tables) | {"alembic_version"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_init_db_hides_the_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The confirmation never prints a database password."""
    from dashboard.cli import database

    monkeypatch.setattr(database.migrate, "upgrade", lambda url: None)
    monkeypatch.setattr(database, "seed_rules", lambda url: 0)
    url = "postgresql+psycopg://app:s3cret@127.0.0.1:5432/x"
    result = CliRunner().invoke(cli, ["init-db"], env={"DASHBOARD_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output and "app:***@127.0.0.1" in result.output


def test_init_db_seeds_the_default_triage_rules_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/init.db"
    first = CliRunner().invoke(cli, ["init-db"], env={"DASHBOARD_DATABASE_URL": url})
    assert first.exit_code == 0 and "已写入默认繁简分流规则 11 条" in first.output, first.output
    again = CliRunner().invoke(cli, ["init-db"], env={"DASHBOARD_DATABASE_URL": url})
    assert again.exit_code == 0 and "繁简分流规则" not in again.output


def test_bad_setting_ends_with_chinese_message_not_traceback() -> None:
    """A malformed DASHBOARD_* value stops the CLI with exit code 1 and names the variable."""
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "init-db"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "DASHBOARD_PORT": "八千", "PYTHONIOENCODING": "utf-8"},
    )
    assert done.returncode == 1
    assert "配置错误：环境变量 DASHBOARD_PORT 应为整数，实际为“八千”" in done.stderr
    assert "Traceback" not in done.stderr
