"""Node rules as data: load config/node_rules.toml plus an optional stricter local file."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from db.errors import ValidationError
from db.event_kinds import EVENT_KINDS
from db.nodes.calendar import WorkCalendar, load_calendar
from db.vocab import CASE_TYPES, CATEGORIES, CLOSING_METHODS

DEFAULT_RULES = Path(__file__).resolve().parents[2] / "config" / "node_rules.toml"

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


@dataclass(frozen=True)
class NodeRule:
    """One process node: when it starts, what satisfies it, and by when."""

    key: str
    name: str
    kind: str
    start: tuple[str, ...]
    done: tuple[str, ...]
    limit: int
    unit: str
    warn: int
    categories: tuple[str, ...]
    source: str
    limit_non_litigation: int | None = None
    case_types: tuple[str, ...] = ()
    after_closing: bool = False
    after_closing_methods: tuple[str, ...] = ()  # empty: every closing method
    local: bool = False

    @property
    def starts_on_case_date(self) -> bool:
        """True when the start is a case date column rather than an event kind."""
        return bool(self.start) and self.start[0] in CASE_DATES

    def limit_text(self) -> str:
        """期限 in words, e.g. “10 自然日”."""
        if self.kind == "expiry":
            return "届满前续封"
        text = f"{self.limit} {UNITS[self.unit]}"
        if self.limit_non_litigation is not None:
            text += f"（非诉 {self.limit_non_litigation} {UNITS[self.unit]}）"
        return text


@dataclass(frozen=True)
class RuleSet:
    """The effective rules, the working-day calendar and the court's UTC offset."""

    nodes: tuple[NodeRule, ...]
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    utc_offset_minutes: int = 480
    files: tuple[str, ...] = ()

    def get(self, key: str) -> NodeRule:
        """The rule with this key (KeyError names it in Chinese)."""
        for rule in self.nodes:
            if rule.key == key:
                return rule
        raise KeyError(f"没有节点规则“{key}”")

    def digest(self) -> str:
        """A short hash of the rules, so cached results can be keyed on them."""
        blob = json.dumps([asdict(r) for r in self.nodes], ensure_ascii=False, sort_keys=True)
        return hashlib.sha1(blob.encode("utf-8")).hexdigest()[:12]


class _Errors:
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


