"""Node rules as data: load config/node_rules.toml plus an optional stricter local file."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from db.errors import ValidationError
from db.nodes.calendar import WorkCalendar, load_calendar
from db.nodes.checks import (
    CASE_DATES,
    RULE_KINDS,
    UNITS,
    Errors,
    check_after_closing,
    check_done,
    check_scope,
    check_start,
    int_field,
)

DEFAULT_RULES = Path(__file__).resolve().parents[2] / "config" / "node_rules.toml"

# Research tags at the end of a rule's `source` (see shared/domain.md): what they mean, in words.
SOURCE_TAGS = {
    "[OFF-m]": ("官方文本（转引）", "官方文本，经转载或地方文件转引核对，条文序号可能有出入"),
    "[OFF]": ("官方原文", "已按法律、司法解释或最高人民法院规范性文件原文核对"),
}


def source_parts(source: str) -> tuple[str, str, str]:
    """A rule's 依据 without its trailing research tag, the tag in words and its explanation
    ("", "" when untagged)."""
    text = source.rstrip()
    for tag, (label, note) in SOURCE_TAGS.items():
        if text.endswith(tag):
            return text[: -len(tag)].rstrip(), label, note
    return text, "", ""


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
    local_fields: tuple[str, ...] = ()  # fields the local file set (override of a national node)
    national_limit: str = ""  # the national limit text when the local file overrides the node

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


def _build_rule(raw: dict[str, Any], local: bool, errors: Errors) -> NodeRule | None:
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
    limit = int_field(raw, "limit", key, errors, minimum=1 if kind.needs_limit else 0)
    nonlit = raw.get("limit_non_litigation")
    if nonlit is not None:
        nonlit = int_field(raw, "limit_non_litigation", key, errors, minimum=1)
    if nonlit is not None and unit == "workdays":
        errors.add(key, "limit_non_litigation", "工作日期限不支持单列非诉期限")
    categories, case_types = check_scope(raw, key, errors)
    after_closing, after_methods = check_after_closing(raw, kind, key, errors)
    return NodeRule(
        key=key,
        name=str(name or ""),
        kind=kind.key,
        start=check_start(raw, kind, key, errors),
        done=check_done(raw, kind, key, errors),
        limit=limit,
        unit=str(unit),
        warn=int_field(raw, "warn", key, errors, minimum=0),
        categories=categories,
        source=str(raw.get("source", "")),
        limit_non_litigation=nonlit,
        case_types=case_types,
        after_closing=after_closing,
        after_closing_methods=after_methods,
        local=local,
    )


def _check_not_looser(national: NodeRule, local: NodeRule, errors: Errors) -> None:
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
    errors = Errors()
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
            rule = replace(rule, local_fields=tuple(k for k in raw if k != "key"),
                           national_limit=rules[rule.key].limit_text())
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


def describe_rules(rules: RuleSet) -> list[dict[str, Any]]:
    """The rules as plain rows with Chinese labels, for the admin page and exports."""
    from db.cases.event_kinds import EVENT_KINDS
    from db.cases.vocab import CATEGORIES

    def label(key: str) -> str:
        if key in CASE_DATES:
            return CASE_DATES[key]
        return EVENT_KINDS[key].label if key in EVENT_KINDS else key

    return [
        {
            "key": r.key, "name": r.name, "kind": r.kind, "kind_label": RULE_KINDS[r.kind].label,
            "start": "、".join(label(s) for s in r.start) or "到账日",
            "done": "、".join(label(d) for d in r.done),
            "limit": r.limit_text(), "warn": r.warn,
            "categories": "、".join(CATEGORIES[c].label for c in r.categories),
            "source": source_parts(r.source)[0], "source_tag": source_parts(r.source)[1],
            "source_note": source_parts(r.source)[2], "local": r.local, "unit": r.unit, "unit_label": UNITS.get(r.unit, r.unit),
            "local_fields": r.local_fields, "national_limit": r.national_limit,
            "origin": ("本地修改：" + "、".join(r.local_fields)) if r.local_fields
            else ("本地新增" if r.local else "全国默认"),
        }
        for r in rules.nodes
    ]
