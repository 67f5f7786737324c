"""The deployment's security posture: what `python -m dashboard security-check` prints and what
production mode (DASHBOARD_ENV=production) refuses to start with.

`posture(settings, engine)` returns every check (secret key set and strong, demo sign-ins gone,
HTTPS cookie flags, MCP off, sign-in throttle on, session lifetimes, wall-token ages). A failed
check in production stops the start (`refuse_if_unsafe`); the command fails on any failed check
whatever the mode, so it passes on a production configuration and fails on the demo one.

The demo-sign-in check needs the database. When it is down at start the process starts anyway
(a worker recycled during an outage must not take the service down) and `DeferredCheck` runs the
check on the first request after the database is back (retried every 2 s); if it then fails,
every request answers 503 with the refusal until the demo sign-ins are gone.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Response
from sqlalchemy import exc as sa_exc
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.auth.wall_tokens import list_wall_tokens
from db.demo.users import users_with_demo_password
from db.models.auth import utcnow

log = logging.getLogger(__name__)
MIN_SECRET = 32
MIN_DISTINCT = 12  # a key of few distinct characters (aaaa…, 1212…) is guessable however long
DEV_SECRET = "dev-only-not-secret"  # development only: anyone can forge sessions with it
# keys copied from examples or docs are as public as the development key
KNOWN_WEAK = frozenset({DEV_SECRET, "change-me", "changeme", "secret", "dev", "development"})
TOKEN_MAX_AGE_DAYS = 365  # a wall token older than this should be re-issued (a warning)
FAIL, WARN, OK = "失败", "提示", "通过"


class StartupRefused(SystemExit):
    """Raised at start-up in production when it is not safe to serve (message in Chinese)."""


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # FAIL / WARN / OK
    detail: str


def _secret(settings: Mapping[str, Any]) -> Check:
    secret = settings.get("SECRET_KEY") or ""
    name = SECRET_CHECK
    if not secret:
        return Check(name, FAIL, "未设置 DASHBOARD_SECRET_KEY（请设置一个随机长字符串，例如 python -c \"import secrets; "
                                 "print(secrets.token_urlsafe(48))\" 的输出）")
    if secret.strip().lower() in KNOWN_WEAK or DEV_SECRET in secret:
        return Check(name, FAIL, "DASHBOARD_SECRET_KEY 是公开的开发用密钥，任何人都能伪造登录会话；请换成随机长字符串")
    if len(secret) < MIN_SECRET:
        return Check(name, FAIL, f"DASHBOARD_SECRET_KEY 过短（{len(secret)} 个字符），至少 {MIN_SECRET} 个字符")
    if len(set(secret)) < MIN_DISTINCT:
        return Check(name, FAIL, f"DASHBOARD_SECRET_KEY 过于单调（只有 {len(set(secret))} 种字符），请用随机字符串")
    return Check(name, OK, f"已设置，{len(secret)} 个字符")


def _cookie_secure(settings: Mapping[str, Any]) -> bool | None:
    value = str(settings.get("COOKIE_SECURE", "auto")).strip().lower()
    if value == "auto":
        return settings.get("ENV") == "production"
    return {"1": True, "true": True, "yes": True, "on": True,
            "0": False, "false": False, "no": False, "off": False}.get(value)


def _demo(engine: Engine) -> list[Check]:
    if not inspect(engine).has_table("users"):
        return [Check(DEMO_CHECK, WARN, "数据库尚未建表（python -m dashboard migrate）")]
    with Session(engine) as session:
        demo = users_with_demo_password(session)
        tokens = list_wall_tokens(session, include_revoked=False)
    checks = [Check(DEMO_CHECK, FAIL, "演示用户仍在使用演示密码：" + "、".join(demo)
                    + "（用户请用 python -m dashboard user passwd 改密或 user disable 停用；"
                    "演示大屏令牌请用 wall-token list 查编号后 wall-token revoke 吊销）")
              if demo else Check(DEMO_CHECK, OK, "没有可用演示密码或演示令牌登录的账号")]
    now = utcnow()
    old = [t for t in tokens if now - t["created_at"] > dt.timedelta(days=TOKEN_MAX_AGE_DAYS)]
    if old:
        checks.append(Check("大屏令牌", WARN, f"{len(old)} 个有效令牌签发已超过 {TOKEN_MAX_AGE_DAYS} 天（编号 "
                            + "、".join(str(t["id"]) for t in old) + "），建议重新签发后吊销旧令牌"))
    else:
        oldest = max(((now - t["created_at"]).days for t in tokens), default=None)
        checks.append(Check("大屏令牌", OK, f"{len(tokens)} 个有效令牌"
                            + (f"，最早的签发于 {oldest} 天前" if oldest is not None else "")))
    return checks


def posture(settings: Mapping[str, Any], engine: Engine | None) -> list[Check]:
    """Every check of the deployment's security posture (the settings as given, no defaults filled)."""
    checks = [Check("运行模式", OK if settings.get("ENV") == "production" else FAIL,
                    f"DASHBOARD_ENV={settings.get('ENV') or '未设置'}"
                    + ("" if settings.get("ENV") == "production" else "（生产部署须为 production）")),
              _secret(settings)]
    secure = _cookie_secure(settings)
    checks.append(Check("Cookie 安全标志", OK if secure else FAIL,
                        "HttpOnly、SameSite=Lax，且仅经 HTTPS 发送（Secure）" if secure else
                        "会话 Cookie 未设 Secure（DASHBOARD_COOKIE_SECURE=auto 在生产模式下开启；HTTPS 部署请勿设为 0）"))
    mcp = os.environ.get("DASH_MCP_ENABLED", "").strip().lower() in ("1", "true", "yes", "on")
    checks.append(Check("MCP 接口 /_mcp", OK, "已关闭" + ("（环境变量 DASH_MCP_ENABLED 已设置，但本系统强制关闭）" if mcp else "")))
    throttle = int(settings.get("LOGIN_MAX_FAILURES") or 0)
    checks.append(Check("登录限流", OK if throttle > 0 else FAIL,
                        f"同一用户名 {throttle} 次、同一地址 {settings.get('LOGIN_MAX_FAILURES_PER_IP')} 次失败后锁定 "
                        f"{settings.get('LOGIN_LOCKOUT_MIN')} 分钟" if throttle > 0 else "LOGIN_MAX_FAILURES 为 0：未限流"))
    max_h, idle = float(settings.get("SESSION_MAX_H") or 0), float(settings.get("SESSION_IDLE_MIN") or 0)
    checks.append(Check("会话时长", OK if 0 < max_h <= 24 and 0 < idle <= 480 else WARN,
                        f"最长 {max_h:g} 小时，空闲 {idle:g} 分钟后退出（建议不超过 24 小时、480 分钟）"))
    if engine is not None:
        checks.extend(_demo(engine))
    return checks


