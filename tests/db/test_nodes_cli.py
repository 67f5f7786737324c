"""The node-control CLI end to end on a SQLite database (督办 life cycle, status, compliance)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from dashboard.cli import cli
from tests.db.nodes_factory import D, add_event, make_case, make_org, make_user


@pytest.fixture
def runner(sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    return CliRunner()


def _seed(engine: Engine) -> str:
    with Session(engine) as s:
        org = make_org(s)
        make_user(s, "center1")
        make_user(s, "zhang", "officer")
        late = make_case(s, org, D(2024, 3, 1))
        done = make_case(s, org, D(2023, 10, 1), closed_on=D(2024, 2, 1), closing_method="terminated_this_round")
        add_event(s, done, "notice_issued", D(2023, 10, 2))
        number = late.case_number
        s.commit()
    return number


def test_supervision_round_trip(runner: CliRunner, sqlite_engine: Engine) -> None:
    number = _seed(sqlite_engine)
    issue = runner.invoke(cli, ["supervision", "issue", "--target", "node", "--case", number, "--node", "notice",
                                "--subject", "执行通知书超期", "--due", "2099-01-31", "--actor", "center1"])
    assert issue.exit_code == 0, issue.output
    assert "已下发督办 1" in issue.output
    refused = runner.invoke(cli, ["supervision", "close", "1", "--note", "x", "--actor", "center1"])
    assert refused.exit_code == 1 and "当前状态为“已下发”，不能办结" in refused.output
    unknown = runner.invoke(cli, ["supervision", "answer", "1", "--note", "x", "--actor", "nobody"])
    assert unknown.exit_code == 1 and "用户“nobody”不存在" in unknown.output
    assert "已反馈" in runner.invoke(cli, ["supervision", "answer", "1", "--note", "已发出", "--actor", "zhang"]).output
    assert "已办结" in runner.invoke(cli, ["supervision", "close", "1", "--note", "同意", "--actor", "center1"]).output
    shown = runner.invoke(cli, ["supervision", "show", "1"]).output.splitlines()
    assert [line.split("  ")[1:3] for line in shown] == [["已下发", "center1"], ["已反馈", "zhang"], ["已办结", "center1"]]


def test_status_list_and_compliance(runner: CliRunner, sqlite_engine: Engine) -> None:
    number = _seed(sqlite_engine)
    listed = runner.invoke(cli, ["nodes", "status", "--today", "2024-03-20", "--list"])
    assert listed.exit_code == 0, listed.output
    assert f"{number}  发出执行通知书  超期未完成  期限 2024-03-11  超 9 天" in listed.output
    summary = runner.invoke(cli, ["nodes", "status", "--today", "2024-03-20"])
    assert "合计" in summary.output and "团队 简案团队  超期" in summary.output
    result = runner.invoke(cli, ["compliance", "--from", "2024-01-01", "--to", "2024-03-31", "--cases"])
    assert "终本案件 1 件，合格 0 件，终本合格率 0.00%" in result.output
    assert "已责令报告财产" in result.output


def test_rules_command_reports_bad_local_file(runner: CliRunner, tmp_path, monkeypatch) -> None:
    good = runner.invoke(cli, ["nodes", "rules"])
    assert good.exit_code == 0 and "续封续冻" in good.output and "待补全年度 [2027]" in good.output
    bad = tmp_path / "local.toml"
    bad.write_text('[[nodes]]\nkey = "term"\nlimit = 9\n', encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_NODE_RULES_LOCAL", str(bad))
    refused = runner.invoke(cli, ["nodes", "rules"])
    assert refused.exit_code == 1 and "节点“term”的字段“limit”：本地期限 9 不得宽于全国期限 6" in refused.output
