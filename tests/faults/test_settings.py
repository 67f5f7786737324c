"""First-day mistakes: one Chinese line naming the setting, what is wrong and what to do; exit 1."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.backends import MY_ADMIN, PG_ADMIN

ROOT = Path(__file__).resolve().parents[2]
REFUSED_PG = "postgresql+psycopg://dash:secret-pw@127.0.0.1:1/dash"
CASES = [
    # (command, environment, what the one line must say)
    (["init-db"], {"DASHBOARD_DATABASE_URL": "postgres//nonsense"}, "DASHBOARD_DATABASE_URL 格式不正确"),
    (["init-db"], {"DASHBOARD_DATABASE_URL": PG_ADMIN.rsplit("/", 1)[0] + "/no_such_db_faults"},
     "数据库不存在：DASHBOARD_DATABASE_URL"),
    (["init-db"], {"DASHBOARD_DATABASE_URL": MY_ADMIN.split("?")[0].rsplit("/", 1)[0] + "/no_such_db_faults"},
     "数据库不存在：DASHBOARD_DATABASE_URL"),
    (["init-db"], {"DASHBOARD_DATABASE_URL": REFUSED_PG}, "无法连接数据库"),
    (["seed-demo"], {"DASHBOARD_DATABASE_URL": REFUSED_PG}, "无法连接数据库"),
    (["serve"], {"DASHBOARD_DATABASE_URL": REFUSED_PG}, "无法连接数据库"),
    (["scheduler"], {"DASHBOARD_DATABASE_URL": "mysql+pymysql://root@127.0.0.1:1/x"}, "无法连接数据库"),
    (["scheduler"], {"DASHBOARD_CACHE_URL": "redis://127.0.0.1:1/0"}, "缓存服务不可用：DASHBOARD_CACHE_URL"),
    (["scheduler"], {"DASHBOARD_DATABASE_URL": PG_ADMIN, "DASHBOARD_READ_DATABASE_URL": REFUSED_PG},
     "检查 DASHBOARD_READ_DATABASE_URL 中的主机和端口"),
    (["scheduler"], {"DASHBOARD_READ_DATABASE_URL": "sqlite//nonsense"}, "DASHBOARD_READ_DATABASE_URL 格式不正确"),
    (["scheduler"], {"DASHBOARD_DATABASE_URL": PG_ADMIN,
                     "DASHBOARD_READ_DATABASE_URL": PG_ADMIN.rsplit("/", 1)[0] + "/no_such_replica_db"},
     "数据库不存在：DASHBOARD_READ_DATABASE_URL"),
    (["serve"], {"DASHBOARD_CACHE_URL": "redis://cache:port/0"}, "DASHBOARD_CACHE_URL 的端口无效"),
    (["serve"], {"DASHBOARD_CACHE_URL": "memcached://x"}, "DASHBOARD_CACHE_URL“memcached://x”无法识别"),
    (["scheduler"], {"DASHBOARD_REFRESH_INTERVAL_S": "0"}, "DASHBOARD_REFRESH_INTERVAL_S 应在 1–86400 秒之间"),
    (["serve"], {"DASHBOARD_DB_STATEMENT_TIMEOUT_S": "-5"}, "DASHBOARD_DB_STATEMENT_TIMEOUT_S 应在"),
]


def _run(args: list[str], env: dict[str, str], tmp: Path) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DASHBOARD_")}
    base.update({"DASHBOARD_DATABASE_URL": f"sqlite:///{tmp}/ok.db", "DASHBOARD_DB_CONNECT_TIMEOUT_S": "2",
                 "DASHBOARD_CACHE_TIMEOUT_S": "1", "DASHBOARD_PORT": "1", **env})
    return subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=ROOT, env=base,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("args", "env", "expected"), CASES,
                         ids=[f"{c[0][0]}-{next(iter(c[1]))}-{n}" for n, c in enumerate(CASES)])
def test_each_bad_setting_gets_one_chinese_line(args: list[str], env: dict[str, str], expected: str,
                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In this process (fast): `main()` ends with SystemExit carrying the one line."""
    from dashboard.cli import main

    for key in [k for k in os.environ if k.startswith("DASHBOARD_")]:
        monkeypatch.delenv(key)
    for key, value in {"DASHBOARD_DATABASE_URL": f"sqlite:///{tmp_path}/ok.db", "DASHBOARD_PORT": "1",
                       "DASHBOARD_DB_CONNECT_TIMEOUT_S": "2", "DASHBOARD_CACHE_TIMEOUT_S": "1", **env}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(sys, "argv", ["dashboard", *args])
    with pytest.raises(SystemExit) as ended:
        main()
    line = str(ended.value.code)
    assert "\n" not in line and expected in line and "secret-pw" not in line, line


def test_exit_status_and_stderr_of_a_real_process(tmp_path: Path) -> None:
    """The same as a process: exit status 1, one line on stderr, no traceback, no password."""
    result = _run(["serve"], {"DASHBOARD_DATABASE_URL": REFUSED_PG}, tmp_path)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1 and len(lines) == 1 and "无法连接数据库" in lines[0], result.stderr
    assert "Traceback" not in result.stderr and "secret-pw" not in result.stderr


@pytest.mark.parametrize("value", ["0", "abc"])
def test_bounds_are_checked_at_start(value: str) -> None:
    from dashboard.config import SettingsError, load_settings

    with pytest.raises(SettingsError, match="DASHBOARD_LEASE_TTL_S|DASHBOARD_POLL_INTERVAL_S"):
        load_settings(environ={"DASHBOARD_POLL_INTERVAL_S": value})
