"""繁简分流: rule conditions and evaluation, the rule table and its history, the 分流台's
actions (confirm/override, 分案, 转繁/转简) and its queue.

May import: the ``db`` root modules, ``db.models``, ``db.cases``, ``db.auth`` (audit log).
"""
from __future__ import annotations

from db.triage.conditions import QUERY_RESULTS, TRACKS, Facts, classify_query, validate
from db.triage.desk import (
    TRIAGE_CATEGORIES,
    assign,
    change_track,
    confirm,
    dismiss_convert,
    history,
    queue,
    refresh,
    workload,
)
from db.triage.facts import load_facts
from db.triage.rules import (
    DEFAULT_RULES,
    Rule,
    Suggestion,
    delete_rule,
    evaluate,
    history_rows,
    load_rules,
    rule_rows,
    save_rule,
    seed_default_rules,
)

__all__ = [
    "DEFAULT_RULES", "QUERY_RESULTS", "TRACKS", "TRIAGE_CATEGORIES", "Facts", "Rule",
    "Suggestion", "assign", "change_track", "classify_query", "confirm", "delete_rule",
    "dismiss_convert", "evaluate", "history", "history_rows", "load_facts", "load_rules",
    "queue", "refresh", "rule_rows", "save_rule", "seed_default_rules", "validate", "workload",
]
