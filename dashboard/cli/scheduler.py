"""`python -m dashboard scheduler`: the refresher alone, for production deployments."""
from __future__ import annotations

import logging
import signal
import threading

import click

from dashboard.config import load_settings


def _wait_for_signal() -> None:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(3600):
        pass


@click.command(help="仅运行定时刷新（生产环境与 gunicorn 网页进程分开运行；"
                    "多启动的进程作为备用，主进程退出后自动接替）")
def scheduler() -> None:
    from dashboard import preflight
    from dashboard import scheduler as wiring
    from dashboard.app import create_app

    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # no line per job run
    settings = load_settings()
    preflight.check_database(settings)  # a wrong address on the first day: one line, exit 1
    preflight.check_read_database(settings)  # … and the snapshot build's read URL, if any
    preflight.check_cache(settings)
    app = create_app({"SCHEDULER_ENABLED": True})
    service = wiring.start(app.server, force=True)
    assert service is not None  # force=True always starts it
    click.echo(f"定时刷新已启动：每 {settings['REFRESH_INTERVAL_S']} 秒检查数据变化"
               f"（进程 {service.lease.holder}），Ctrl+C 退出")
    _wait_for_signal()
    service.stop()
    click.echo("定时刷新已停止，主控锁已释放")


def register(group: click.Group) -> None:
    group.add_command(scheduler)
