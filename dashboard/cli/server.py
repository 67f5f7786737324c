"""Serving commands: run (web + scheduler), serve (web only), both on gunicorn."""
from __future__ import annotations

import os
from typing import Any

import click
from gunicorn.app.base import Application

from dashboard.config import ROOT, load_settings
from db import migrate

MAIN_PAGES = (
    ("首页", "/"),
    ("指挥中心大屏", "/wall?kiosk=1"),
    ("会商分析", "/analysis"),
    ("运行状态", "/healthz"),
)


def _print_urls(host: str, port: int) -> None:
    base = f"http://{host}:{port}"
    click.echo("执行指挥中心质效看板已启动：")
    for title, path in MAIN_PAGES:
        click.echo(f"  {title:<8} {base}{path}")


GUNICORN_CONF = ROOT / "config" / "gunicorn.conf.py"


class _Gunicorn(Application):
    """gunicorn in this process with config/gunicorn.conf.py (the production settings); the app is
    built in the worker after the fork, so its scheduler and simulator threads live there."""

    def __init__(self, with_scheduler: bool, options: dict[str, Any]) -> None:
        self.with_scheduler, self.options = with_scheduler, options
        super().__init__(usage=None, prog="python -m dashboard")

    def init(self, parser, opts, args) -> None:  # noqa: ANN001 - gunicorn's signature; no argv
        return None

    def load_config(self) -> None:
        self.load_config_from_file(str(GUNICORN_CONF))
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        import logging

        from dashboard import scheduler
        from dashboard.app import create_app
        from db.demo import start_simulator

        if not logging.getLogger().handlers:
            logging.basicConfig(level=logging.INFO,
                                format="%(asctime)s %(levelname)s %(name)s: %(message)s")
            logging.getLogger("apscheduler").setLevel(logging.WARNING)
        app = create_app({"SCHEDULER_ENABLED": self.with_scheduler})
        settings = app.server.extensions["dashboard"].settings
        if self.with_scheduler:
            scheduler.start(app.server)
            if settings.get("SIMULATE"):
                start_simulator(app.server, float(settings.get("SIMULATE_INTERVAL_S", 5)))
        return app.server


def _serve(with_scheduler: bool) -> None:
    from dashboard import preflight
    from dashboard.app import create_app
    from dashboard.auth.demo import ensure_and_print as demo_signins
    from dashboard.runtime import start_demo

    settings = load_settings()
    preflight.check_cache(settings)
    migrate.upgrade(settings["DATABASE_URL"])
    with_scheduler = with_scheduler and settings["SCHEDULER_ENABLED"]
    app = create_app({"SCHEDULER_ENABLED": False, "SIMULATE": False})
    if with_scheduler:
        start_demo(app.server)  # seeds the demo court into an empty database
    _print_urls(settings["HOST"], settings["PORT"])
    state = app.server.extensions["dashboard"]
    demo_signins(state.sessions, state.settings, f"http://{settings['HOST']}:{settings['PORT']}")
    state.engine.dispose()  # no connection crosses the fork
    options: dict[str, Any] = {"bind": [f"{settings['HOST']}:{settings['PORT']}"]}
    if with_scheduler:  # one process: the in-process cache and the refresher live together
        options.update(workers=1, raw_env=[])
        # the refresher shares the worker: lowering it would lower the build with the web
        os.environ.setdefault("DASHBOARD_WEB_NICE", "0")
    _Gunicorn(with_scheduler, options).run()


@click.command(help="启动网页服务和定时刷新（单进程演示/小型法院模式）")
def run() -> None:
    _serve(with_scheduler=True)


@click.command(help="仅启动网页服务（生产环境的网页进程请用 gunicorn，见 docs/install.md）")
def serve() -> None:
    _serve(with_scheduler=False)


def register(group: click.Group) -> None:
    group.add_command(run)
    group.add_command(serve)
