"""Case numbers: （年度）法院代字类型代字序号号."""
from __future__ import annotations

import pytest

from db.cases.numbers import CaseNumber, format_case_number, parse_case_number
from db.cases.vocab import CASE_TYPES
from db.errors import ValidationError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("（2022）内0221执123号", CaseNumber(2022, "内0221", "执", 123)),
        ("（2021）内0221执恢45号", CaseNumber(2021, "内0221", "执恢", 45)),
        ("（2022）内0221执保7号", CaseNumber(2022, "内0221", "执保", 7)),
        ("（2020）内02执异1号", CaseNumber(2020, "内02", "执异", 1)),
        ("（2023）京0105执复3号", CaseNumber(2023, "京0105", "执复", 3)),
        ("(2022)内0221执1号", CaseNumber(2022, "内0221", "执", 1)),
        ("  （2022）内0221执9号 ", CaseNumber(2022, "内0221", "执", 9)),
    ],
)
def test_parses_valid_numbers(text: str, expected: CaseNumber) -> None:
    assert parse_case_number(text) == expected


@pytest.mark.parametrize(
    ("type_code", "category"),
    [("执", "first"), ("执恢", "resumed"), ("执保", "preservation"), ("执异", "review"),
     ("执复", "review"), ("执监", "review")],
)
def test_type_code_decides_the_category(type_code: str, category: str) -> None:
    assert parse_case_number(f"（2022）内0221{type_code}5号").category == category


def test_every_registered_type_round_trips() -> None:
    """Each 类型代字 in the registry parses back to itself (longest code wins: 执恢 not 执)."""
    for code in CASE_TYPES:
        text = format_case_number(2022, "内0221", code, 88)
        assert text == f"（2022）内0221{code}88号"
        assert parse_case_number(text) == CaseNumber(2022, "内0221", code, 88)


def test_normalises_half_width_brackets() -> None:
    assert str(parse_case_number("(2022)内0221执恢12号")) == "（2022）内0221执恢12号"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "格式不正确"),
        ("2022内0221执1号", "格式不正确"),
        ("（2022）内0221执号", "格式不正确"),
        ("（2022）内0221执12", "格式不正确"),
        ("（2022）内0221民初12号", "格式不正确"),
        ("（22）内0221执12号", "格式不正确"),
        ("（1899）内0221执12号", "年度 1899 不合理"),
        ("（2022）内0221执0号", "序号必须大于 0"),
    ],
)
def test_rejects_bad_numbers_with_chinese_message(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_case_number(text)
    assert fragment in str(err.value)
    assert err.value.field == "case_number"


def test_message_quotes_the_input() -> None:
    with pytest.raises(ValidationError, match="案号“abc”"):
        parse_case_number("abc")
