"""`python -m dashboard <command>`: one click group; each module adds its commands."""
from __future__ import annotations

import click

from dashboard.cli import database, indicators, scheduler, server

_MODULES = (server, database, scheduler, indicators)


@click.group(help="执行指挥中心质效看板 命令行工具")
def cli() -> None:
    pass


for _module in _MODULES:
    _module.register(cli)


def main() -> None:
    cli(prog_name="python -m dashboard")
