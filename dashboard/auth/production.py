"""Production mode refuses to start without a secret key or while a demo user keeps its demo password."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.demo.users import users_with_demo_password

MIN_SECRET = 32
DEV_SECRET = "dev-only-not-secret"  # development only: anyone can forge sessions with it
# keys copied from examples or docs are as public as the development key
KNOWN_WEAK = frozenset({DEV_SECRET, "change-me", "changeme", "secret", "dev", "development"})


class StartupRefused(SystemExit):
    """Raised at start-up in production when it is not safe to serve (message in Chinese)."""


def problems(settings: Mapping[str, Any], engine: Engine) -> list[str]:
    if settings.get("ENV") != "production":
        return []
    found = []
    secret = settings.get("SECRET_KEY") or ""
    if not secret:
        found.append("未设置 DASHBOARD_SECRET_KEY（请设置一个随机长字符串，例如 "
                     "python -c \"import secrets; print(secrets.token_urlsafe(48))\" 的输出）")
    elif secret.strip().lower() in KNOWN_WEAK or DEV_SECRET in secret:
        found.append("DASHBOARD_SECRET_KEY 是公开的开发用密钥，任何人都能伪造登录会话；请换成随机长字符串")
    elif len(secret) < MIN_SECRET:
        found.append(f"DASHBOARD_SECRET_KEY 过短（{len(secret)} 个字符），至少 {MIN_SECRET} 个字符")
    if inspect(engine).has_table("users"):
        with Session(engine) as session:
            demo = users_with_demo_password(session)
        if demo:
            found.append("演示用户仍在使用演示密码：" + "、".join(demo)
                         + "（用户请用 python -m dashboard user passwd 改密或 user disable 停用；"
                         "演示大屏令牌请用 wall-token list 查编号后 wall-token revoke 吊销）")
    return found


def refuse_if_unsafe(settings: Mapping[str, Any], engine: Engine) -> None:
    found = problems(settings, engine)
    if found:
        raise StartupRefused("生产模式（DASHBOARD_ENV=production）拒绝启动：\n  - " + "\n  - ".join(found))
