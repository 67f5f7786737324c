"""Serving commands: run (web + scheduler), serve (web only)."""
from __future__ import annotations

import click

from dashboard.config import load_settings
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


def _serve(with_scheduler: bool) -> None:
    from dashboard.app import create_app
    from dashboard.auth.demo import ensure_and_print as demo_signins
    from dashboard.runtime import start_background

    settings = load_settings()
    migrate.upgrade(settings["DATABASE_URL"])
    app = create_app({"SCHEDULER_ENABLED": with_scheduler and settings["SCHEDULER_ENABLED"]})
    start_background(app.server)
    _print_urls(settings["HOST"], settings["PORT"])
    state = app.server.extensions["dashboard"]
    demo_signins(state.sessions, state.settings, f"http://{settings['HOST']}:{settings['PORT']}")
    app.run(host=settings["HOST"], port=settings["PORT"], debug=False, use_reloader=False)


@click.command(help="启动网页服务和定时刷新（单进程演示/小型法院模式）")
def run() -> None:
    _serve(with_scheduler=True)


@click.command(help="仅启动网页服务（生产环境的网页进程请用 gunicorn，见 docs/install.md）")
def serve() -> None:
    _serve(with_scheduler=False)


def register(group: click.Group) -> None:
    group.add_command(run)
    group.add_command(serve)
