"""`python -m dashboard user …` / `wall-token …`, the demo sign-ins, and production mode refusing
to start without a secret key or with demo passwords (create_app, the CLI server, the WSGI entry)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine

from dashboard.app import create_app
from dashboard.auth import StartupRefused
from dashboard.cli import cli
from dashboard.config import ROOT
from db.auth import audit
from db.auth.users import authenticate, set_password
from db.auth.wall_tokens import revoke_wall_token, token_hash
from db.demo.users import DEMO_USERS, DEMO_WALL_TOKEN, ensure_demo_users
from db.models import WallToken
from db.session import make_session_factory, session_scope

KEY = "k3Jx9Qw2-Lm8Zr4Tb7Vn1Yc6Hs5Pd0Fg_Ue2Wa9XoRt4Ey7I"  # strong: long and varied


@pytest.fixture
def url(sqlite_engine: Engine, court) -> str:
    return sqlite_engine.url.render_as_string(hide_password=False)


def _run(url: str, *args: str, stdin: str = "", **env: str):
    runner = CliRunner()
    return runner.invoke(cli, list(args), input=stdin,
                         env={"DASHBOARD_DATABASE_URL": url, **env}, catch_exceptions=False)


def test_user_commands(url: str, sqlite_engine: Engine, court) -> None:
    added = _run(url, "user", "add", "zhangsan", "--role", "lead", "--team", str(court["team_simple"]),
                 "--name", "张三", "--password-stdin", stdin="Team#lead-2026\n")
    assert added.exit_code == 0 and "已新增用户 zhangsan（团队长）" in added.output
    prompt = _run(url, "user", "add", "lisi", "--role", "center", stdin="Center#pw-2026\nCenter#pw-2026\n")
    assert prompt.exit_code == 0, prompt.output
    for args, stdin, message in [
        (("user", "add", "zhangsan", "--role", "center", "--password-stdin"), "Other#pw-2026\n", "用户名：“zhangsan”已存在"),
        (("user", "add", "wangwu", "--role", "officer", "--password-stdin"), "Other#pw-2026\n", "干警：承办人必须绑定干警"),
        (("user", "add", "wangwu", "--role", "leader", "--password-stdin"), "short\n", "密码：密码至少 10 个字符"),
        (("user", "disable", "nobody"), "", "用户名：不存在用户“nobody”"),
        (("user", "passwd", "lisi", "--password-stdin"), "\n", "密码：标准输入为空"),
    ]:
        reply = _run(url, *args, stdin=stdin)
        assert reply.exit_code == 1 and message in reply.output, reply.output
    listed = _run(url, "user", "list").output.splitlines()
    assert listed[0].split("\t") == ["用户名", "姓名", "角色", "所属法院", "团队", "干警", "状态"]
    assert listed[2].split("\t") == ["zhangsan", "张三", "团队长", "本系统全部法院", "简案团队", "", "启用"]
    assert _run(url, "user", "disable", "zhangsan").output.strip() == "已停用用户 zhangsan"
    assert _run(url, "user", "list").output.splitlines()[2].endswith("停用")
    assert _run(url, "user", "enable", "zhangsan").exit_code == 0
    assert _run(url, "user", "passwd", "zhangsan", "--password-stdin", stdin="Newer#pw-2027\n").exit_code == 0
    with session_scope(make_session_factory(sqlite_engine)) as session:
        assert authenticate(session, "zhangsan", "Newer#pw-2027") is not None
        details = [r["detail"] for r in audit.search(session, action="user_change", actor=None)]
    assert details[:3] == ["重设密码", "启用", "停用"]


def test_wall_token_commands(url: str, sqlite_engine: Engine) -> None:
    issued = _run(url, "wall-token", "issue", "--screen", "大厅主屏", "--base-url", "http://10.0.0.5:8050")
    assert issued.exit_code == 0
    token = issued.output.splitlines()[1]
    assert f"http://10.0.0.5:8050/wall/token/{token}" in issued.output and len(token) >= 40
    listed = _run(url, "wall-token", "list").output
    assert "大厅主屏" in listed and "有效" in listed and token not in listed
    assert _run(url, "wall-token", "revoke", "1").output.strip() == "已吊销大屏令牌 1"
    again = _run(url, "wall-token", "revoke", "1")
    assert again.exit_code == 1 and "已于" in again.output
    assert "已吊销" in _run(url, "wall-token", "list").output


def test_production_refuses_without_a_key_or_with_demo_passwords(url: str, sqlite_engine: Engine) -> None:
    base = {"DATABASE_URL": url, "ENV": "production", "SCHEDULER_ENABLED": False}
    with pytest.raises(StartupRefused, match="未设置 DASHBOARD_SECRET_KEY"):
        create_app({**base, "SECRET_KEY": ""})
    with pytest.raises(StartupRefused, match="DASHBOARD_SECRET_KEY 过短"):
        create_app({**base, "SECRET_KEY": "short"})
    create_app({**base, "SECRET_KEY": KEY}).server.extensions["dashboard"].engine.dispose()  # starts
    with session_scope(make_session_factory(sqlite_engine)) as session:
        made = ensure_demo_users(session)
    assert [d.username for d in made] == [d.username for d in DEMO_USERS]
    with pytest.raises(StartupRefused) as refused:
        create_app({**base, "SECRET_KEY": KEY})
    message = str(refused.value)
    assert "演示用户仍在使用演示密码：admin、center、lead、officer、leader、大屏令牌“演示大屏”" in message
    with session_scope(make_session_factory(sqlite_engine)) as session:
        for demo in DEMO_USERS:
            set_password(session, demo.username, "Real#changed-pw-2026")
        token_id = session.query(WallToken.id).filter_by(token_hash=token_hash(DEMO_WALL_TOKEN)).scalar()
        revoke_wall_token(session, token_id, None)
    create_app({**base, "SECRET_KEY": KEY}).server.extensions["dashboard"].engine.dispose()
    create_app({"DATABASE_URL": url, "SCHEDULER_ENABLED": False})  # development never refuses


def _process(args: list[str], url: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8", "DASHBOARD_DATABASE_URL": url,
                               "DASHBOARD_PORT": "1", "DASHBOARD_SEED_DEMO": "0", **env})


def test_production_refusal_stops_the_cli_server_and_the_wsgi_entry(url: str) -> None:
    for args in ([sys.executable, "-m", "dashboard", "serve"],
                 [sys.executable, "-c", "import dashboard.wsgi"]):
        done = _process(args, url, DASHBOARD_ENV="production", DASHBOARD_SECRET_KEY="")
        assert done.returncode != 0
        assert "生产模式（DASHBOARD_ENV=production）拒绝启动" in done.stderr
        assert "未设置 DASHBOARD_SECRET_KEY" in done.stderr and "Traceback" not in done.stderr


def test_demo_users_are_bound_to_the_demo_team_and_officer(sqlite_engine: Engine, court) -> None:
    with session_scope(make_session_factory(sqlite_engine)) as session:
        ensure_demo_users(session)
        assert ensure_demo_users(session) == []  # idempotent
        users = {d.role: authenticate(session, d.username, d.password) for d in DEMO_USERS}
    assert users["lead"].team_id == court["team_simple"]
    assert users["officer"].officer_id == court["officer_zhang"]
    assert all(users[role] is not None for role in ("admin", "center", "leader"))


def test_event_source_commands(url: str, sqlite_engine: Engine) -> None:
    from db.events.sources import source_for_token

    issued = _run(url, "event-source", "issue", "--name", "执行110")
    assert issued.exit_code == 0 and "已为事件来源 1（执行110）签发令牌" in issued.output
    plaintext = issued.output.splitlines()[1]
    with session_scope(make_session_factory(sqlite_engine)) as session:
        assert source_for_token(session, plaintext) is not None
    listed = _run(url, "event-source", "list").output.splitlines()
    assert listed[0].startswith("编号\t来源") and listed[1].split("\t")[1] == "执行110"
    assert plaintext not in _run(url, "event-source", "list").output
    assert _run(url, "event-source", "revoke", "1").output.strip() == "已吊销事件来源 1 的令牌"
    again = _run(url, "event-source", "revoke", "1")
    assert again.exit_code == 1 and "已于" in again.output
    with session_scope(make_session_factory(sqlite_engine)) as session:
        assert source_for_token(session, plaintext) is None
        actions = [r["action"] for r in audit.search(session, action=["event_source_issue", "event_source_revoke"])]
    assert actions == ["event_source_revoke", "event_source_issue"]
