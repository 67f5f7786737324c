"""Settings: defaults, DASHBOARD_* environment variables, overrides, bad values."""
from __future__ import annotations

import re

import pytest

from dashboard.config import DEFAULTS, ROOT, SettingsError, load_settings


def test_defaults_without_environment() -> None:
    """With no DASHBOARD_* variables the defaults apply: embedded SQLite on 127.0.0.1:8050."""
    settings = load_settings(environ={})
    assert settings == DEFAULTS
    assert settings["DATABASE_URL"] == f"sqlite:///{ROOT / 'instance' / 'dashboard.db'}"
    assert (settings["HOST"], settings["PORT"]) == ("127.0.0.1", 8050)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("YES", True), ("on", True),
     ("0", False), ("false", False), ("No", False), ("off", False), ("", False)],
)
def test_boolean_variables(raw: str, expected: bool) -> None:
    settings = load_settings(environ={"DASHBOARD_SIMULATE": raw})
    assert settings["SIMULATE"] is expected


def test_integer_and_string_variables() -> None:
    env = {
        "DASHBOARD_PORT": "9000",
        "DASHBOARD_DATABASE_URL": "postgresql+psycopg://u@db/x",
        "DASHBOARD_REFRESH_INTERVAL_S": " 7 ",
    }
    settings = load_settings(environ=env)
    assert settings["PORT"] == 9000
    assert settings["REFRESH_INTERVAL_S"] == 7
    assert settings["DATABASE_URL"] == "postgresql+psycopg://u@db/x"


def test_every_key_is_read_from_its_variable() -> None:
    """Each DEFAULTS key is overridable through DASHBOARD_<KEY> with a value of its type."""
    samples = {bool: ("1", True), int: ("42", 42), str: ("x", "x")}
    valid = {"DATABASE_URL": ("sqlite:///x.db", "sqlite:///x.db"), "CACHE_URL": ("null://", "null://"),
             "READ_DATABASE_URL": ("sqlite:///y.db", "sqlite:///y.db"), "WEB_NICE": ("12", 12)}
    for key, default in DEFAULTS.items():
        raw, value = valid.get(key) or samples[type(default)]
        assert load_settings(environ={f"DASHBOARD_{key}": raw})[key] == value, key


def test_overrides_win_over_environment() -> None:
    settings = load_settings({"PORT": 1234}, environ={"DASHBOARD_PORT": "9000"})
    assert settings["PORT"] == 1234


def test_unrelated_variables_are_ignored() -> None:
    settings = load_settings(environ={"PORT": "1", "DASHBOARD_NO_SUCH_KEY": "2"})
    assert settings == DEFAULTS


@pytest.mark.parametrize(
    ("name", "raw", "hint"),
    [("DASHBOARD_PORT", "八千", "整数"), ("DASHBOARD_SCHEDULER_ENABLED", "maybe", "1/0/true/false")],
)
def test_bad_values_name_the_variable_in_chinese(name: str, raw: str, hint: str) -> None:
    with pytest.raises(SettingsError) as err:
        load_settings(environ={name: raw})
    message = str(err.value)
    assert name in message and raw in message and hint in message


def test_load_settings_does_not_mutate_defaults() -> None:
    before = dict(DEFAULTS)
    load_settings({"PORT": 1}, environ={"DASHBOARD_HOST": "0.0.0.0"})
    assert DEFAULTS == before


def test_every_variable_is_documented() -> None:
    """The 配置 table of docs/install.md has a row for every DASHBOARD_* variable the settings read."""
    book = (ROOT / "docs" / "install.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `DASHBOARD_([A-Z0-9_]+)` \|", book, re.M))
    missing = sorted(set(DEFAULTS) - documented)
    assert not missing, f"docs/install.md does not document: {', '.join('DASHBOARD_' + k for k in missing)}"


PRIMARY = "postgresql+psycopg://dash:pw-primary@db1:5432/court"


@pytest.mark.parametrize(
    ("read", "hint"),
    [("postgres//replica:secret-pw@x", "格式不正确"),
     ("oracle://u:secret-pw@db2/court", "不受支持"),
     ("postgresql+psycopg://u:secret-pw@db2:5432", "缺少库名"),
     ("mysql+pymysql://u:secret-pw@db2/court", "与 DASHBOARD_DATABASE_URL 的“postgresql”不同")],
)
def test_a_bad_read_url_is_refused_in_one_chinese_line(read: str, hint: str) -> None:
    with pytest.raises(SettingsError) as err:
        load_settings(environ={"DASHBOARD_DATABASE_URL": PRIMARY, "DASHBOARD_READ_DATABASE_URL": read})
    message = str(err.value)
    assert "DASHBOARD_READ_DATABASE_URL" in message and hint in message, message
    assert "secret-pw" not in message and "pw-primary" not in message and "\n" not in message


def test_the_read_url_defaults_to_the_primary() -> None:
    from dashboard.config import read_database_url

    assert read_database_url(load_settings(environ={"DASHBOARD_DATABASE_URL": PRIMARY})) == PRIMARY
    replica = "postgresql+psycopg://ro:pw@db2:5432/court?options=-c%20default_transaction_read_only%3Don"
    settings = load_settings(environ={"DASHBOARD_DATABASE_URL": PRIMARY, "DASHBOARD_READ_DATABASE_URL": replica})
    assert read_database_url(settings) == replica
    mariadb = load_settings(environ={"DASHBOARD_DATABASE_URL": "mariadb+pymysql://u@db1/court",
                                     "DASHBOARD_READ_DATABASE_URL": "mysql+pymysql://u@db2/court"})
    assert read_database_url(mariadb) == "mysql+pymysql://u@db2/court"  # MariaDB and MySQL are one kind
