"""Cell values in every accepted form → Python values, or ValueError with a Chinese reason."""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from db.cases.numbers import CaseNumber, parse_case_number
from db.errors import ValidationError
from db.imports.schema import Field

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
CENT = Decimal("0.01")
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]*(\d{1,2})[:：时](\d{1,2})分?(?:[:：]?(\d{1,2}(?:\.\d+)?)秒?)?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_SPACES = re.compile(r"\s+")
_AMOUNT_NOISE = re.compile(r"[\s,，]")
_DIGITS = re.compile(r"\d+")
_NUMBER = re.compile(r"\d+(\.\d+)?")
_YES = {"是", "y", "yes", "1", "true", "t", "√", "有"}
_NO = {"否", "n", "no", "0", "false", "f", "", "无"}


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    """A cell as text: numbers without a trailing .0, everything stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def parse_datetime(value: Any) -> dt.datetime:
    """Any accepted date/time form → a naive datetime (midnight when there is no time)."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, bool):
        raise ValueError("不是有效日期")
    if isinstance(value, int | float | Decimal):
        return _from_number(float(value))
    raw = str(value).strip()
    for pattern in (_DATE, _COMPACT):
        match = pattern.match(raw)
        if match:
            y, m, d, hh, mm, ss = match.groups()
            try:
                sec = float(ss or 0)
                return dt.datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(sec))
            except ValueError:
                raise ValueError("不是有效日期") from None
    if _NUMBER.fullmatch(raw):
        return _from_number(float(raw))
    raise ValueError("不是有效日期（可写作 2024-01-05、2024/1/5、2024年1月5日 或 20240105）")


def _from_number(number: float) -> dt.datetime:
    if 19000101 <= number <= 21001231 and number.is_integer():
        return parse_datetime(str(int(number)))
    if not 1 <= number < 73051:  # Excel serials 1900-01-01 … 2099-12-31
        raise ValueError("不是有效日期")
    stamp = EXCEL_EPOCH + dt.timedelta(days=number)
    return stamp.replace(microsecond=0) + dt.timedelta(seconds=round(stamp.microsecond / 1e6))


def parse_date(value: Any) -> dt.date:
    when = parse_datetime(value)
    if not 1990 <= when.year <= 2100:
        raise ValueError(f"年份 {when.year} 不合理")
    return when.date()


def parse_amount(value: Any, unit: str) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("不是有效金额")
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    else:
        raw = _AMOUNT_NOISE.sub("", str(value)).removesuffix("元")
        if raw.endswith("万"):
            raw, unit = raw[:-1], "万元"
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            raise ValueError("不是有效金额") from None
    if not amount.is_finite():
        raise ValueError("不是有效金额")
    if unit == "万元":
        amount *= 10000
    amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError("金额不能为负数")
    if amount >= Decimal("1e16"):
        raise ValueError("金额过大")
    return amount


def parse_yesno(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise ValueError("应为 是/否、Y/N、1/0 或 TRUE/FALSE")


def parse_int(value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raw = text(value).removesuffix("天").removesuffix("日")
    if not _DIGITS.fullmatch(raw):
        raise ValueError("应为不小于 0 的整数")
    return int(raw)


def parse_case(value: Any) -> CaseNumber:
    return parse_case_text(_SPACES.sub("", text(value)))


def case_text_cell(value: str) -> CaseNumber | None:
    """parse_value of a 案号 field for a text cell, in one step (the import's per-row hot path):
    None when blank (whitespace is what str.strip and \\s both take), else parse_case."""
    raw = _SPACES.sub("", value)
    return parse_case_text(raw) if raw else None


def parse_case_text(raw: str) -> CaseNumber:
    """A 案号 without whitespace → CaseNumber, or ValueError with the reason."""
    try:
        return parse_case_number(raw)
    except ValidationError as exc:
        raise ValueError(str(exc).replace(f"案号“{raw}”的", "").replace(f"案号“{raw}”", "")) from None


def _enum(field: Field, value: Any, unit: str) -> str:
    raw = _SPACES.sub("", text(value))
    forms = field.forms or {}
    if raw in forms:
        return forms[raw]
    if raw in forms.values():
        return raw
    raise ValueError("不是可识别的取值（可用：" + "、".join(list(dict.fromkeys(forms))[:12]) + "）")


def _text(field: Field, value: Any, unit: str) -> str:
    out = text(value)
    if len(out) > field.max_len:
        raise ValueError(f"超过 {field.max_len} 个字")
    return out


def _datetime(field: Field, value: Any, unit: str) -> dt.datetime:
    when = parse_datetime(value)
    if not 1990 <= when.year <= 2100:
        raise ValueError(f"年份 {when.year} 不合理")
    return when


PARSERS = {
    "text": _text,
    "case_number": lambda f, v, u: parse_case(v),
    "date": lambda f, v, u: parse_date(v),
    "datetime": _datetime,
    "amount": lambda f, v, u: parse_amount(v, u),
    "int": lambda f, v, u: parse_int(v),
    "enum": _enum,
}


def parse_value(field: Field, value: Any, unit: str = "") -> Any:
    """The field's value, None for an empty cell (False for yes/no), or ValueError."""
    if field.kind == "yesno":
        return parse_yesno(value)
    if is_blank(value):
        return None
    return PARSERS[field.kind](field, value, unit)
