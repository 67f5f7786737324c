"""Demo data commands: seed-demo (the demo court or N bulk cases) and simulate."""
from __future__ import annotations

import datetime as dt
import random
import time

import click

from dashboard.config import load_settings
from db import migrate
from db.demo import DEFAULT_SEED, seed_bulk, seed_demo, seed_region, simulate_step
from db.session import make_engine, make_session_factory, session_scope


def _parse_day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"“{value}”不是有效日期，应为 YYYY-MM-DD") from None


def _progress(done: int, total: int, started: float) -> None:
    rate = done / max(time.perf_counter() - started, 1e-9)
    click.echo(f"  已写入 {done:,}/{total:,} 件（{done * 100 // total}%），{rate:,.0f} 件/秒")


@click.command("seed-demo", help="载入演示法院（包头市土默特右旗人民法院）；--region 载入中院模式"
                                 "（包头市中级人民法院及 8 个基层法院）；--cases N 则批量生成 N 件案件用于压测")
@click.option("--cases", type=click.IntRange(min=1), default=None, help="批量生成的案件数（压测用）")
@click.option("--region", is_flag=True, help="中院模式：包头市中级人民法院（内02）及其 8 个基层法院")
@click.option("--scale", type=click.FloatRange(min=0.01, max=20), default=1.0,
              help="中院模式下各院（土默特右旗除外）案件量的倍数，默认 1")
@click.option("--seed", type=int, default=None, help=f"随机种子（演示法院默认 {DEFAULT_SEED}）")
@click.option("--today", callback=_parse_day, default=None, help="视为“今天”的日期 YYYY-MM-DD")
def seed_demo_command(cases: int | None, region: bool, scale: float, seed: int | None,
                      today: dt.date | None) -> None:
    if cases and region:
        raise click.UsageError("--cases 与 --region 不能同时使用")
    settings = load_settings()
    migrate.upgrade(settings["DATABASE_URL"])
    engine = make_engine(settings["DATABASE_URL"])
    started = time.perf_counter()
    try:
        if cases:
            summary = seed_bulk(engine, cases, seed=7 if seed is None else seed, today=today,
                                tz=settings["TIMEZONE"],
                                progress=lambda d, t: _progress(d, t, started))
        elif region:
            summary = seed_region(engine, today=today, seed=DEFAULT_SEED if seed is None else seed,
                                  tz=settings["TIMEZONE"], scale=scale,
                                  progress=lambda name, n: click.echo(f"  {name}：{n:,} 件"))
            summary.pop("per_court")
        else:
            summary = seed_demo(engine, today=today, seed=DEFAULT_SEED if seed is None else seed,
                                tz=settings["TIMEZONE"])
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        engine.dispose()
    click.echo("已写入：" + "，".join(f"{k}={v}" for k, v in summary.items()))
    if not cases:
        _demo_signins(settings)
    click.echo(f"用时 {time.perf_counter() - started:.1f} 秒")


def _demo_signins(settings: dict) -> None:
    """One demo user per role and the demo wall token next to the demo court (not in production)."""
    from dashboard.auth.demo import ensure_and_print

    engine = make_engine(settings["DATABASE_URL"])
    try:
        ensure_and_print(make_session_factory(engine), settings,
                         f"http://{settings['HOST']}:{settings['PORT']}")
    finally:
        engine.dispose()


@click.command(help="模拟实时业务数据（立案、查控反馈、查封冻结、结案、案款、执行110…）")
@click.option("--interval", type=click.FloatRange(min=0.1), default=None,
              help="每批间隔秒数（默认取 DASHBOARD_SIMULATE_INTERVAL_S）")
@click.option("--once", is_flag=True, help="只写一批后退出")
def simulate(interval: float | None, once: bool) -> None:
    settings = load_settings()
    migrate.upgrade(settings["DATABASE_URL"])
    engine = make_engine(settings["DATABASE_URL"])
    factory = make_session_factory(engine)
    rng = random.Random()
    wait = interval if interval is not None else settings["SIMULATE_INTERVAL_S"]
    try:
        while True:
            with session_scope(factory) as session:
                lines = simulate_step(session, dt.datetime.now(dt.UTC), rng, tz=settings["TIMEZONE"])
            stamp = dt.datetime.now().strftime("%H:%M:%S")
            for line in lines:
                click.echo(f"[{stamp}] {line}")
            if once:
                return
            time.sleep(wait)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        click.echo("模拟已停止")
    finally:
        engine.dispose()


def register(group: click.Group) -> None:
    group.add_command(seed_demo_command)
    group.add_command(simulate)
