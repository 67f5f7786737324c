"""Database commands: init-db, cluster-cases."""
from __future__ import annotations

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from dashboard.config import load_settings
from db import migrate
from db.maintenance import DEFAULT_FILLFACTOR
from db.maintenance import cluster_cases as cluster
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


@click.command("cluster-cases", help="按团队重排案件表的物理存放顺序（PostgreSQL CLUSTER，之后 VACUUM ANALYZE），"
               "增量刷新只需读少数数据页；运行期间案件表被锁，请在夜间运行（见 docs/install.md）")
@click.option("--lock-timeout", "lock_timeout_s", type=click.IntRange(1, 600), default=10,
              show_default=True, help="等待加锁的秒数，超过则放弃（表未改变）")
@click.option("--timeout-min", type=click.IntRange(1, 24 * 60), default=60, show_default=True,
              help="整理的时限（分钟），超过则取消（表未改变）")
@click.option("--fillfactor", type=click.IntRange(50, 100), default=DEFAULT_FILLFACTOR,
              show_default=True, help="每个数据页填充的百分比；余下的空间留给案件修改后的新行版本，"
                                      "使团队顺序保持更久（100：填满）")
def cluster_cases(lock_timeout_s: int, timeout_min: int, fillfactor: int) -> None:
    url = load_settings()["DATABASE_URL"]
    engine = make_engine(url)
    try:
        outcome = cluster(engine, lock_timeout_s=lock_timeout_s, timeout_s=timeout_min * 60,
                          fillfactor=fillfactor)
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        raise click.ClickException(f"整理案件表失败：{reason}") from None
    finally:
        engine.dispose()
    if not outcome.done and engine.dialect.name == "postgresql":
        raise click.ClickException(outcome.message)
    click.echo(outcome.message)


def register(group: click.Group) -> None:
    group.add_command(init_db)
    group.add_command(cluster_cases)
