"""The snapshot's 节点管控 section, recounted only for the teams whose cases or nodes changed.

The section (db/nodes/counts.py `node_summary`) counts the node statuses of every open case
and every case closed in the last year, one SELECT per rule: at a province's scale most of a
build. Its node figures are sums of per-team parts (`NodeParts`: node rows by node and status,
open cases), each team's depending only on its own cases and on `today`. `NodeCore` keeps the
parts of the last snapshot; an incremental build recounts the teams the change log names
(`changes.Pending.node_teams`: the old and the new holders of changed cases and payments, and
the current team of every case whose events, pauses, extensions or payments changed, migration
0018_node_changes) and replaces their parts. 督办 and 案款 ageing are read again every build
(few rows). Another day, other rules, other courts, a kept state of another snapshot version or
none at all: a full count.
May import what db.snapshot may (the package docstring of db/snapshot/__init__.py).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from db.nodes.counts import NodeParts, node_parts, summary_from_parts


@dataclass
class NodeState:
    key: tuple[Any, ...]  # (today, rules digest, courts)
    parts: NodeParts
    version: int | None = None  # the snapshot version they were published with


@dataclass
class NodeResult:
    section: dict[str, Any]
    state: NodeState
    mode: str  # "full" or "incremental"
    teams: frozenset[int | None] = frozenset()  # the teams recounted (incremental)


@dataclass
class NodeCore:
    """Builds the "nodes" section from kept per-team parts (see the module doc)."""

    rules: Any  # db.nodes.rules.RuleSet
    state: NodeState | None = field(default=None)

    def compute(self, session: Session, today: dt.date, courts: tuple[int, ...],
                changed: Collection[int | None] | None,
                version: int | None = None) -> NodeResult:
        """The section; incremental when `changed` (teams) is given and the kept parts are of
        the same day, rules and courts at snapshot `version`; else a full count."""
        key = (today.isoformat(), self.rules.digest(), tuple(courts))
        kept = self.state
        if (changed is not None and kept is not None and kept.key == key
                and (version is None or kept.version == version)):
            teams = frozenset(changed)
            parts = kept.parts.replaced(
                node_parts(session, today, self.rules, courts=courts, teams=teams), teams)
            mode = "incremental"
        else:
            parts, mode, teams = node_parts(session, today, self.rules, courts=courts), \
                "full", frozenset()
        section = summary_from_parts(session, today, self.rules, parts, courts=courts)
        return NodeResult(section, NodeState(key, parts), mode, teams)


def node_differences(session: Session, rules: Any, courts: tuple[int, ...], today: dt.date,
                     section: Any, teams: Collection[int | None]) -> list[str]:
    """Check the incremental 节点管控 path against a snapshot's section on the same data: a
    full count, then an incremental one that recounts `teams` into the kept parts: both must
    give `section`. Returns what differs."""
    from db.snapshot.incremental import first_difference, json_round

    core = NodeCore(rules)
    full = core.compute(session, today, courts, None)
    core.state = full.state
    step = core.compute(session, today, courts, teams)
    found = []
    if step.mode != "incremental":
        found.append(f"节点管控增量：未走增量路径（{step.mode}）")
    for label, result in (("节点管控全量", full), ("节点管控增量", step)):
        diff = first_difference(json_round(result.section), json_round(section), "nodes")
        if diff:
            found.append(f"{label}：{diff}")
    return found
