"""/admin/rules: the effective node rules with their local overrides, the holiday calendar's
coverage and the warning for a year that is missing; the same warning from `nodes rules`."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from dash import html

from callbacks.admin.rules import render_rules
from dashboard.app import create_app
from dashboard.cli import cli

LOCAL = '''
[[nodes]]
key = "disbursement"
limit = 5
warn = 2
source = "本院执行款管理规定：到账后5日内发放"

[[nodes]]
key = "online_query"
name = "发起网络查控"
kind = "event"
start = ["filed_on"]
done = ["online_query_started"]
limit = 3
unit = "days"
warn = 1
categories = ["first", "resumed"]
source = "本院规定：立案后3日内发起总对总查询"
'''
HOLIDAYS_2026_ONLY = '''
[[years]]
year = 2026
complete = true
source = "国务院办公厅关于2026年部分节假日安排的通知"
holidays = ["2026-01-01..2026-01-03"]
workdays = ["2026-01-04"]
'''


def texts(component: Any) -> list[str]:
    """Every string inside a component tree, in order."""
    if isinstance(component, str | int):
        return [str(component)]
    if isinstance(component, list | tuple):
        return [t for c in component for t in texts(c)]
    children = getattr(component, "children", None)
    return texts(children) if children is not None else []


def rows_of(table: html.Table) -> list[list[str]]:
    body = table.children[1].children
    return [["".join(texts(cell)) for cell in row.children] for row in body]


@pytest.fixture
def rules_app(tmp_path: Path, migrated_urls: dict[str, str]) -> Iterator[Any]:
    def make(today: str, **overrides: Any) -> Any:
        app = create_app({"DATABASE_URL": migrated_urls["sqlite"], "CACHE_URL": "null://",
                          "SCHEDULER_ENABLED": False, "TODAY": today, **overrides})
        made.append(app)
        return app
    made: list[Any] = []
    yield make
    for app in made:
        app.server.extensions["dashboard"].engine.dispose()


def test_effective_rules_show_local_limits_and_calendar(rules_app, tmp_path: Path) -> None:
    local = tmp_path / "local.toml"
    local.write_text(LOCAL, encoding="utf-8")
    app = rules_app("2026-11-26", NODE_RULES_LOCAL=str(local))
    with app.server.test_request_context():
        error, warnings, files, rules, calendar = render_rules({})
    assert error is None
    rows = {r[1]: r for r in rows_of(rules)}
    notice = rows["notice"]
    assert notice[:3] == ["发出执行通知书", "notice", "事件期限"] and notice[5] == "10 自然日" and notice[9] == "全国默认"
    money = rows["disbursement"]
    assert money[5] == "5 自然日全国：30 自然日" and money[9].startswith("本地修改：limit、warn、source")
    assert money[7] == "2" and "到账后5日内" in money[10]
    assert rows["online_query"][9] == "本地新增" and rows["online_query"][5] == "3 自然日"
    assert rows["term"][5] == "6 个月（非诉 3 个月）"
    assert "local.toml" in "".join(texts(files))
    years = {r[0]: r for r in rows_of(calendar)}
    assert years["2026"][1] == "完整" and years["2027"][1] == "待补全"
    assert all(years[str(y)][1] == "完整" for y in range(2020, 2027))
    warned = "".join(texts(warnings))
    assert "2027 年只有固定日期的节日" in warned and "config/holidays.toml" in warned and "2026 年" not in warned


def test_missing_years_and_bad_files(rules_app, tmp_path: Path) -> None:
    holidays = tmp_path / "h.toml"
    holidays.write_text(HOLIDAYS_2026_ONLY, encoding="utf-8")
    app = rules_app("2027-03-01", HOLIDAYS_FILE=str(holidays))
    with app.server.test_request_context():
        warned = "".join(texts(render_rules({})[1]))
    assert "2027 年完全没有录入" in warned and "2028 年完全没有录入" in warned
    bad = tmp_path / "bad.toml"
    bad.write_text('[[nodes]]\nkey = "disbursement"\nlimit = 45\n', encoding="utf-8")
    app = rules_app("2026-11-26", NODE_RULES_LOCAL=str(bad))
    with app.server.test_request_context():
        error = "".join(texts(render_rules({})[0]))
    assert "本地期限 45 不得宽于全国期限 30" in error


def test_nodes_rules_command_warns_about_the_missing_year(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    holidays = tmp_path / "h.toml"
    holidays.write_text('[[years]]\nyear = 2019\ncomplete = true\nholidays = ["2019-01-01"]\n', encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_HOLIDAYS_FILE", str(holidays))
    result = CliRunner().invoke(cli, ["nodes", "rules"])
    assert result.exit_code == 0, result.output
    assert "完全没有录入" in result.output and "config/holidays.toml" in result.output


def test_research_tags_are_shown_in_words(rules_app, tmp_path: Path) -> None:
    local = tmp_path / "local.toml"
    local.write_text(LOCAL, encoding="utf-8")
    app = rules_app("2026-11-26", NODE_RULES_LOCAL=str(local))
    with app.server.test_request_context():
        rules = render_rules({})[3]
    rows = {r[1]: r for r in rows_of(rules)}
    shown = "".join(r[10] for r in rows.values())
    assert "[OFF" not in shown
    assert rows["notice"][10].endswith("十日内发出执行通知 官方原文")
    assert rows["investigation"][10].endswith("官方文本（转引）")
    assert rows["online_query"][10] == "本院规定：立案后3日内发起总对总查询"  # untagged: nothing added
    tag = next(c for c in rules.children[1].children[0].children[10].children if isinstance(c, html.Span))
    assert "原文核对" in tag.title
    result = CliRunner().invoke(cli, ["nodes", "rules"])
    assert "[OFF" not in result.output and "（官方原文）" in result.output
