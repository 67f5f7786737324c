"""Start the process's background work (demo seeding, scheduler, simulator) by settings."""
from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import InterfaceError, OperationalError, TimeoutError

from dashboard import scheduler
from db.demo import seed_demo, seed_region, start_simulator
from db.models import Court

log = logging.getLogger(__name__)


def start_demo(server: Flask) -> None:
    """Seed the demo court (or with DEMO_REGION the 中院 mode) into an empty database (SEED_DEMO);
    start the simulator (SIMULATE)."""
    state = server.extensions["dashboard"]
    settings = state.settings
    if settings.get("SEED_DEMO"):
        try:
            with state.sessions() as session:
                empty = not session.scalar(select(func.count()).select_from(Court))
        except (OperationalError, InterfaceError, TimeoutError) as exc:  # an outage: seed later
            log.warning("数据库暂不可用，跳过演示法院检查：%s", type(exc).__name__)
            empty = False
        tz = settings.get("TIMEZONE", "Asia/Shanghai")
        if empty and settings.get("DEMO_REGION"):
            print("数据库为空，正在载入中院模式演示数据（包头市中级人民法院及 8 个基层法院）…", flush=True)
            summary = seed_region(state.engine, tz=tz)
            print(f"中院模式已载入：{summary['courts']} 个法院，{summary['cases']} 件案件，"
                  f"{summary['case_events']} 条事件", flush=True)
        elif empty:
            print("数据库为空，正在载入演示法院（包头市土默特右旗人民法院）…", flush=True)
            summary = seed_demo(state.engine, tz=tz)
            print(f"演示法院已载入：{summary['cases']} 件案件，{summary['case_events']} 条事件", flush=True)
    if settings.get("SIMULATE"):
        start_simulator(server, float(settings.get("SIMULATE_INTERVAL_S", 5)))


# Each starter takes the Flask server and starts its background work if its setting says so.
# Demo seeding runs first so the first refresh already sees the demo court.
STARTERS: list = [start_demo, scheduler.start]


def start_background(server: Flask) -> None:
    for starter in STARTERS:
        starter(server)
