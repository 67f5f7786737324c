"""Every header form and value form of ../shared/import-format.md is recognised."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from db.imports.engine import columns_of
from db.imports.schema import SHEETS, normalize_header
from db.imports.values import (
    parse_amount,
    parse_case,
    parse_date,
    parse_datetime,
    parse_value,
    parse_yesno,
)

FORMAT_HEADERS = {  # the header forms the format document lists, per sheet and field
    "人员": {"name": ["姓名", "人员姓名", "承办人"], "staff_no": ["工号", "人员编号"],
             "team": ["团队", "所在团队", "部门", "承办部门"], "team_kind": ["团队类型"],
             "role": ["角色", "岗位"], "active": ["在岗"]},
    "案件": {"case_number": ["案号", "执行案号"], "filed_on": ["立案日期", "立案时间"],
             "received_on": ["收案日期", "收到材料日期", "收案时间"], "closed_on": ["结案日期", "结案时间"],
             "closing_method": ["结案方式"], "team": ["承办团队", "团队", "承办部门", "执行团队"],
             "officer": ["承办人", "承办法官", "执行法官", "承办人员"],
             "target_amount": ["申请执行标的金额", "申请执行标的", "执行标的金额", "标的金额", "标的额"],
             "recovered_amount": ["实际到位金额", "执行到位金额", "实际执行到位金额", "到位金额"],
             "cause": ["案由"], "non_litigation": ["非诉执行", "是否非诉"], "track": ["繁简", "繁简分流"],
             "origin_case_number": ["原案号", "恢复执行原案号"]},
    "当事人": {"case_number": ["案号"], "role": ["诉讼地位", "身份"], "kind": ["类型"],
               "name": ["名称", "姓名"], "id_number": ["证件号码", "身份证号", "统一社会信用代码"]},
    "分案记录": {"case_number": ["案号"], "assigned_on": ["分案日期", "改派日期"], "team": ["团队"],
                 "officer": ["承办人"], "reason": ["原因"]},
    "扣除期限": {"case_number": ["案号"], "kind": ["类型"], "started_on": ["开始日期"],
                 "ended_on": ["结束日期"], "reason": ["原因"]},
    "延长期限": {"case_number": ["案号"], "approved_on": ["批准日期"], "days": ["延长天数"], "reason": ["原因"]},
    "案款": {"case_number": ["案号"], "ref": ["案款编号", "流水号"], "received_on": ["到账日期"],
             "amount": ["到账金额"], "paid_out_on": ["发放日期"], "paid_amount": ["发放金额"]},
    "执行事件": {"case_number": ["案号"], "kind": ["事件", "事项"], "occurred_at": ["时间", "发生时间"],
                 "expires_on": ["届满日期"], "amount": ["金额"], "officer": ["执行人员"], "result": ["结果"],
                 "detail": ["说明"], "media_ref": ["附件"]},
}


@pytest.mark.parametrize("sheet", list(FORMAT_HEADERS))
def test_every_header_form_names_its_field(sheet: str) -> None:
    for key, forms in FORMAT_HEADERS[sheet].items():
        for form in forms:
            for spelled in (form, f" {form} ", f"{form}（元）", f"{form}(元)"):
                columns, ignored = columns_of(SHEETS[sheet], ["序号", spelled], None)
                assert [c.field.key for c in columns] == [key], (sheet, spelled)
                assert ignored == ["序号"]


def test_unit_suffix_and_bracket_width() -> None:
    assert normalize_header(" 申请执行标的金额（万元） ") == ("申请执行标的金额", "万元")
    assert normalize_header("到位金额(元)") == ("到位金额", "元")
    assert normalize_header("恢复执行 原案号") == ("恢复执行原案号", "")


@pytest.mark.parametrize("raw", ["（2024）内0221执123号", "(2024)内0221执123号", " （2024） 内0221 执123号 ",
                                 "(2024）内0221执123号"])
def test_case_number_forms_are_stored_canonically(raw: str) -> None:
    number = parse_case(raw)
    assert str(number) == "（2024）内0221执123号" and (number.year, number.court_code) == (2024, "内0221")
    assert parse_case("（2023）内0221执恢7号").type_code == "执恢"
    assert parse_case("（2023）内0221执保7号").category == "preservation"


@pytest.mark.parametrize("raw", ["2024-01-05", "2024/1/5", "2024.1.5", "2024年1月5日", "20240105",
                                 dt.date(2024, 1, 5), dt.datetime(2024, 1, 5, 10, 30), 45296, 45296.0,
                                 "45296", 20240105, "2024-01-05 10:30:00"])
def test_date_forms(raw) -> None:
    assert parse_date(raw) == dt.date(2024, 1, 5)


def test_time_part_is_kept_for_a_time_field() -> None:
    assert parse_datetime("2024/1/5 9:30") == dt.datetime(2024, 1, 5, 9, 30)
    assert parse_datetime("2024年1月5日 9时30分") == dt.datetime(2024, 1, 5, 9, 30)
    assert parse_datetime(45296.5) == dt.datetime(2024, 1, 5, 12, 0)
    assert parse_datetime("20240105") == dt.datetime(2024, 1, 5)


@pytest.mark.parametrize("raw", ["2024-02-30", "明天", "2024-1", "", "1/5/2024"])
def test_bad_dates(raw) -> None:
    with pytest.raises(ValueError):
        parse_date(raw)


def test_amount_forms() -> None:
    assert parse_amount("1,234,567.80", "") == Decimal("1234567.80")
    assert parse_amount(1234.5, "") == Decimal("1234.50")
    assert parse_amount("１２", "") == Decimal("12.00")
    assert parse_amount("1.23456", "万元") == Decimal("12345.60")
    assert parse_amount("0.000125", "万元") == Decimal("1.25")  # 1.25 元: half up to the cent
    assert parse_amount("0.0000005", "万元") == Decimal("0.01")
    assert parse_amount("25万", "") == Decimal("250000.00")
    for bad in ("-1", "一千", "1.2.3", "NaN"):
        with pytest.raises(ValueError):
            parse_amount(bad, "")


def test_yes_no_forms() -> None:
    for raw in ("是", "Y", "y", "1", "TRUE", "true", 1, True):
        assert parse_yesno(raw) is True
    for raw in ("否", "N", "0", "FALSE", "", None, 0, False):
        assert parse_yesno(raw) is False
    with pytest.raises(ValueError):
        parse_yesno("也许")


@pytest.mark.parametrize(("sheet", "key", "forms"), [
    ("人员", "team_kind", {"简案团队": "simple", "繁案团队": "complex", "保全团队": "preservation",
                         "执行指挥中心": "center", "其他": "other"}),
    ("人员", "role", {"承办人": "judge", "执行法官": "judge", "法官助理": "assistant", "书记员": "clerk",
                    "团队长": "team_lead", "法警": "bailiff", "网络查控员": "query_clerk",
                    "案款专管员": "funds_clerk", "指挥中心": "center_staff"}),
    ("案件", "closing_method", {"执行完毕": "completed", "终结本次执行程序": "terminated_this_round",
                              "终本": "terminated_this_round", "终结执行": "terminated", "不予执行": "not_enforced",
                              "驳回申请": "rejected", "销案": "withdrawn", "和解长期履行": "settlement_performing",
                              "保全完毕": "preservation_done"}),
    ("案件", "track", {"简": "simple", "繁": "complex", "简案": "simple", "繁案": "complex"}),
    ("当事人", "role", {"申请执行人": "applicant", "被执行人": "respondent"}),
    ("当事人", "kind", {"自然人": "natural", "法人": "legal", "非法人组织": "organization"}),
    ("扣除期限", "kind", {"中止执行": "suspension", "暂缓执行": "deferral", "公告": "public_notice",
                        "鉴定评估": "appraisal", "委托执行": "commissioned", "其他": "other"}),
    ("执行事件", "kind", {"网络查控发起": "online_query_started", "查控反馈": "online_query_result",
                        "查封": "seizure", "冻结": "freeze", "扣划": "transfer", "续封": "renewal",
                        "拘留": "detention", "罚款": "fine", "纳入失信": "blacklist",
                        "限制高消费": "consumption_ban", "约谈": "interview", "送达": "service",
                        "执行110接警": "alarm_110", "执行110出警": "dispatch_110",
                        "执行110到场": "arrival_110"}),
    ("执行事件", "result", {"有财产": "有财产", "无财产": "无财产"}),
])
def test_enumerated_value_forms(sheet: str, key: str, forms: dict[str, str]) -> None:
    field = SHEETS[sheet].field(key)
    for raw, expected in forms.items():
        assert parse_value(field, f" {raw} ") == expected
    with pytest.raises(ValueError, match="不是可识别的取值"):
        parse_value(field, "不存在的取值")
