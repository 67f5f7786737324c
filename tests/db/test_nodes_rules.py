"""Rule files, local overrides, the holiday calendar and working-day deadlines in SQL."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.errors import ValidationError
from db.models import Payment
from db.nodes.calendar import load_calendar, parse_calendar
from db.nodes.rules import describe_rules, load_rules, parse_rules
from tests.db.nodes_factory import D, add_event, make_case, make_org
from tests.db.test_nodes import statuses

LOCAL = """
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
source = "利川法院 [PRAC]"

[[nodes]]
key = "disbursement"
limit = 5
warn = 2

[[nodes]]
key = "notice"
limit = 3
unit = "workdays"
warn = 1
"""


def _local(tmp_path: Path, text: str = LOCAL) -> Path:
    path = tmp_path / "node_rules.local.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_national_defaults_cover_every_rule_kind() -> None:
    """The shipped file loads, names its sources and uses all four kinds."""
    rules = load_rules()
    assert {r.kind for r in rules.nodes} == {"event", "term", "payment", "expiry"}
    assert all(r.source for r in rules.nodes)
    assert rules.get("term").limit_non_litigation == 3
    assert rules.get("disbursement").limit == 30


def test_local_file_tightens_and_adds(tmp_path: Path) -> None:
    """Overrides replace only the fields they give; new keys become new nodes."""
    rules = load_rules(local_path=_local(tmp_path))
    assert rules.get("disbursement").limit == 5
    assert rules.get("disbursement").kind == "payment" and rules.get("disbursement").local
    assert rules.get("online_query").limit == 3
    assert rules.get("notice").unit == "workdays"
    assert rules.digest() != load_rules().digest()


def test_local_file_may_not_loosen(tmp_path: Path) -> None:
    """A local limit longer than the national one is rejected, naming node and field."""
    bad = '[[nodes]]\nkey = "disbursement"\nlimit = 45\n'
    with pytest.raises(ValidationError, match="节点“disbursement”的字段“limit”：本地期限 45 不得宽于全国期限 30"):
        load_rules(local_path=_local(tmp_path, bad))


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"kind": "weekly"}, "字段“kind”：应为 event/term/payment/expiry 之一"),
        ({"start": ["arrest"]}, "字段“start”：未知的案件日期或事件种类“arrest”"),
        ({"start": ["filed_on", "seizure"]}, "字段“start”：不能混用案件日期和事件种类"),
        ({"done": []}, "字段“done”：至少需要一个完成事件种类"),
        ({"limit": 0}, "字段“limit”：应为不小于 1 的整数"),
        ({"unit": "weeks"}, "字段“unit”：事件期限规则的单位应为 days/workdays/months 之一"),
        ({"categories": ["civil"]}, "字段“categories”"),
        ({"case_types": ["民初"]}, "字段“case_types”：未知的类型代字“民初”"),
        ({"after_closing": ["paid"]}, "字段“after_closing”：应为 true/false 或结案方式列表，未知的结案方式“paid”"),
    ],
)
def test_invalid_entries_are_named_in_chinese(entry: dict, message: str) -> None:
    """Every validation error names the node key and the field."""
    base = {"key": "x", "name": "测试", "kind": "event", "start": ["filed_on"], "done": ["notice_issued"],
            "limit": 3, "unit": "days", "warn": 1, "categories": ["first"]}
    with pytest.raises(ValidationError, match="节点“x”的" + message):
        parse_rules([{**base, **entry}])


def test_duplicate_keys_and_bad_toml(tmp_path: Path) -> None:
    rule = {"key": "x", "name": "n", "kind": "payment", "limit": 3, "categories": ["first"]}
    with pytest.raises(ValidationError, match="重复的节点键"):
        parse_rules([rule, rule])
    with pytest.raises(ValidationError, match="不是合法的 TOML"):
        load_rules(local_path=_local(tmp_path, "[[nodes]\nkey="))


def test_calendar_holidays_and_makeup_weekends() -> None:
    """Spring Festival 2024: 2-10..2-17 off, Sunday 2-4 and 2-18 worked."""
    cal = load_calendar()
    assert not cal.is_workday(D(2024, 2, 12))
    assert cal.is_workday(D(2024, 2, 4)) and cal.is_workday(D(2024, 2, 18))
    assert not cal.is_workday(D(2024, 2, 24))  # an ordinary Saturday
    assert cal.add_workdays(D(2024, 2, 8), 3) == D(2024, 2, 19)
    assert cal.add_workdays(D(2024, 2, 3), 3) == D(2024, 2, 6)
    assert 2027 in cal.coverage()["incomplete"]
    pairs = dict(cal.deadline_map(D(2024, 1, 25), D(2024, 3, 1), 3))
    assert all(pairs[d] == cal.add_workdays(d, 3) for d in pairs)


def test_calendar_validation_names_year_and_field() -> None:
    with pytest.raises(ValidationError, match="2024 年的 workdays：2024-02-05 是工作日"):
        parse_calendar({"years": [{"year": 2024, "workdays": ["2024-02-05"]}]})
    with pytest.raises(ValidationError, match="2024 年的 holidays：日期 2025-01-01 不属于 2024 年"):
        parse_calendar({"years": [{"year": 2024, "holidays": ["2024-12-31..2025-01-01"]}]})
    with pytest.raises(ValidationError, match="格式应为 YYYY-MM-DD"):
        parse_calendar({"years": [{"year": 2024, "holidays": ["2024-2-30"]}]})


def test_working_day_deadlines_and_local_nodes_in_sql(engine: Engine, tmp_path: Path) -> None:
    """执行通知 in 3 working days around the 2024 Spring Festival; 网络查控 and 案款 tightened."""
    rules = load_rules(local_path=_local(tmp_path))
    today = D(2024, 2, 19)
    with Session(engine) as s:
        org = make_org(s)
        due_today = make_case(s, org, D(2024, 2, 8))
        missed = make_case(s, org, D(2024, 2, 7))
        weekend = make_case(s, org, D(2024, 2, 3))
        add_event(s, weekend, "notice_issued", D(2024, 2, 6))
        add_event(s, weekend, "online_query_started", D(2024, 2, 7))
        pay = Payment(case_id=weekend.id, received_on=D(2024, 2, 12), amount=10)
        s.add(pay)
        s.flush()
        got = statuses(s, rules, today, nodes=("notice", "online_query", "disbursement"))
    assert got[(due_today.id, "notice", None)] == ("due_soon", D(2024, 2, 19), 0)
    assert got[(missed.id, "notice", None)] == ("overdue", D(2024, 2, 18), -1)
    assert got[(weekend.id, "notice", None)] == ("done_on_time", D(2024, 2, 6), 0)
    assert got[(weekend.id, "online_query", None)] == ("done_late", D(2024, 2, 6), -1)
    assert got[(due_today.id, "online_query", None)] == ("overdue", D(2024, 2, 11), -8)
    assert got[(weekend.id, "disbursement", pay.id)] == ("overdue", D(2024, 2, 17), -2)


def test_utc_offset_follows_the_timezone_setting() -> None:
    assert load_rules(timezone="Asia/Shanghai").utc_offset_minutes == 480
    assert load_rules(timezone="UTC").utc_offset_minutes == 0
    with pytest.raises(ValidationError, match="时区设置“Mars/Base”无效"):
        load_rules(timezone="Mars/Base")


def test_describe_rules_for_the_admin_page(tmp_path: Path) -> None:
    rows = {r["key"]: r for r in describe_rules(load_rules(local_path=_local(tmp_path)))}
    assert rows["notice"]["start"] == "收到材料日期、立案日期" and rows["notice"]["done"] == "发出执行通知书"
    assert rows["notice"]["limit"] == "3 工作日" and rows["notice"]["local"]
    assert rows["term"]["limit"] == "6 个月（非诉 3 个月）" and rows["term"]["kind_label"] == "执行期限"
    assert rows["disbursement"]["start"] == "到账日" and rows["renewal"]["categories"] == "首执、恢复执行、保全"
