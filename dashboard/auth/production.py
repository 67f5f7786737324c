"""Production mode refuses to start without a secret key or while a demo user keeps its demo password.

The demo-password check needs the database. When it is down at start the process starts anyway
(a worker recycled during an outage must not take the service down) and `DeferredCheck` runs the
check on the first request after the database is back; if it then finds demo passwords, every
request answers 503 with the refusal until they are changed.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

from flask import Response
from sqlalchemy import exc as sa_exc
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.demo.users import users_with_demo_password

MIN_SECRET = 32


class StartupRefused(SystemExit):
    """Raised at start-up in production when it is not safe to serve (message in Chinese)."""


log = logging.getLogger(__name__)
OUTAGE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)


def problems(settings: Mapping[str, Any], engine: Engine) -> list[str]:
    return config_problems(settings) + database_problems(settings, engine)


def config_problems(settings: Mapping[str, Any]) -> list[str]:
    """What the settings alone make unsafe (no database needed)."""
    if settings.get("ENV") != "production":
        return []
    found = []
    secret = settings.get("SECRET_KEY") or ""
    if not secret:
        found.append("未设置 DASHBOARD_SECRET_KEY（请设置一个随机长字符串，例如 "
                     "python -c \"import secrets; print(secrets.token_urlsafe(48))\" 的输出）")
    elif len(secret) < MIN_SECRET:
        found.append(f"DASHBOARD_SECRET_KEY 过短（{len(secret)} 个字符），至少 {MIN_SECRET} 个字符")
    return found


def database_problems(settings: Mapping[str, Any], engine: Engine) -> list[str]:
    """Demo users still on their demo passwords (raises SQLAlchemy's error when the database is down)."""
    if settings.get("ENV") != "production":
        return []
    found = []
    if inspect(engine).has_table("users"):
        with Session(engine) as session:
            demo = users_with_demo_password(session)
        if demo:
            found.append("演示用户仍在使用演示密码：" + "、".join(demo)
                         + "（用户请用 python -m dashboard user passwd 改密或 user disable 停用；"
                         "演示大屏令牌请用 wall-token list 查编号后 wall-token revoke 吊销）")
    return found


def refusal(found: list[str]) -> str:
    return "生产模式（DASHBOARD_ENV=production）拒绝启动：\n  - " + "\n  - ".join(found)


def refuse_if_unsafe(settings: Mapping[str, Any], engine: Engine) -> DeferredCheck | None:
    """Raise StartupRefused on unsafe settings; return a DeferredCheck when the database is down."""
    found = config_problems(settings)
    if found:
        raise StartupRefused(refusal(found))
    try:
        found = database_problems(settings, engine)
    except OUTAGE as exc:
        log.warning("数据库暂不可用，演示密码检查将在数据库恢复后进行：%s", type(exc).__name__)
        return DeferredCheck(settings, engine)
    if found:
        raise StartupRefused(refusal(found))
    return None


class DeferredCheck:
    """The demo-password check postponed by an outage; a before_request hook runs it."""

    RETRY_S = 2.0

    def __init__(self, settings: Mapping[str, Any], engine: Engine) -> None:
        self.settings, self.engine = settings, engine
        self.found: list[str] | None = None  # None: not checked yet; []: passed
        self._next = 0.0
        self._lock = threading.Lock()

    def before_request(self) -> Response | None:
        if self.found is None and time.monotonic() >= self._next and self._lock.acquire(blocking=False):
            try:
                self.found = database_problems(self.settings, self.engine)
                if self.found:
                    log.error(refusal(self.found))
            except OUTAGE:
                self._next = time.monotonic() + self.RETRY_S
            finally:
                self._lock.release()
        if self.found:
            return Response(refusal(self.found).replace("拒绝启动", "拒绝服务"), status=503,
                            mimetype="text/plain; charset=utf-8")
        return None