SECRET_CHECK, DEMO_CHECK = "会话密钥 DASHBOARD_SECRET_KEY", "演示账号"
BLOCKING = frozenset({SECRET_CHECK, DEMO_CHECK})  # production does not start with these failed


def problems(settings: Mapping[str, Any], engine: Engine) -> list[str]:
    """What production mode refuses to start with (nothing outside production)."""
    if settings.get("ENV") != "production":
        return []
    return [c.detail for c in posture(settings, engine) if c.status == FAIL and c.name in BLOCKING]


OUTAGE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)


def config_problems(settings: Mapping[str, Any]) -> list[str]:
    """What production refuses from the settings alone (no database needed)."""
    if settings.get("ENV") != "production":
        return []
    return [c.detail for c in posture(settings, None) if c.status == FAIL and c.name in BLOCKING]


def database_problems(settings: Mapping[str, Any], engine: Engine) -> list[str]:
    """What production refuses from the database (demo sign-ins); raises SQLAlchemy's error when
    the database cannot be reached."""
    if settings.get("ENV") != "production":
        return []
    return [c.detail for c in _demo(engine) if c.status == FAIL and c.name in BLOCKING]


def refusal(found: list[str]) -> str:
    return "生产模式（DASHBOARD_ENV=production）拒绝启动：\n  - " + "\n  - ".join(found)


def refuse_if_unsafe(settings: Mapping[str, Any], engine: Engine) -> DeferredCheck | None:
    """At start: in production, run the security check; refuse on a blocking failure, log the rest.
    While the database is down the settings are checked now and the database part is deferred."""
    if settings.get("ENV") != "production":
        return None
    found = config_problems(settings)
    if found:
        raise StartupRefused(refusal(found))
    try:
        checks = posture(settings, engine)
    except OUTAGE as exc:
        log.warning("数据库暂不可用，演示账号检查将在数据库恢复后进行：%s", type(exc).__name__)
        return DeferredCheck(settings, engine)
    for check in checks:
        if check.status != OK and check.name not in BLOCKING:
            log.warning("安全检查%s：%s：%s", check.status, check.name, check.detail)
    found = [c.detail for c in checks if c.status == FAIL and c.name in BLOCKING]
    if found:
        raise StartupRefused(refusal(found))
    return None


class DeferredCheck:
    """The demo-sign-in check postponed by an outage; a before_request hook runs it."""

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
