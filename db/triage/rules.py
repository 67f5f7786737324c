"""The 分流 rule table: the default (example) set, edits with their history, evaluation.

Rules are evaluated in `position` order; the FIRST active rule whose conditions all hold gives
the suggestion (简/繁 and its reason). Every rule that holds is listed as "fired" so the clerk
sees what else spoke. When none holds the suggestion is 繁 (FALLBACK): a case nobody vouched
for as simple goes to the complex teams.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.errors import ValidationError
from db.models import TriageRule, TriageRuleChange
from db.triage.conditions import TRACKS, Facts, describe, matches, validate


@dataclass(frozen=True)
class Rule:
    id: int
    position: int
    name: str
    track: str
    reason: str
    conditions: dict[str, Any]
    active: bool = True
    local: bool = True


@dataclass(frozen=True)
class Suggestion:
    track: str
    reason: str
    fired: tuple[dict[str, Any], ...]  # every rule that held, in order: {id, name, track, reason}


FALLBACK = ("complex", "未命中任何分流规则，默认按繁案办理")

# The default rule set: an EXAMPLE of local practice (地方规定), after 丰顺法院's 简易快执
# criteria and commonly seen thresholds (shared/domain.md §3.3). A court edits it on
# /admin/triage-rules; `python -m dashboard init` and the demo seed it.
DEFAULT_RULES: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    ("执恢原案为繁案", "complex", "执恢案件原案为繁案，仍由繁案团队办理",
     {"categories": ["resumed"], "origin_track": "complex"}),
    ("查控存款足额", "simple", "首次查控发现存款足以清偿，简易快执（扣划即可）",
     {"query": ["funds_enough"]}),
    ("查控有不动产", "complex", "首次查控发现不动产，需评估、拍卖等处置",
     {"query": ["real_estate"]}),
    ("被执行人多案未结", "complex", "被执行人另有 3 件以上未结案件，需统筹处置",
     {"other_open_min": 3}),
    ("追索诉讼费罚金", "simple", "追索诉讼费、罚金、没收财产，程序简单",
     {"causes": ["诉讼费", "罚金", "没收"]}),
    ("非诉执行", "simple", "非诉执行案件（行政机关申请），标的明确",
     {"non_litigation": True}),
    ("被执行人较多", "complex", "被执行人 3 人以上，送达与查控工作量大",
     {"debtor_min": 3}),
    ("标的额50万以上", "complex", "申请执行标的 50 万元以上",
     {"amount_min": 500000}),
    ("查控无财产", "simple", "首次查控无财产，走简案程序、及时终本审查",
     {"query": ["none"]}),
    ("小额自然人", "simple", "标的 10 万元以下且被执行人均为自然人",
     {"amount_max": 100000, "debtor_kind": "natural"}),
    ("其余案件", "complex", "未命中简案规则，按繁案办理", {}),
)


def _rule(row: TriageRule) -> Rule:
    return Rule(row.id, row.position, row.name, row.track, row.reason,
                json.loads(row.conditions or "{}"), row.active, row.local)


def load_rules(session: Session, active_only: bool = True) -> list[Rule]:
    stmt = select(TriageRule).order_by(TriageRule.position, TriageRule.id)
    if active_only:
        stmt = stmt.where(TriageRule.active.is_(True))
    return [_rule(r) for r in session.scalars(stmt)]


def evaluate(rules: Sequence[Rule], facts: Facts) -> Suggestion:
    """First match wins; all matches are reported."""
    hits = [r for r in rules if r.active and matches(r.conditions, facts)]
    if not hits:
        return Suggestion(FALLBACK[0], FALLBACK[1], ())
    fired = tuple({"id": r.id, "name": r.name, "track": r.track, "reason": r.reason}
                  for r in hits)
    return Suggestion(hits[0].track, hits[0].reason, fired)


def _snapshot(row: TriageRule) -> str:
    return json.dumps({"position": row.position, "name": row.name, "active": row.active,
                       "track": row.track, "reason": row.reason,
                       "conditions": json.loads(row.conditions or "{}"), "local": row.local},
                      ensure_ascii=False, sort_keys=True)


def _clean(name: Any, track: Any, reason: Any, conditions: Any) -> tuple[str, str, str, str]:
    errors = []
    name = str(name or "").strip()
    reason = str(reason or "").strip()
    if not name or len(name) > 64:
        errors.append("规则名称不能为空，最多 64 个字")
    if track not in TRACKS:
        errors.append(f"结论应为 简案(simple) 或 繁案(complex)，实际为“{track}”")
    if not reason or len(reason) > 256:
        errors.append("分流理由不能为空，最多 256 个字")
    try:
        cleaned = validate(conditions)
    except ValidationError as exc:
        errors.append(str(exc))
        cleaned = {}
    if errors:
        raise ValidationError("；".join(errors))
    return name, str(track), reason, json.dumps(cleaned, ensure_ascii=False, sort_keys=True)


def save_rule(session: Session, *, actor: str, rule_id: int | None, name: Any, track: Any,
              reason: Any, conditions: Any, position: Any = None, active: bool = True,
              now: dt.datetime | None = None) -> TriageRule:
    """Create (rule_id None) or update a rule; the change is written to the history.
    Raises ValidationError (Chinese, naming the field) and writes nothing on bad input."""
    clean_name, clean_track, clean_reason, clean_conditions = _clean(name, track, reason, conditions)
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if position is not None:
        try:
            position = int(position)
        except (TypeError, ValueError):
            raise ValidationError(f"顺序应为整数，实际为“{position}”") from None
    if rule_id is None:
        top = session.scalar(select(func.max(TriageRule.position))) or 0
        row = TriageRule(position=top + 10 if position is None else position, local=True)
        old = ""
        session.add(row)
    else:
        found = session.get(TriageRule, rule_id)
        if found is None:
            raise ValidationError(f"规则 {rule_id} 不存在")
        row, old = found, _snapshot(found)
        if position is not None:
            row.position = position
    row.name, row.track, row.reason, row.conditions = (clean_name, clean_track, clean_reason,
                                                       clean_conditions)
    row.active, row.updated_at, row.updated_by = bool(active), now, actor
    session.flush()
    session.add(TriageRuleChange(rule_id=row.id, rule_name=row.name,
                                 action="update" if old else "create", at=now, actor=actor,
                                 old=old, new=_snapshot(row)))
    session.flush()
    return row


def delete_rule(session: Session, *, actor: str, rule_id: int,
                now: dt.datetime | None = None) -> None:
    row = session.get(TriageRule, rule_id)
    if row is None:
        raise ValidationError(f"规则 {rule_id} 不存在")
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    session.add(TriageRuleChange(rule_id=row.id, rule_name=row.name, action="delete", at=now,
                                 actor=actor, old=_snapshot(row), new=""))
    session.delete(row)
    session.flush()


def seed_default_rules(session: Session, actor: str = "初始化") -> int:
    """Write DEFAULT_RULES when the table is empty; return how many were written."""
    if session.scalar(select(func.count()).select_from(TriageRule)):
        return 0
    for i, (name, track, reason, conditions) in enumerate(DEFAULT_RULES, start=1):
        save_rule(session, actor=actor, rule_id=None, name=name, track=track, reason=reason,
                  conditions=conditions, position=i * 10)
    return len(DEFAULT_RULES)


def rule_rows(session: Session) -> list[dict[str, Any]]:
    """The table for the admin page: every rule with its conditions in words."""
    return [{"id": r.id, "position": r.position, "name": r.name, "active": r.active,
             "track": r.track, "track_label": TRACKS[r.track], "reason": r.reason,
             "conditions": json.dumps(r.conditions, ensure_ascii=False, sort_keys=True),
             "conditions_text": describe(r.conditions), "local": "地方规定" if r.local else ""}
            for r in load_rules(session, active_only=False)]


def history_rows(session: Session, limit: int = 200) -> list[dict[str, Any]]:
    stmt = select(TriageRuleChange).order_by(TriageRuleChange.id.desc()).limit(limit)
    labels = {"create": "新增", "update": "修改", "delete": "删除"}
    return [{"at": c.at.strftime("%Y-%m-%d %H:%M"), "actor": c.actor, "rule": c.rule_name,
             "action": labels.get(c.action, c.action), "old": c.old, "new": c.new}
            for c in session.scalars(stmt)]
