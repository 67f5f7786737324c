"""`python -m dashboard security-check`: print the deployment's security posture; exit 1 on a failure."""
from __future__ import annotations

import click

from dashboard.auth.production import FAIL, OK, posture
from dashboard.config import load_settings
from db.session import make_engine


@click.command("security-check", help="检查部署的安全配置（密钥、演示账号、Cookie、MCP、令牌等），有失败项时退出码为 1")
def security_check() -> None:
    settings = load_settings()
    engine = make_engine(settings["DATABASE_URL"])
    try:
        checks = posture(settings, engine)
    finally:
        engine.dispose()
    for check in checks:
        click.echo(f"[{check.status}] {check.name}：{check.detail}")
    failed = [c for c in checks if c.status == FAIL]
    if failed:
        click.echo(f"安全检查未通过：{len(failed)} 项失败", err=True)
        raise SystemExit(1)
    click.echo("安全检查通过" if all(c.status == OK for c in checks) else "安全检查通过（有提示项）")


def register(group: click.Group) -> None:
    group.add_command(security_check)
