"""`rollups check|repair`: the columns database triggers keep (migration 0005_case_rollups)."""
from __future__ import annotations

import click

from dashboard.cli.common import open_session
from db.models import rollups


@click.group("rollups", help="检查或修复触发器维护的汇总列（案款承办副本、扣除/延长期限天数）")
def group() -> None:
    pass


def _report(found: dict[str, int], verb: str) -> None:
    for key, rule in rollups.RULES.items():
        click.echo(f"{rule.label}：{verb} {found[key]:,} 行")


@group.command("check", help="检查：与来源不一致的行数；有不一致时退出码为 1")
def check() -> None:
    with open_session() as (session, _):
        found = rollups.check(session)
    _report(found, "不一致")
    if any(found.values()):
        raise SystemExit("发现不一致的汇总列，请运行 python -m dashboard rollups repair 修复")
    click.echo("全部一致")


@group.command("repair", help="修复：按来源重写不一致的行（一个事务）")
def repair() -> None:
    with open_session(write=True) as (session, _):
        found = rollups.repair(session)
    _report(found, "已修复")


def register(cli: click.Group) -> None:
    cli.add_command(group)
