"""`python -m dashboard security-check`: passes on a production configuration, fails on the demo one."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine

from dashboard.cli import cli
from db.auth.users import set_password
from db.auth.wall_tokens import revoke_wall_token, token_hash
from db.demo.users import DEMO_USERS, DEMO_WALL_TOKEN, ensure_demo_users
from db.models import WallToken
from db.session import make_session_factory, session_scope

STRONG = "Zq8-vN3xK1pL9sD4fG7hJ2mB5cV0wE6rT_yU8iO3aS"


def _check(url: str, **env: str):
    return CliRunner().invoke(cli, ["security-check"], catch_exceptions=False,
                              env={"DASHBOARD_DATABASE_URL": url, **env})


@pytest.fixture
def url(sqlite_engine: Engine, court) -> str:
    return sqlite_engine.url.render_as_string(hide_password=False)


def test_the_demo_configuration_fails(url: str, sqlite_engine: Engine, monkeypatch) -> None:
    monkeypatch.delenv("DASHBOARD_SECRET_KEY", raising=False)
    monkeypatch.delenv("DASHBOARD_ENV", raising=False)
    with session_scope(make_session_factory(sqlite_engine)) as session:
        ensure_demo_users(session)
    done = _check(url)
    assert done.exit_code == 1
    for failed in ("[失败] 运行模式", "[失败] 会话密钥", "[失败] 演示账号", "[失败] Cookie 安全标志"):
        assert failed in done.output, done.output
    assert "[通过] MCP 接口 /_mcp" in done.output


def test_a_production_configuration_passes(url: str, sqlite_engine: Engine, monkeypatch) -> None:
    with session_scope(make_session_factory(sqlite_engine)) as session:
        ensure_demo_users(session)
        for demo in DEMO_USERS:  # what the README asks a deployment to do
            set_password(session, demo.username, "Real#changed-pw-2026")
        token_id = session.query(WallToken.id).filter_by(token_hash=token_hash(DEMO_WALL_TOKEN)).scalar()
        revoke_wall_token(session, token_id, None)
    monkeypatch.setenv("DASH_MCP_ENABLED", "true")  # reported, and still off
    done = _check(url, DASHBOARD_ENV="production", DASHBOARD_SECRET_KEY=STRONG)
    assert done.exit_code == 0, done.output
    assert "[失败]" not in done.output and "安全检查通过" in done.output
    assert "本系统强制关闭" in done.output


@pytest.mark.parametrize("key", ["short", "dev-only-not-secret", "ab" * 30])
def test_a_weak_key_fails(url: str, key: str) -> None:
    done = _check(url, DASHBOARD_ENV="production", DASHBOARD_SECRET_KEY=key)
    assert done.exit_code == 1 and "[失败] 会话密钥" in done.output
