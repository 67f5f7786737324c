"""Database commands: init-db."""
from __future__ import annotations

import click
from sqlalchemy.engine import make_url

from dashboard.config import load_settings
from db import migrate
from db.session import make_engine, make_session_factory, session_scope
from db.triage import seed_default_rules


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def seed_rules(url: str) -> int:
    """The default 繁简分流 rules (地方规定 example) into an empty rule table; how many written."""
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return seed_default_rules(session)
    finally:
        engine.dispose()


@click.command("init-db", help="创建或迁移数据库到最新结构 (Alembic upgrade head)，并写入默认繁简分流规则")
def init_db() -> None:
    url = load_settings()["DATABASE_URL"]
    migrate.upgrade(url)
    click.echo(f"数据库已迁移到最新版本：{_safe(url)}")
    made = seed_rules(url)
    if made:
        click.echo(f"已写入默认繁简分流规则 {made} 条（地方规定示例，管理员可在“分流规则”页修改）")


def register(group: click.Group) -> None:
    group.add_command(init_db)
