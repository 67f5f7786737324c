"""Rule kinds and the field checks used when a rule file is loaded (messages in Chinese)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from db.cases.event_kinds import EVENT_KINDS
from db.cases.vocab import CASE_TYPES, CATEGORIES, CLOSING_METHODS
from db.errors import ValidationError

UNITS: dict[str, str] = {"days": "自然日", "workdays": "工作日", "months": "个月"}
CASE_DATES: dict[str, str] = {"received_on": "收到材料日期", "filed_on": "立案日期"}


@dataclass(frozen=True)
class RuleKind:
    """How a kind of node finds its start, its deadline and its completion."""

    key: str
    label: str
    start: str  # "case_or_event" | "case" | "event" | "none"
    needs_done: bool
    needs_limit: bool
    units: tuple[str, ...]
    after_closing: bool


RULE_KINDS: dict[str, RuleKind] = {
    k.key: k
    for k in (
        RuleKind("event", "事件期限", "case_or_event", True, True, ("days", "workdays", "months"), False),
        RuleKind("term", "执行期限", "case", False, True, ("days", "months"), False),
        RuleKind("payment", "案款发放", "none", False, True, ("days", "workdays"), True),
        RuleKind("expiry", "续封届满", "event", True, False, ("days",), True),
    )
}


class Errors:
    """Collects every problem so one load reports them all."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.first_field: str | None = None

    def add(self, key: str, fld: str, problem: str) -> None:
        self.messages.append(f"节点“{key}”的字段“{fld}”：{problem}")
        self.first_field = self.first_field or fld

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError("\n".join(self.messages), field=self.first_field)


def str_list(raw: dict[str, Any], fld: str) -> tuple[str, ...] | None:
    value = raw.get(fld, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return tuple(value)


def check_start(raw: dict[str, Any], kind: RuleKind, key: str, errors: Errors) -> tuple[str, ...]:
    start = str_list(raw, "start")
    if start is None:
        errors.add(key, "start", "应为字符串列表")
        return ()
    if kind.start == "none":
        return ()
    if not start:
        errors.add(key, "start", "不能为空")
        return ()
    dates = [s for s in start if s in CASE_DATES]
    events = [s for s in start if s in EVENT_KINDS]
    unknown = [s for s in start if s not in CASE_DATES and s not in EVENT_KINDS]
    if unknown:
        errors.add(key, "start", f"未知的案件日期或事件种类“{unknown[0]}”")
    elif dates and events:
        errors.add(key, "start", "不能混用案件日期和事件种类")
    elif kind.start == "case" and events:
        errors.add(key, "start", f"{kind.label}规则只能从案件日期起算")
    elif kind.start == "event" and dates:
        errors.add(key, "start", f"{kind.label}规则的开始应为事件种类")
    return start


def check_done(raw: dict[str, Any], kind: RuleKind, key: str, errors: Errors) -> tuple[str, ...]:
    done = str_list(raw, "done")
    if done is None:
        errors.add(key, "done", "应为事件种类列表")
        return ()
    unknown = [d for d in done if d not in EVENT_KINDS]
    if unknown:
        errors.add(key, "done", f"未知的事件种类“{unknown[0]}”")
    if kind.needs_done and not done:
        errors.add(key, "done", "至少需要一个完成事件种类")
    return done


def int_field(raw: dict[str, Any], fld: str, key: str, errors: Errors, *, minimum: int) -> int:
    value = raw.get(fld, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        errors.add(key, fld, f"应为不小于 {minimum} 的整数，实际为“{value}”")
        return 0
    return value


def check_scope(raw: dict[str, Any], key: str, errors: Errors) -> tuple[tuple[str, ...], tuple[str, ...]]:
    categories = str_list(raw, "categories")
    if not categories or any(c not in CATEGORIES for c in categories):
        errors.add(key, "categories", f"应为 {'/'.join(CATEGORIES)} 中的一个或多个，实际为“{raw.get('categories')}”")
        categories = ()
    case_types = str_list(raw, "case_types") or ()
    bad = [t for t in case_types if t not in CASE_TYPES]
    if bad:
        errors.add(key, "case_types", f"未知的类型代字“{bad[0]}”")
    return categories, case_types


def check_after_closing(raw: dict[str, Any], kind: RuleKind, key: str, errors: Errors) -> tuple[bool, tuple[str, ...]]:
    value = raw.get("after_closing", kind.after_closing)
    if isinstance(value, bool):
        return value, ()
    methods = str_list(raw, "after_closing")
    bad = [m for m in methods or ["?"] if m not in CLOSING_METHODS]
    if methods is None or bad:
        errors.add(key, "after_closing", f"应为 true/false 或结案方式列表，未知的结案方式“{bad[0] if bad else value}”")
        return False, ()
    return True, methods
