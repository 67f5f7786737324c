"""`python -m dashboard check`: verify that every figure the product shows agrees (docs/check.md).

Checks the live snapshot when the shared cache holds one for the data as it is now; otherwise
(the embedded default keeps snapshots in the server's own process, or the data changed since)
builds one from the database. Either way the snapshot and the figures it is compared with are
read in one consistent-read transaction. Exit 0 when nothing is wrong, 1 with the list.
"""
from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import click
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from dashboard.cli.common import DATE
from dashboard.config import load_settings
from db.session import begin_consistent_read, make_engine
from db.snapshot.builder import build_snapshot, data_as_of, default_port
from db.snapshot.check import (
    Violation,
    incremental_violations,
    live_violations,
    snapshot_violations,
)
from db.snapshot.store import current_snapshot, iso


def shared_snapshot(settings: dict[str, Any]) -> dict[str, Any] | None:
    """The current snapshot of a shared cache (filesystem, Redis); None for in-process ones."""
    url = settings["CACHE_URL"]
    if url.split(":", 1)[0] in ("simple", "null"):
        return None
    from flask import Flask

    from dashboard.cache import init_cache

    server = Flask(__name__)
    server.config.update(CACHE_URL=url, CACHE_PREFIX=settings["CACHE_PREFIX"])
    try:
        return current_snapshot(init_cache(server).cache)
    except Exception:  # noqa: BLE001 - an unreachable cache: build one instead
        return None


def run_check(session: Session, settings: dict[str, Any], today: dt.date,
              cached: dict[str, Any] | None) -> tuple[str, list[Violation]]:
    """(what was checked, violations) on a fresh session; starts its consistent read."""
    begin_consistent_read(session)
    port = default_port(settings["INDICATOR_SETTINGS"], settings)
    as_of = iso(data_as_of(session))
    body: dict[str, Any]
    if (cached is not None and cached.get("as_of") == as_of
            and (cached.get("periods") or {}).get("ytd", {}).get("end") == today.isoformat()):
        body = cached
        what = f"共享缓存中的当前快照（第 {cached.get('version')} 版，数据截至 {as_of}）"
    else:
        body = build_snapshot(session, port, today=today, court_code=settings["COURT_CODE"],
                              tz=ZoneInfo(settings["TIMEZONE"]))
        why = ("共享缓存中的快照已不是当前数据" if cached is not None else
               "共享缓存中没有快照（嵌入式默认把快照保存在服务器进程内）")
        what = f"{why}，已从数据库现算一份快照（数据截至 {as_of}）"
    if body.get("court") is None:
        return what + "；数据库中没有法院，无可核对的数字", []
    return what, (snapshot_violations(body) + live_violations(session, body, port.settings)
                  + incremental_violations(session, body, port, today))


@click.command("check", help="核对大屏、工作台、命令行、明细清单与导出的数字是否一致；"
                            "有不一致时列出并以非零状态退出")
@click.option("--today", type=DATE, help="统计“今天”（默认按 DASHBOARD_TIMEZONE 的当天）")
def check_command(today: dt.datetime | None) -> None:
    settings = load_settings()
    day = today.date() if today else dt.datetime.now(ZoneInfo(settings["TIMEZONE"])).date()
    cached = shared_snapshot(settings)
    engine = make_engine(settings["DATABASE_URL"])
    try:
        with Session(engine) as session:
            what, found = run_check(session, settings, day, cached)
            session.rollback()
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        raise click.ClickException(f"数据库查询失败：{reason}（未初始化时请先运行 python -m dashboard init-db）") from None
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        engine.dispose()
    click.echo(f"核对对象：{what}")
    if not found:
        click.echo("核对通过：全院＝各团队＋未分配/其他，趋势末点＝当期数值，命令行/工作台、明细清单、导出单元格与大屏一致，"
                   "增量刷新与全量重算一致")
        return
    click.echo(f"发现 {len(found)} 处不一致：")
    for violation in found:
        click.echo(f"  {violation}")
    raise SystemExit(1)


@click.command("rebuild", help="请求全量重算快照：定时刷新在下一次检查时重建全部指标"
                              "（平时只重算有变化的团队）")
def rebuild_command() -> None:
    from db.session import make_session_factory, session_scope
    from db.snapshot.changes import request_full

    settings = load_settings()
    engine = make_engine(settings["DATABASE_URL"])
    try:
        with session_scope(make_session_factory(engine)) as session:
            request_full(session)
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        raise click.ClickException(f"数据库写入失败：{reason}（未初始化时请先运行 python -m dashboard init-db）") from None
    finally:
        engine.dispose()
    click.echo(f"已请求全量重算：定时刷新将在 {settings['REFRESH_INTERVAL_S']} 秒内全量重建快照")


def register(group: click.Group) -> None:
    group.add_command(check_command)
    group.add_command(rebuild_command)
