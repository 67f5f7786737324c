"""Rule conditions as data: the kinds a 分流 rule may test, their validation and the test.

A rule's `conditions` is a JSON object; every key present must hold (AND). Keys:

=================  ======================================================================
amount_min / max   申请执行标的金额 (元) ≥ min, < max
debtor_kind        "natural": every 被执行人 is a 自然人; "legal": every one is 法人/其他组织
debtor_min / max   number of 被执行人 ≥ min, ≤ max
causes             案由 contains one of these words
non_litigation     非诉执行 (true/false)
categories         case category in this list (first 首执, resumed 执恢)
other_open_min     the 被执行人's other open cases (same 证件号, else same name) ≥ N
origin_track       执恢: the origin case's track (simple/complex)
query              the first 查控反馈 result is one of these (QUERY_RESULTS); a rule with this
                   key does not fire before the first result arrives
=================  ======================================================================
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from db.errors import ValidationError

TRACKS = {"simple": "简案", "complex": "繁案"}
# The first 网络查控反馈, classified (see `classify_query`). Order: most specific first.
QUERY_RESULTS = {
    "funds_enough": "存款足额",
    "real_estate": "有不动产",
    "property": "有财产",
    "none": "无财产",
}
DEBTOR_KINDS = {"natural": "自然人", "legal": "法人/其他组织"}
CONDITION_LABELS = {
    "amount_min": "标的额下限（元）",
    "amount_max": "标的额上限（元，不含）",
    "debtor_kind": "被执行人类型",
    "debtor_min": "被执行人数下限",
    "debtor_max": "被执行人数上限",
    "causes": "案由包含",
    "non_litigation": "非诉执行",
    "categories": "案件类别",
    "other_open_min": "被执行人其他未结案件数≥",
    "origin_track": "原案繁简（执恢）",
    "query": "首次查控反馈",
}
CATEGORY_LABELS = {"first": "首执", "resumed": "执恢"}


@dataclass(frozen=True)
class Facts:
    """What the rules may look at for one case."""

    case_id: int
    amount: Decimal
    debtor_kinds: tuple[str, ...]  # "natural"/"legal" per 被执行人
    cause: str
    non_litigation: bool
    category: str
    other_open: int
    origin_track: str | None
    query: str | None  # a QUERY_RESULTS key, None before the first 查控反馈


def _number(value: str, pattern: str) -> Decimal:
    found = re.search(pattern, value)
    return Decimal(found.group(1)) if found else Decimal(0)


def classify_query(detail: str, amount_due: Decimal) -> str:
    """The first 查控反馈's text → a QUERY_RESULTS key.

    Reads "银行存款N元", "车辆N辆", "不动产N处" (the 总对总 summary the demo and the event
    API write) and the words 有不动产/有财产/无财产: deposits ≥ the amount due → funds_enough;
    any real estate → real_estate; any deposit or vehicle → property; else none."""
    text = detail or ""
    deposit = _number(text, r"存款\s*([0-9]+(?:\.[0-9]+)?)\s*元")
    vehicles = _number(text, r"车辆\s*([0-9]+)")
    estate = _number(text, r"不动产\s*([0-9]+)")
    if amount_due > 0 and deposit >= amount_due:
        return "funds_enough"
    if estate > 0 or "有不动产" in text:
        return "real_estate"
    if deposit > 0 or vehicles > 0 or ("有财产" in text and "无财产" not in text):
        return "property"
    return "none"


def _amount(raw: Any, field: str, errors: list[str]) -> Decimal | None:
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        errors.append(f"{CONDITION_LABELS[field]}应为数字，实际为“{raw}”")
        return None
    if value < 0 or not value.is_finite():
        errors.append(f"{CONDITION_LABELS[field]}不能为负数")
        return None
    return value


def _count(raw: Any, field: str, errors: list[str]) -> int | None:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        errors.append(f"{CONDITION_LABELS[field]}应为非负整数，实际为“{raw}”")
        return None
    return raw


def _choices(raw: Any, field: str, allowed: dict[str, str], errors: list[str]) -> list[str] | None:
    items = raw if isinstance(raw, list) else [raw]
    bad = [x for x in items if x not in allowed]
    if bad or not items:
        errors.append(f"{CONDITION_LABELS[field]}应为 {'/'.join(allowed)} 之一，实际为“{raw}”")
        return None
    return [str(x) for x in items]


def _bool(raw: Any, field: str, errors: list[str]) -> bool | None:
    if not isinstance(raw, bool):
        errors.append(f"{CONDITION_LABELS[field]}应为 true 或 false，实际为“{raw}”")
        return None
    return raw


def _words(raw: Any, field: str, errors: list[str]) -> list[str] | None:
    words = raw if isinstance(raw, list) else [raw]
    if not words or not all(isinstance(w, str) and w.strip() for w in words):
        errors.append(f"{CONDITION_LABELS[field]}应为非空的词语列表")
        return None
    return [w.strip() for w in words]


def _one(allowed: dict[str, str]) -> Any:
    def check(raw: Any, field: str, errors: list[str]) -> str | None:
        found = _choices(raw, field, allowed, errors)
        return found[0] if found else None
    return check


def _many(allowed: dict[str, str]) -> Any:
    return lambda raw, field, errors: _choices(raw, field, allowed, errors)


def _money(raw: Any, field: str, errors: list[str]) -> str | None:
    value = _amount(raw, field, errors)
    return None if value is None else str(value)


CHECKS: dict[str, Any] = {
    "amount_min": _money, "amount_max": _money,
    "debtor_min": _count, "debtor_max": _count, "other_open_min": _count,
    "debtor_kind": _one(DEBTOR_KINDS), "origin_track": _one(TRACKS),
    "non_litigation": _bool, "causes": _words,
    "categories": _many(CATEGORY_LABELS), "query": _many(QUERY_RESULTS),
}


def validate(conditions: Any) -> dict[str, Any]:
    """Check a conditions object; return it normalised or raise ValidationError (Chinese)."""
    if isinstance(conditions, str):
        try:
            conditions = json.loads(conditions or "{}")
        except json.JSONDecodeError as exc:
            raise ValidationError(f"条件不是有效的 JSON：{exc.msg}（第 {exc.lineno} 行）") from None
    if not isinstance(conditions, dict):
        raise ValidationError("条件应为 JSON 对象，如 {\"amount_max\": 50000}")
    errors: list[str] = []
    out: dict[str, Any] = {}
    for key, raw in conditions.items():
        if key not in CHECKS:
            errors.append(f"未知的条件“{key}”（可用：{'、'.join(CONDITION_LABELS)}）")
            continue
        value = CHECKS[key](raw, key, errors)
        if value is not None:
            out[key] = value
    if "amount_min" in out and "amount_max" in out \
            and Decimal(out["amount_min"]) >= Decimal(out["amount_max"]):
        errors.append("标的额下限应小于上限")
    if errors:
        raise ValidationError("；".join(errors))
    return out


def matches(conditions: dict[str, Any], facts: Facts) -> bool:
    """True when every condition holds for the case (an empty object always holds)."""
    for key, want in conditions.items():
        if not _holds(key, want, facts):
            return False
    return True


def _holds(key: str, want: Any, f: Facts) -> bool:  # noqa: PLR0911
    if key == "amount_min":
        return f.amount >= Decimal(want)
    if key == "amount_max":
        return f.amount < Decimal(want)
    if key == "debtor_kind":
        return bool(f.debtor_kinds) and all(k == want for k in f.debtor_kinds)
    if key == "debtor_min":
        return len(f.debtor_kinds) >= int(want)
    if key == "debtor_max":
        return len(f.debtor_kinds) <= int(want)
    if key == "causes":
        return any(w in f.cause for w in want)
    if key == "non_litigation":
        return f.non_litigation is bool(want)
    if key == "categories":
        return f.category in want
    if key == "other_open_min":
        return f.other_open >= int(want)
    if key == "origin_track":
        return f.origin_track == want
    if key == "query":
        return f.query is not None and f.query in want
    return False


def describe(conditions: dict[str, Any]) -> str:
    """The conditions in words, e.g. “标的额上限（元，不含）50000；被执行人类型 自然人”."""
    parts = []
    for key, value in conditions.items():
        label = CONDITION_LABELS.get(key, key)
        words = {**TRACKS, **QUERY_RESULTS, **DEBTOR_KINDS, **CATEGORY_LABELS}
        if isinstance(value, bool):
            text = "是" if value else "否"
        elif isinstance(value, list):
            text = "/".join(words.get(str(v), str(v)) for v in value)
        else:
            text = words.get(str(value), str(value))
        parts.append(f"{label} {text}")
    return "；".join(parts) or "（无条件，总是命中）"
