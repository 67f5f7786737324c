"""Database commands: init-db."""
from __future__ import annotations

import click
from sqlalchemy.engine import make_url

from dashboard.config import load_settings
from db import migrate


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@click.command("init-db", help="创建或迁移数据库到最新结构 (Alembic upgrade head)")
def init_db() -> None:
    url = load_settings()["DATABASE_URL"]
    migrate.upgrade(url)
    click.echo(f"数据库已迁移到最新版本：{_safe(url)}")


def register(group: click.Group) -> None:
    group.add_command(init_db)
