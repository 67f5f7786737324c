"""`python -m dashboard <command>`: one click group; each module adds its commands."""
from __future__ import annotations

import click

from dashboard.cli import (
    check,
    database,
    demo,
    events,
    imports,
    indicators,
    nodes,
    nodes_actions,
    rollups,
    scheduler,
    security,
    server,
    users,
)
from dashboard.config import SettingsError

_MODULES = (server, database, scheduler, indicators, demo, nodes, nodes_actions, users, events, rollups, security,
            imports, check)


@click.group(help="执行指挥中心质效看板 命令行工具")
def cli() -> None:
    pass


for _module in _MODULES:
    _module.register(cli)


def main() -> None:
    """Run the CLI; a bad DASHBOARD_* value, a database or Redis that cannot be reached end with
    one Chinese line (the setting, what is wrong, what to do) and exit status 1, not a traceback."""
    from dashboard import preflight, redact

    redact.install()
    try:
        cli(prog_name="python -m dashboard")
    except SettingsError as exc:
        raise SystemExit(f"配置错误：{exc}") from None
    except Exception as exc:
        settings = _settings_or_none()
        line = preflight.explain(exc, settings)
        if line is None:
            raise
        raise SystemExit(line) from None


def _settings_or_none() -> dict | None:
    from dashboard.config import load_settings

    try:
        return load_settings()
    except SettingsError:
        return None
