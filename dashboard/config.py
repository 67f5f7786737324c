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
    "CACHE_URL": "simple://",  # simple:// | filesystem:///path | redis://host:port/db | null://
    "INDICATOR_SETTINGS": "",  # path to a TOML file with the court's indicator variants
    "SNAPSHOT_HISTORY_DAYS": 400,
    # video wall (docs/wall.md): default rotation, screens in order, periodic safe reload
    "WALL_ROTATE_S": 45,  # seconds per screen; 0: no rotation (URL ?rotate= overrides)
    "WALL_SCREENS": "overview,teams,nodes,feed",  # or 总览,团队,节点,动态
    "WALL_RELOAD_H": 24,  # reload the wall page every N hours when the server answers; 0: never
    # refresh pipeline (docs/operations.md): history rows at most once per this many seconds
    "SNAPSHOT_HISTORY_INTERVAL_S": 3600,
    "SNAPSHOT_PG_PARALLEL": 0,  # PostgreSQL parallel workers per query of a snapshot build; -1 = server default
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
    "COMPRESS": True,  # gzip/brotli for browsers that accept it; 0 when a reverse proxy compresses  # reverse proxies in front whose X-Forwarded-For/-Proto/-Host are trusted
    # imports (docs "导入本院数据"): file size limit; scheduled sync sources; forced full rebuild
    "IMPORT_CENTER": False,  # 指挥中心 may use the 数据导入 page too (管理员 always may)
    "IMPORT_MAX_MB": 200,  # larger files are refused before they are read
    "SYNC_SOURCES": "",  # path to a TOML file of [[sources]] (a SQLAlchemy URL and a SELECT per sheet)
    "SYNC_INTERVAL_S": 600,  # how often the leader runs the sync sources
    "SYNC_ALERT_FAILURES": 3,
    "FULL_REBUILD_INTERVAL_S": 600,  # rebuild the snapshot at least this often (raw UPDATEs by other programs)  # consecutive failures of a source before the wall shows a notice
}

class SettingsError(ValueError):
    """A DASHBOARD_* variable holds a value of the wrong type (message in Chinese)."""


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
    return settings
