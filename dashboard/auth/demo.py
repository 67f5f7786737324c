"""The demo's sign-ins: create them next to the demo court and print them at start-up (never in production)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click
from sqlalchemy.orm import Session, sessionmaker

from db.auth.access import ROLES
from db.demo.users import (
    DEMO_WALL_TOKEN,
    demo_wall_token_active,
    ensure_demo_users,
    usable_demo_users,
)
from db.session import session_scope


def ensure_and_print(sessions: sessionmaker[Session], settings: Mapping[str, Any], base_url: str) -> None:
    """Create missing demo users (when the demo court is loaded) and print the usable sign-ins."""
    if settings.get("ENV") == "production":
        return
    with session_scope(sessions) as session:
        ensure_demo_users(session)
        usable = usable_demo_users(session)
        wall = demo_wall_token_active(session)
    if not usable and not wall:
        return
    click.echo("演示账号（密码公开，仅供演示；生产环境须改密或停用，见 docs/security.md）：")
    for demo in usable:
        where = f"（{demo.display_name}，所属法院 {demo.court}）" if demo.court else ""
        click.echo(f"  {ROLES[demo.role].label:<6} 用户名 {demo.username:<8} 密码 {demo.password}{where}")
    if wall:
        click.echo(f"  大屏令牌    {base_url}/wall/token/{DEMO_WALL_TOKEN}")
