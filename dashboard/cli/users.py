"""User and wall-token commands: `user add|list|court|disable|enable|passwd`,
`wall-token issue|list|revoke`; `--court CODE` (法院代字) binds a user or token to a court."""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from sqlalchemy.orm import Session

from dashboard.config import load_settings
from db import migrate
from db.auth.access import ROLES
from db.auth.court_bind import court_id_for
from db.auth.users import create_user, list_users, set_active, set_password, update_user
from db.auth.wall_tokens import issue_wall_token, list_wall_tokens, revoke_wall_token
from db.session import make_engine, make_session_factory, session_scope

ROLE_CHOICES = [key for key in ROLES if key != "wall"]


@contextmanager
def _session() -> Iterator[Session]:
    """A migrated database session; a ValueError ends the command with its Chinese message."""
    url = load_settings()["DATABASE_URL"]
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            yield session
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        engine.dispose()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        value = sys.stdin.readline().rstrip("\r\n")
        if not value:
            raise click.ClickException("密码：标准输入为空")
        return value
    return click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")


_stdin_option = click.option("--password-stdin", is_flag=True,
                             help="从标准输入读取密码（一行），用于脚本；否则交互输入两次")
_court_option = click.option("--court", "court_code", default="",
                             help="所属法院的法院代字，如 内0221：只看本院及下级法院；不填为本系统全部法院")


@click.group("user", help="用户管理：新增、列出、停用、启用、重设密码")
def user() -> None:
    pass


@user.command("add", help="新增用户")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLE_CHOICES),
              help="角色：" + "，".join(f"{k}={ROLES[k].label}" for k in ROLE_CHOICES))
@click.option("--name", "display_name", default="", help="显示姓名")
@click.option("--team", "team_id", type=int, default=None, help="团队编号（团队长必填）")
@click.option("--officer", "officer_id", type=int, default=None, help="干警编号（承办人必填）")
@_court_option
@_stdin_option
def add(username: str, role: str, display_name: str, team_id: int | None, officer_id: int | None,
        court_code: str, password_stdin: bool) -> None:
    with _session() as session:  # the court is checked before the password is asked for
        court_id_for(session, court_code)
    password = _password(password_stdin)
    with _session() as session:
        made = create_user(session, username, password, role, display_name=display_name,
                           team_id=team_id, officer_id=officer_id,
                           court_id=court_id_for(session, court_code))
        court_note = f"，{_court_name(court_code)}" if court_code.strip() else ""
        click.echo(f"已新增用户 {made.username}（{ROLES[role].label}{court_note}）")


def _court_name(code: str) -> str:
    return f"所属法院 {code.strip()}" if code.strip() else "本系统全部法院"


@user.command("court", help="修改用户的所属法院（其已登录的会话随之失效）")
@click.argument("username")
@click.option("--court", "court_code", required=True,
              help="法院代字，如 内0221；写 all 表示本系统全部法院")
def court(username: str, court_code: str) -> None:
    code = "" if court_code.strip().lower() == "all" else court_code
    with _session() as session:
        update_user(session, username, court_id=court_id_for(session, code))
    click.echo(f"已将用户 {username} 的所属法院改为{_court_name(code)}")


def _table(rows: list[dict], columns: list[tuple[str, str]]) -> None:
    click.echo("\t".join(title for _, title in columns))
    for row in rows:
        click.echo("\t".join("" if row[key] is None else str(row[key]) for key, _ in columns))


@user.command("list", help="列出全部用户")
def list_command() -> None:
    with _session() as session:
        rows = list_users(session)
        for row in rows:
            row["state"] = "启用" if row["active"] else "停用"
        _table(rows, [("username", "用户名"), ("display_name", "姓名"), ("role_label", "角色"),
                      ("court", "所属法院"), ("team", "团队"), ("officer", "干警"), ("state", "状态")])


def _toggle(active: bool) -> Callable[[str], None]:
    def command(username: str) -> None:
        with _session() as session:
            set_active(session, username, active)
            click.echo(f"已{'启用' if active else '停用'}用户 {username}")
    return command


user.command("disable", help="停用用户（其已登录的会话在 DASHBOARD_AUTH_RECHECK_S 秒内失效）")(
    click.argument("username")(_toggle(False)))
user.command("enable", help="启用用户")(click.argument("username")(_toggle(True)))


@user.command("passwd", help="重设用户密码（其已登录的会话随之失效）")
@click.argument("username")
@_stdin_option
def passwd(username: str, password_stdin: bool) -> None:
    password = _password(password_stdin)
    with _session() as session:
        set_password(session, username, password)
        click.echo(f"已重设用户 {username} 的密码")


@click.group("wall-token", help="大屏令牌：签发、列出、吊销")
def wall_token() -> None:
    pass


@wall_token.command("issue", help="为一块屏幕签发令牌（只显示这一次）")
@click.option("--screen", required=True, help="屏幕名称，如 大厅主屏")
@click.option("--base-url", default="", help="打印完整链接用的地址，如 http://10.0.0.5:8050")
@_court_option
def issue(screen: str, base_url: str, court_code: str) -> None:
    with _session() as session:
        token_id, plaintext = issue_wall_token(session, screen, None, court_id_for(session, court_code))
    settings = load_settings()
    base = base_url.rstrip("/") or f"http://{settings['HOST']}:{settings['PORT']}"
    click.echo(f"已签发大屏令牌 {token_id}（{screen}，{_court_name(court_code)}），令牌只显示这一次，请妥善保管：")
    click.echo(plaintext)
    click.echo(f"大屏浏览器打开：{base}/wall/token/{plaintext}")


@wall_token.command("list", help="列出令牌（不含令牌本身）")
def list_tokens() -> None:
    def fmt(value: Any) -> str:
        return value.strftime("%Y-%m-%d %H:%M") if value else ""

    with _session() as session:
        rows = list_wall_tokens(session)
    click.echo("编号\t屏幕\t所属法院\t签发时间(UTC)\t签发人\t最近使用(UTC)\t状态")
    for row in rows:
        state = "有效" if row["active"] else f"已吊销 {fmt(row['revoked_at'])} {row['revoked_by']}"
        click.echo(f"{row['id']}\t{row['screen']}\t{row['court']}\t{fmt(row['created_at'])}\t"
                   f"{row['created_by']}\t{fmt(row['last_used_at'])}\t{state}")


@wall_token.command("revoke", help="吊销令牌（使用它的大屏在 DASHBOARD_AUTH_RECHECK_S 秒内退出）")
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    with _session() as session:
        revoke_wall_token(session, token_id, None)
    click.echo(f"已吊销大屏令牌 {token_id}")


def register(group: click.Group) -> None:
    group.add_command(user)
    group.add_command(wall_token)
