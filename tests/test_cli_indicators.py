"""`python -m dashboard indicators` and `explain` on the crafted cases (SQLite)."""
from __future__ import annotations

import json

from click.testing import CliRunner

from dashboard.cli import cli
from tests.db import test_indicators_data as data

PERIOD = "2022-01-01:2022-06-30"
ENTRY_KEYS = {"name", "unit", "value", "display", "numerator", "denominator", "status",
              "compare_value", "compare_display", "compare_numerator", "compare_denominator",
              "delta", "delta_display", "caveat", "basis"}


def _invoke(engine, *args: str):
    env = {"DASHBOARD_DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "DASHBOARD_INDICATOR_SETTINGS": ""}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_indicators_json_shape_and_values(sqlite_engine) -> None:
    data.seed(sqlite_engine)
    result = _invoke(sqlite_engine, "indicators", "--period", PERIOD, "--scope", "team",
                     "--format", "json")
    assert result.exit_code == 0, result.output
    teams = {t["name"]: t for t in json.loads(result.output)}
    simple = teams["简案一组"]
    assert set(simple) == {"scope", "id", "name", "indicators"}
    assert simple["scope"] == "team"
    entry = simple["indicators"]["closure_rate"]
    assert set(entry) == ENTRY_KEYS
    assert entry["display"] == "77.77%" and entry["value"] == "77.77"
    assert entry["numerator"] == 7 and entry["denominator"] == 9
    assert entry["compare_display"] == "0.00%" and entry["delta_display"] == "+77.77个百分点"
    assert teams["繁案空组"]["indicators"]["closure_rate"]["display"] == "—"


def test_indicators_ids_compare_and_table(sqlite_engine) -> None:
    data.seed(sqlite_engine)
    team = data.ids(sqlite_engine)["保全组"]
    result = _invoke(sqlite_engine, "indicators", "--period", PERIOD, "--scope", "team",
                     "--id", str(team), "--no-compare", "--format", "json")
    (only,) = json.loads(result.output)
    assert only["indicators"]["preservation_rate"]["display"] == "50%"
    assert only["indicators"]["preservation_rate"]["compare_value"] is None
    same = _invoke(sqlite_engine, "indicators", "--period", PERIOD, "--compare", PERIOD,
                   "--format", "json")
    (court,) = json.loads(same.output)
    assert court["indicators"]["closure_rate"]["delta_display"] == "0.00个百分点"
    table = _invoke(sqlite_engine, "indicators", "--period", PERIOD)
    assert "结案率" in table.output and "70.00%" in table.output


def test_explain_prints_the_case_numbers(sqlite_engine) -> None:
    data.seed(sqlite_engine)
    court = str(data.ids(sqlite_engine)["court"])
    result = _invoke(sqlite_engine, "explain", "legal_limit_rate", "--period", PERIOD,
                     "--scope", "court", "--id", court)
    assert result.exit_code == 0, result.output
    assert "分子（5 行）" in result.output and "分母（6 行）" in result.output
    assert "（2022）内0221执3号" in result.output
    as_json = _invoke(sqlite_engine, "explain", "closed", "--period", PERIOD, "--scope",
                      "court", "--id", court, "--format", "json")
    assert len(json.loads(as_json.output)["numerator"]) == 7


def test_bad_input_gets_a_chinese_message(sqlite_engine) -> None:
    bad_period = _invoke(sqlite_engine, "indicators", "--period", "2022-13-01:2022-12-31")
    assert bad_period.exit_code != 0 and "格式不正确" in bad_period.output
    unknown = _invoke(sqlite_engine, "explain", "nope", "--period", PERIOD, "--id", "1")
    assert unknown.exit_code != 0 and "未知的指标“nope”" in unknown.output
    both = _invoke(sqlite_engine, "indicators", "--period", PERIOD, "--compare", PERIOD,
                   "--no-compare")
    assert both.exit_code != 0 and "不能同时使用" in both.output