def _str_list(raw: dict[str, Any], fld: str) -> tuple[str, ...] | None:
    value = raw.get(fld, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return tuple(value)


def _check_start(raw: dict[str, Any], kind: RuleKind, key: str, errors: _Errors) -> tuple[str, ...]:
    start = _str_list(raw, "start")
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


def _check_done(raw: dict[str, Any], kind: RuleKind, key: str, errors: _Errors) -> tuple[str, ...]:
    done = _str_list(raw, "done")
    if done is None:
        errors.add(key, "done", "应为事件种类列表")
        return ()
    unknown = [d for d in done if d not in EVENT_KINDS]
    if unknown:
        errors.add(key, "done", f"未知的事件种类“{unknown[0]}”")
    if kind.needs_done and not done:
        errors.add(key, "done", "至少需要一个完成事件种类")
    return done


def _int_field(raw: dict[str, Any], fld: str, key: str, errors: _Errors, *, minimum: int) -> int:
    value = raw.get(fld, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        errors.add(key, fld, f"应为不小于 {minimum} 的整数，实际为“{value}”")
        return 0
    return value


def _check_scope(raw: dict[str, Any], key: str, errors: _Errors) -> tuple[tuple[str, ...], tuple[str, ...]]:
    categories = _str_list(raw, "categories")
    if not categories or any(c not in CATEGORIES for c in categories):
        errors.add(key, "categories", f"应为 {'/'.join(CATEGORIES)} 中的一个或多个，实际为“{raw.get('categories')}”")
        categories = ()
    case_types = _str_list(raw, "case_types") or ()
    bad = [t for t in case_types if t not in CASE_TYPES]
    if bad:
        errors.add(key, "case_types", f"未知的类型代字“{bad[0]}”")
    return categories, case_types


def _check_after_closing(raw: dict[str, Any], kind: RuleKind, key: str, errors: _Errors) -> tuple[bool, tuple[str, ...]]:
    value = raw.get("after_closing", kind.after_closing)
    if isinstance(value, bool):
        return value, ()
    methods = _str_list(raw, "after_closing")
    bad = [m for m in methods or ["?"] if m not in CLOSING_METHODS]
    if methods is None or bad:
        errors.add(key, "after_closing", f"应为 true/false 或结案方式列表，未知的结案方式“{bad[0] if bad else value}”")
        return False, ()
    return True, methods


def _build_rule(raw: dict[str, Any], local: bool, errors: _Errors) -> NodeRule | None:
    key = raw.get("key")
    if not isinstance(key, str) or not key.isidentifier():
        errors.add(str(key), "key", "应为英文标识符")
        return None
    kind = RULE_KINDS.get(raw.get("kind", ""))
    if kind is None:
        errors.add(key, "kind", f"应为 {'/'.join(RULE_KINDS)} 之一，实际为“{raw.get('kind')}”")
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.add(key, "name", "不能为空")
    unit = raw.get("unit", "days")
    if unit not in kind.units:
        errors.add(key, "unit", f"{kind.label}规则的单位应为 {'/'.join(kind.units)} 之一，实际为“{unit}”")
    limit = _int_field(raw, "limit", key, errors, minimum=1 if kind.needs_limit else 0)
    nonlit = raw.get("limit_non_litigation")
    if nonlit is not None:
        nonlit = _int_field(raw, "limit_non_litigation", key, errors, minimum=1)
    if nonlit is not None and unit == "workdays":
        errors.add(key, "limit_non_litigation", "工作日期限不支持单列非诉期限")
    categories, case_types = _check_scope(raw, key, errors)
    after_closing, after_methods = _check_after_closing(raw, kind, key, errors)
    return NodeRule(
        key=key,
        name=str(name or ""),
        kind=kind.key,
        start=_check_start(raw, kind, key, errors),
        done=_check_done(raw, kind, key, errors),
        limit=limit,
        unit=str(unit),
        warn=_int_field(raw, "warn", key, errors, minimum=0),
        categories=categories,
        source=str(raw.get("source", "")),
        limit_non_litigation=nonlit,
        case_types=case_types,
        after_closing=after_closing,
        after_closing_methods=after_methods,
        local=local,
    )


def _check_not_looser(national: NodeRule, local: NodeRule, errors: _Errors) -> None:
    if national.unit != local.unit or national.kind != local.kind:
        return
    if local.limit > national.limit:
        errors.add(local.key, "limit", f"本地期限 {local.limit} 不得宽于全国期限 {national.limit}")
    lo, hi = local.limit_non_litigation, national.limit_non_litigation
    if lo is not None and hi is not None and lo > hi:
        errors.add(local.key, "limit_non_litigation", f"本地期限 {lo} 不得宽于全国期限 {hi}")


def _read(path: Path) -> list[dict[str, Any]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError(f"节点规则文件不存在：{path}", field="nodes") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"节点规则文件 {path.name} 不是合法的 TOML：{exc}") from None
    nodes = data.get("nodes", [])
    if not isinstance(nodes, list) or not all(isinstance(n, dict) for n in nodes):
        raise ValidationError(f"节点规则文件 {path.name}：应由 [[nodes]] 条目组成", field="nodes")
    return nodes


def parse_rules(
    national: list[dict[str, Any]], local: list[dict[str, Any]] | None = None
) -> tuple[NodeRule, ...]:
    """Validate the national entries, then apply local overrides and additions."""
    errors = _Errors()
    raw_by_key: dict[str, dict[str, Any]] = {}
    rules: dict[str, NodeRule] = {}
    for raw in national:
        rule = _build_rule(raw, False, errors)
        if rule and rule.key in rules:
            errors.add(rule.key, "key", "重复的节点键")
        elif rule:
            rules[rule.key], raw_by_key[rule.key] = rule, raw
    for raw in local or []:
        base = raw_by_key.get(str(raw.get("key")))
        rule = _build_rule({**base, **raw} if base else raw, True, errors)
        if rule and base:
            _check_not_looser(rules[rule.key], rule, errors)
        if rule:
            rules[rule.key] = rule
    errors.raise_if_any()
    return tuple(rules.values())


def _offset_minutes(timezone: str) -> int:
    try:
        zone = ZoneInfo(timezone)
    except Exception:  # noqa: BLE001 - any lookup failure is a settings error
        raise ValidationError(f"时区设置“{timezone}”无效", field="TIMEZONE") from None
    offset = dt.datetime.now(zone).utcoffset() or dt.timedelta(0)
    return int(offset.total_seconds() // 60)


def load_rules(
    path: str | Path | None = None,
    local_path: str | Path | None = None,
    *,
    calendar: WorkCalendar | None = None,
    timezone: str = "Asia/Shanghai",
) -> RuleSet:
    """Read the national rules (default config/node_rules.toml) and an optional local file."""
    national_file = Path(path) if path else DEFAULT_RULES
    files = [str(national_file)]
    local = None
    if local_path:
        local = _read(Path(local_path))
        files.append(str(local_path))
    nodes = parse_rules(_read(national_file), local)
    return RuleSet(nodes, calendar or load_calendar(), _offset_minutes(timezone), tuple(files))


def load_rules_from_settings(settings: Mapping[str, Any]) -> RuleSet:
    """The rule set the settings point to (NODE_RULES_LOCAL, HOLIDAYS_FILE, TIMEZONE)."""
    calendar = load_calendar(settings.get("HOLIDAYS_FILE") or None)
    return load_rules(
        local_path=settings.get("NODE_RULES_LOCAL") or None,
        calendar=calendar,
        timezone=str(settings.get("TIMEZONE") or "Asia/Shanghai"),
    )
