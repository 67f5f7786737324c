"""Settings: defaults overridden by DASHBOARD_* environment variables, then by overrides.

Every key is documented in docs/install.md ("配置"). Types follow the default's type.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": f"sqlite:///{INSTANCE / 'dashboard.db'}",
    # the refresher's snapshot reads (a streaming replica); empty: DATABASE_URL. Writes never go there
    "READ_DATABASE_URL": "",
    "HOST": "127.0.0.1",
    "PORT": 8050,
    "ENV": "development",  # development | production
    "SECRET_KEY": "",
    "TIMEZONE": "Asia/Shanghai",
    "SCHEDULER_ENABLED": True,
    "REFRESH_INTERVAL_S": 30,
    "SIMULATE": False,
    "SIMULATE_INTERVAL_S": 5,
    "SEED_DEMO": True,  # seed the demo court when the database is empty on `run`
    "DEMO_REGION": False,  # … the 中院 mode instead: 包头市中级人民法院 and its 8 basic courts (make run-region)
    "CACHE_URL": "simple://",  # simple:// | filesystem:///path | redis://host:port/db | null://
    "INDICATOR_SETTINGS": "",  # path to a TOML file with the court's indicator variants
    "SNAPSHOT_HISTORY_DAYS": 400,
    # video wall (docs/wall.md): default rotation, screens in order, periodic safe reload
    "WALL_ROTATE_S": 45,  # seconds per screen; 0: no rotation (URL ?rotate= overrides)
    "WALL_SCREENS": "overview,teams,center,nodes,feed",  # or 总览,团队,中心,节点,动态
    # a 中院's wall: each court of the 辖区 has its panel in the rotation (法院 screen); 0 leaves
    # them out of the automatic rotation (their tab still opens them; the 辖区 screen stays)
    "WALL_COURT_SCREENS": True,
    "WALL_RELOAD_H": 24,  # reload the wall page every N hours when the server answers; 0: never
    # refresh pipeline (docs/operations.md): history rows at most once per this many seconds
    "SNAPSHOT_HISTORY_INTERVAL_S": 3600,
    "SNAPSHOT_PG_PARALLEL": 0,  # PostgreSQL parallel workers per query of a snapshot build; -1 = server default
    "SNAPSHOT_PG_WORK_MEM_MB": 64,  # PostgreSQL work_mem of a snapshot build's transaction; 0 = server default
    "SNAPSHOT_PG_JIT": False,  # PostgreSQL JIT in a snapshot build's transaction (off: its compile cost more than it saved)
    # gunicorn's workers run at this nice value, below the scheduler's snapshot build (dashboard/priority.py)
    "WEB_NICE": 5,
    # while a build reads the database, at most this many desk queries run at once (0: no bound) …
    "DESK_BUILD_SLOTS": 1,
    "DESK_BUILD_WAIT_S": 20,  # … and one waits at most this long for its turn, then runs anyway
    "CACHE_PREFIX": "dash:",  # key prefix in the shared cache (several deployments, one Redis)
    "POLL_INTERVAL_S": 5,  # how often each open page asks for the snapshot version
    "WATCHDOG_LOST_S": 15,  # a page greys its figures: 连接中断 after this many seconds without an answer
    "COURT_CODE": "",  # court shown by the snapshot (法院代字); empty: the first court
    # node control (docs/nodes.md): stricter local node rules; holiday calendar override
    "NODE_RULES_LOCAL": "",  # path to a TOML file of local [[nodes]] overrides/additions
    "HOLIDAYS_FILE": "",  # path to a holidays TOML; empty: config/holidays.toml
    # sign-in (docs/security.md): sessions, throttling, cookies, framing
    "SESSION_IDLE_MIN": 480,  # desk sessions end after this many minutes without use; walls never idle out
    "SESSION_MAX_H": 12,  # desk sessions end this many hours after sign-in at the latest
    "AUTH_RECHECK_S": 30,  # re-check a session's user / wall token in the database at most this often
    "LOGIN_MAX_FAILURES": 5,  # failed sign-ins for one username within the window before a lock
    "LOGIN_MAX_FAILURES_PER_IP": 20,  # … from one address (an office behind one NAT address shares it)
    "LOGIN_WINDOW_MIN": 15,
    "LOGIN_LOCKOUT_MIN": 15,
    "COOKIE_SECURE": "auto",  # auto: Secure cookies when ENV=production; 1/0 force it on/off
    "FRAME_ANCESTORS": "",  # origins allowed to frame the pages (space separated); empty: none
    "PROXY_HOPS": 0,
    # field-event API (docs "现场事件接口"): body size, events per call, calls per source a minute
    "EVENTS_MAX_BODY_KB": 256,
    "EVENTS_MAX_BATCH": 500,
    "EVENTS_RATE_PER_MIN": 120,  # 0: no limit
    "COMPRESS": True,  # gzip/brotli for browsers that accept it; 0 when a reverse proxy compresses
    # imports (docs "导入本院数据"): file size limit; scheduled sync sources; forced full rebuild
    "IMPORT_CENTER": False,  # 指挥中心 may use the 数据导入 page too (管理员 always may)
    "IMPORT_MAX_MB": 200,  # larger files are refused before they are read
    "SYNC_SOURCES": "",  # path to a TOML file of [[sources]] (a SQLAlchemy URL and a SELECT per sheet)
    "SYNC_INTERVAL_S": 600,  # how often the leader runs the sync sources
    "SYNC_ALERT_FAILURES": 3,  # consecutive failures of a source before the wall shows a notice
    "FULL_REBUILD_INTERVAL_S": 600,  # rebuild the snapshot at least this often (raw UPDATEs by other programs)
    # outages (docs/operations.md "故障与恢复"): every wait on a database or Redis is bounded
    "DB_CONNECT_TIMEOUT_S": 5,  # opening a database connection
    "DB_STATEMENT_TIMEOUT_S": 30,  # one statement of a page or sign-in (server- and client-side)
    "DB_POOL_TIMEOUT_S": 3,  # waiting for a free pooled connection before the stale notice
    "REFRESH_DEADLINE_S": 300,  # one snapshot refresh; past it the refresh is abandoned
    "LEASE_TTL_S": 0,  # leader lease; 0: max(REFRESH_INTERVAL_S, 10) so a loaded machine keeps it
    "CACHE_TIMEOUT_S": 2,  # Redis connect and read timeout
}

# Bounds of the numeric settings (inclusive), checked at start: (low, high, unit).
BOUNDS: dict[str, tuple[float, float, str]] = {
    "PORT": (1, 65535, ""),
    "REFRESH_INTERVAL_S": (1, 86400, "秒"),
    "SIMULATE_INTERVAL_S": (1, 86400, "秒"),
    "SNAPSHOT_HISTORY_DAYS": (1, 36500, "天"),
    "WALL_ROTATE_S": (0, 86400, "秒"),
    "WALL_RELOAD_H": (0, 24 * 365, "小时"),
    "SNAPSHOT_HISTORY_INTERVAL_S": (1, 86400 * 31, "秒"),
    "SNAPSHOT_PG_PARALLEL": (-1, 64, ""),
    "SNAPSHOT_PG_WORK_MEM_MB": (0, 4096, "MB"),
    "WEB_NICE": (0, 19, ""),
    "DESK_BUILD_SLOTS": (0, 64, ""),
    "DESK_BUILD_WAIT_S": (1, 600, "秒"),
    "POLL_INTERVAL_S": (1, 3600, "秒"),
    "SESSION_IDLE_MIN": (1, 60 * 24 * 31, "分钟"),
    "SESSION_MAX_H": (1, 24 * 366, "小时"),
    "AUTH_RECHECK_S": (1, 3600, "秒"),
    "LOGIN_MAX_FAILURES": (1, 1000, "次"),
    "LOGIN_MAX_FAILURES_PER_IP": (1, 100000, "次"),
    "LOGIN_WINDOW_MIN": (1, 60 * 24, "分钟"),
    "LOGIN_LOCKOUT_MIN": (1, 60 * 24 * 7, "分钟"),
    "PROXY_HOPS": (0, 100, ""),
    "DB_CONNECT_TIMEOUT_S": (1, 600, "秒"),
    "DB_STATEMENT_TIMEOUT_S": (1, 3600, "秒"),
    "DB_POOL_TIMEOUT_S": (1, 600, "秒"),
    "REFRESH_DEADLINE_S": (2, 86400, "秒"),
    "LEASE_TTL_S": (0, 3600, "秒"),
    "CACHE_TIMEOUT_S": (1, 600, "秒"),
    "WATCHDOG_LOST_S": (1, 3600, "秒"),
    "EVENTS_MAX_BODY_KB": (1, 10240, "KB"),
    "EVENTS_MAX_BATCH": (1, 5000, "条"),
    "EVENTS_RATE_PER_MIN": (0, 1000000, "次"),
    "IMPORT_MAX_MB": (1, 10240, "MB"),
    "SYNC_INTERVAL_S": (1, 86400 * 7, "秒"),
    "SYNC_ALERT_FAILURES": (1, 1000, "次"),
}
MIN_LEASE_TTL_S = 10  # the default lease outlives a heartbeat late by several seconds


class SettingsError(ValueError):
    """A DASHBOARD_* variable holds a bad value (message in Chinese: the setting, what is wrong,
    what to do)."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _parse(key: str, raw: str) -> Any:
    default = DEFAULTS[key]
    if isinstance(default, bool):
        value = raw.strip().lower()
        if value not in _TRUE | _FALSE:
            raise SettingsError(f"环境变量 DASHBOARD_{key} 应为 1/0/true/false，实际为“{raw}”")
        return value in _TRUE
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise SettingsError(f"环境变量 DASHBOARD_{key} 应为整数，实际为“{raw}”") from None
    return raw


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Return the effective settings as a plain dict."""
    env = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    for key in DEFAULTS:
        raw = env.get(f"DASHBOARD_{key}")
        if raw is not None:
            settings[key] = _parse(key, raw)
    settings.update(overrides or {})
    check(settings)
    return settings


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def check(settings: Mapping[str, Any]) -> None:
    """Refuse out-of-range numbers, a malformed DATABASE_URL or READ_DATABASE_URL and an unknown
    CACHE_URL."""
    for key, (low, high, unit) in BOUNDS.items():
        value = settings.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if not low <= value <= high:
            raise SettingsError(f"环境变量 DASHBOARD_{key} 应在 {_number(low)}–{_number(high)} {unit}"
                                f"之间，实际为“{_number(value)}”，请改为范围内的值")
    _check_database_url(str(settings.get("DATABASE_URL", "")))
    _check_read_url(str(settings.get("READ_DATABASE_URL") or ""), str(settings.get("DATABASE_URL", "")))
    _check_cache_url(str(settings.get("CACHE_URL", "")))


DRIVERS = ("sqlite", "postgresql", "mysql", "mariadb")


def _check_database_url(url: str, key: str = "DATABASE_URL") -> str:
    """Refuse a malformed URL, an unsupported database or a missing database name; return the
    backend's name. The URL itself (it may carry a password) is never part of the message."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise SettingsError(f"环境变量 DASHBOARD_{key} 格式不正确，应形如 "
                            "postgresql+psycopg://用户:密码@主机:5432/库名、"
                            "mysql+pymysql://用户:密码@主机:3306/库名 或 sqlite:////路径/dashboard.db") from None
    backend = parsed.get_backend_name()
    if backend not in DRIVERS:
        raise SettingsError(f"环境变量 DASHBOARD_{key} 的数据库类型“{backend}”"
                            "不受支持，请使用 postgresql+psycopg、mysql+pymysql 或 sqlite")
    if backend != "sqlite" and not parsed.database:
        raise SettingsError(f"环境变量 DASHBOARD_{key} 缺少库名，请在地址末尾写上 /库名")
    return backend


