"""Event-source tokens for the field-event API: `event-source issue|list|revoke`."""
from __future__ import annotations

from typing import Any

import click

from dashboard.cli.users import _session
from db.events.sources import issue_source_token, list_sources, revoke_source


@click.group("event-source", help="现场事件接口的来源令牌（执行110、执法APP…）：签发、列出、吊销")
def event_source() -> None:
    pass


@event_source.command("issue", help="为一个上报系统签发令牌（只显示这一次；只能调用 POST /api/v1/events）")
@click.option("--name", required=True, help="来源名称，如 执行110、执法APP")
def issue(name: str) -> None:
    with _session() as session:
        source_id, plaintext = issue_source_token(session, name, None)
    click.echo(f"已为事件来源 {source_id}（{name.strip()}）签发令牌，令牌只显示这一次，请妥善保管：")
    click.echo(plaintext)
    click.echo("调用时放在请求头：Authorization: Bearer <令牌>")


@event_source.command("list", help="列出事件来源（不含令牌本身）")
def list_command() -> None:
    def fmt(value: Any) -> str:
        return value.strftime("%Y-%m-%d %H:%M") if value else ""

    with _session() as session:
        rows = list_sources(session)
    click.echo("编号\t来源\t签发时间(UTC)\t签发人\t最近使用(UTC)\t状态")
    for row in rows:
        state = "有效" if row["active"] else f"已吊销 {fmt(row['revoked_at'])} {row['revoked_by']}"
        click.echo(f"{row['id']}\t{row['name']}\t{fmt(row['created_at'])}\t{row['created_by']}\t"
                   f"{fmt(row['last_used_at'])}\t{state}")


@event_source.command("revoke", help="吊销一个来源的令牌（立即生效）")
@click.argument("source_id", type=int)
def revoke(source_id: int) -> None:
    with _session() as session:
        revoke_source(session, source_id, None)
    click.echo(f"已吊销事件来源 {source_id} 的令牌")


def register(group: click.Group) -> None:
    group.add_command(event_source)
