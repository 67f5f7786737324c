"""First-day mistakes in one Chinese line each: bad settings, a database or Redis that cannot be reached.

`explain(exc)` turns what SQLAlchemy, the drivers or redis raise into one line naming the setting,
what is wrong and what to do. `check_database` / `check_cache` try a connection with the configured
timeouts. Used by the CLI (`main`) and by gunicorn's master before it forks (config/gunicorn.conf.py).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.engine import make_url

from dashboard.config import SettingsError
from dashboard.redact import redact


class Unavailable(RuntimeError):
    """A service the settings name cannot be used (message in Chinese)."""


def _where(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite 文件 {parsed.database}"
    return f"{parsed.host or 'localhost'}:{parsed.port or ''} 上的库“{parsed.database}”".replace(": ", " ")


def explain_database(exc: BaseException, url: str, setting: str = "DASHBOARD_DATABASE_URL") -> str:
    """One Chinese line for a database error met while connecting through `setting`."""
    reason = str(getattr(exc, "orig", None) or exc)
    where = _where(url)
    if re.search(r"does not exist|Unknown database|1049", reason):
        name = make_url(url).database
        if setting != "DASHBOARD_DATABASE_URL":  # a replica: it has the primary's databases
            return (f"数据库不存在：{setting} 指向的 {where} 不存在。只读地址应指向主库的只读副本"
                    f"（与 DASHBOARD_DATABASE_URL 同名的库），请检查主机和库名")
        return (f"数据库不存在：{setting} 指向的 {where} 不存在。请先在数据库服务器上创建它"
                f"（CREATE DATABASE {name}），再运行 python -m dashboard init-db")
    if re.search(r"password authentication failed|Access denied|1045|no password supplied", reason):
        return f"数据库拒绝登录：{setting} 中的用户名或密码不对（{where}）。请改正后重试"
    if re.search(r"[Tt]imeout|timed out", reason) or isinstance(exc, sa_exc.TimeoutError):
        return (f"连接数据库超时：{where} 在 DASHBOARD_DB_CONNECT_TIMEOUT_S 秒内没有响应。"
                f"请检查数据库服务是否卡住、网络与防火墙，或调大 DASHBOARD_DB_CONNECT_TIMEOUT_S")
    if re.search(r"[Rr]efused|Can't connect|2003|could not connect|No such file|"
                 r"could not translate host|Name or service not known", reason):
        return (f"无法连接数据库：{where} 拒绝连接或无法访问。请确认数据库服务已启动，"
                f"并检查 {setting} 中的主机和端口")
    if re.search(r"unable to open database file", reason):
        return f"无法打开数据库：{where} 无法创建或读取。请检查 {setting} 的路径和目录权限"
    return f"数据库不可用（{setting}，{where}）：{redact(' '.join(reason.split()))[:200]}"


def explain_cache(exc: BaseException, url: str) -> str:
    host = redact(url)
    return (f"缓存服务不可用：DASHBOARD_CACHE_URL 指向的 Redis（{host}）无法连接（{type(exc).__name__}）。"
            f"请确认 Redis 已启动、地址和端口正确；单机部署可改用 DASHBOARD_CACHE_URL=simple://")


def explain(exc: BaseException, settings: Mapping[str, Any] | None = None) -> str | None:
    """One Chinese line for a start-up failure we understand, else None."""
    if isinstance(exc, SettingsError):
        return f"配置错误：{exc}"
    if isinstance(exc, Unavailable):
        return str(exc)
    url = (settings or {}).get("DATABASE_URL", "")
    if isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)):
        return explain_database(exc, url) if url else f"数据库不可用：{redact(str(exc))[:200]}"
    try:
        import redis
    except ImportError:  # pragma: no cover - redis is a runtime dependency
        return None
    if isinstance(exc, redis.RedisError):
        return explain_cache(exc, (settings or {}).get("CACHE_URL", ""))
    return None


def check_database(settings: Mapping[str, Any], key: str = "DATABASE_URL") -> None:
    """Connect once to the URL of setting `key` with the configured connect timeout; raise
    Unavailable with the reason."""
    from db.session import make_engine
    from db.timeouts import Timeouts

    url = settings[key]
    engine = make_engine(url, Timeouts(connect_s=settings["DB_CONNECT_TIMEOUT_S"],
                                       statement_s=settings["DB_STATEMENT_TIMEOUT_S"]))
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except sa_exc.DBAPIError as exc:
        raise Unavailable(explain_database(exc, url, f"DASHBOARD_{key}")) from None
    finally:
        engine.dispose()


def check_read_database(settings: Mapping[str, Any]) -> None:
    """The refresher's read URL (DASHBOARD_READ_DATABASE_URL), when one is set: as check_database."""
    if settings.get("READ_DATABASE_URL"):
        check_database(settings, "READ_DATABASE_URL")


def check_cache(settings: Mapping[str, Any]) -> None:
    """Ping Redis when the cache is Redis; raise Unavailable with the reason."""
    url = settings["CACHE_URL"]
    if not url.startswith(("redis://", "rediss://")):
        return
    import redis

    seconds = float(settings["CACHE_TIMEOUT_S"])
    client = redis.Redis.from_url(url, socket_timeout=seconds, socket_connect_timeout=seconds)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise Unavailable(explain_cache(exc, url)) from None
    finally:
        client.close()


def master_check() -> None:
    """gunicorn's master, before forking: bad settings, unsafe production settings and a Redis or
    database that is misconfigured end the service with one line (exit 1). A database that is
    merely unreachable (refused, timed out) does not: the workers start and show the outage
    notice, and the demo-password check runs once it is back."""
    import logging
    import sys

    from dashboard.auth.production import config_problems, database_problems, refusal
    from dashboard.config import load_settings
    from dashboard.redact import install
    from db.session import make_engine
    from db.timeouts import Timeouts

    install()
    log = logging.getLogger("gunicorn.error")
    try:
        settings = load_settings()
        found = config_problems(settings)
        if found:
            raise Unavailable(refusal(found))
        check_cache(settings)
        engine = make_engine(settings["DATABASE_URL"], Timeouts(
            connect_s=settings["DB_CONNECT_TIMEOUT_S"], statement_s=settings["DB_STATEMENT_TIMEOUT_S"]))
        try:
            found = database_problems(settings, engine)
        except (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError) as exc:
            line = explain_database(exc, settings["DATABASE_URL"])
            if line.startswith(("数据库不存在", "数据库拒绝登录", "无法打开数据库")):
                raise Unavailable(line) from None
            log.warning("%s；网页进程照常启动并显示数据库暂不可用的提示，数据库恢复后自动恢复", line)
            found = []
        finally:
            engine.dispose()
        if found:
            raise Unavailable(refusal(found))
    except (SettingsError, Unavailable) as exc:
        print(explain(exc) or str(exc), file=sys.stderr, flush=True)
        sys.exit(1)