def _same_kind(backend: str) -> str:
    return "mysql" if backend == "mariadb" else backend


def _check_read_url(url: str, primary: str) -> None:
    """The read URL, when set, is a well-formed URL of the same kind of database as the primary
    (a replica of it: the snapshot build's SQL follows the primary's dialect)."""
    if not url:
        return
    backend = _check_database_url(url, "READ_DATABASE_URL")
    from sqlalchemy.engine import make_url

    main = make_url(primary).get_backend_name()
    if _same_kind(backend) != _same_kind(main):
        raise SettingsError(f"环境变量 DASHBOARD_READ_DATABASE_URL 的数据库类型“{backend}”与 "
                            f"DASHBOARD_DATABASE_URL 的“{main}”不同：只读地址应指向同一数据库的只读副本"
                            "（流复制备库），或留空以使用主库")


def read_database_url(settings: Mapping[str, Any]) -> str:
    """Where the refresher reads: READ_DATABASE_URL, else DATABASE_URL."""
    return str(settings.get("READ_DATABASE_URL") or settings["DATABASE_URL"])


def _check_cache_url(url: str) -> None:
    from urllib.parse import urlsplit

    schemes = ("simple", "filesystem", "redis", "rediss", "null")
    parts = urlsplit(url)
    if parts.scheme not in schemes:
        raise SettingsError(f"环境变量 DASHBOARD_CACHE_URL“{url}”无法识别，应以 "
                            + "、".join(f"{name}://" for name in schemes) + " 开头")
    if parts.scheme.startswith("redis"):
        try:
            parts.port  # noqa: B018 - raises on a bad port
        except ValueError:
            raise SettingsError(f"环境变量 DASHBOARD_CACHE_URL 的端口无效：“{parts.netloc}”，"
                                "应形如 redis://主机:6379/0") from None
        if not parts.hostname:
            raise SettingsError("环境变量 DASHBOARD_CACHE_URL 缺少主机名，应形如 redis://主机:6379/0")


def lease_ttl_s(settings: Mapping[str, Any]) -> float:
    """The leader lease's TTL: the setting, else one interval but never below MIN_LEASE_TTL_S."""
    configured = float(settings.get("LEASE_TTL_S") or 0)
    return configured or max(float(settings["REFRESH_INTERVAL_S"]), MIN_LEASE_TTL_S)
