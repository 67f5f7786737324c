"""The snapshot's 节点管控 section, recounted only for the cases (or teams) that changed.

The section (db/nodes/counts.py `node_summary`) counts the node statuses of every open case
and every case closed in the last year, one SELECT per rule: at a province's scale most of a
build. Its node figures are sums of per-case parts (db/snapshot/node_cases.py), each depending
only on its case's rows and on `today`. `NodeCore` keeps the parts of the last snapshot, case by
case; an incremental build recounts

- the cases the change log names (`changes.Pending.node_cases`: every changed case, and the
  case of every changed event and payment, migrations 0018 and 0019; a pause or an extension
  rewrites its case's row), when they are at most CASE_RECOUNT_MAX: mode "cases";
- else the teams it names (`changes.node_teams`: old and new holders of changed cases, the
  current team of each case named; read only on this path): mode "incremental";

and moves each recounted case's part from what it added before to what it adds now. 督办 and
案款 ageing are read again every build (few rows). Another day, other rules, other courts, a kept
state of another snapshot version or none at all: a full count, case by case.
May import what db.snapshot may (the package docstring of db/snapshot/__init__.py).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from db.nodes.counts import NodeParts, case_statuses, summary_from_parts
from db.snapshot.node_cases import CaseNodes, Part

# Above this many changed cases their teams are recounted instead: a team's cases in one read
# costs less than its cases looked up one by one (docs/operations.md#incremental).
CASE_RECOUNT_MAX = 20_000
CASE_CHUNK = 2_000  # case ids in one recount's IN list (written into the SQL: a bounded statement)


@dataclass
class NodeState:
    key: tuple[Any, ...]  # (today, rules digest, courts)
    parts: NodeParts
    cases: CaseNodes  # each counted case's part of `parts`
    version: int | None = None  # the snapshot version they were published with


@dataclass
class NodeResult:
    section: dict[str, Any]
    state: NodeState
    mode: str  # "full", "cases" or "incremental" (teams)
    teams: frozenset[int | None] = frozenset()  # the teams recounted ("incremental")
    recounted: int = 0  # the cases recounted ("cases", "incremental")


@dataclass
class NodeCore:
    """Builds the "nodes" section from kept per-case parts (see the module doc)."""

    rules: Any  # db.nodes.rules.RuleSet
    state: NodeState | None = field(default=None)

    def compute(self, session: Session, today: dt.date, courts: tuple[int, ...],
                changed: Collection[int | None] | Callable[[], Collection[int | None]] | None,
                version: int | None = None,
                cases: Collection[int] | None = None) -> NodeResult:
        """The section; incremental when `changed` (teams, or what reads them when called) is
        given and the kept parts are of the same day, rules and courts at snapshot `version`:
        the changed `cases` recounted when given and few enough, else the `changed` teams'
        cases; else a full count."""
        key = (today.isoformat(), self.rules.digest(), tuple(courts))
        kept = self.state
        teams: frozenset[int | None] = frozenset()
        if (changed is not None and kept is not None and kept.key == key
                and (version is None or kept.version == version)):
            fresh: dict[int, Part | None]
            if cases is not None and len(cases) <= CASE_RECOUNT_MAX:
                fresh = dict.fromkeys(cases)
                for chunk in _chunks(sorted(cases), CASE_CHUNK):
                    fresh.update(self._parts(kept.cases, session, today, courts, cases=chunk))
                mode = "cases"
            else:
                teams = frozenset(changed() if callable(changed) else changed)
                fresh = dict.fromkeys(kept.cases.cases_of(teams))
                fresh.update(self._parts(kept.cases, session, today, courts, teams=teams))
                mode = "incremental"
            parts, store = kept.cases.moved(kept.parts, fresh), kept.cases.updated(fresh)
            recounted = len(fresh)
        else:
            store, parts = CaseNodes.counted(case_statuses(session, today, self.rules,
                                                           courts=courts))
            mode, recounted = "full", 0
        section = summary_from_parts(session, today, self.rules, parts, courts=courts)
        return NodeResult(section, NodeState(key, parts, store), mode, teams, recounted)

    def _parts(self, kept: CaseNodes, session: Session, today: dt.date, courts: tuple[int, ...],
               **narrowing: Any) -> dict[int, Part | None]:
        """The narrowed cases' fresh parts (their statuses interned in the kept table)."""
        return {case_id: (team, kept.statuses.intern(codes)) for case_id, team, codes
                in case_statuses(session, today, self.rules, courts=courts, **narrowing)}


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def node_differences(session: Session, rules: Any, courts: tuple[int, ...], today: dt.date,
                     section: Any, teams: Collection[int | None], sample: int = 200) -> list[str]:
    """Check the incremental 节点管控 paths against a snapshot's section on the same data: a
    full count; then, each from its kept parts, a recount of `teams` and one of up to `sample`
    of their cases: all three must give `section`. Returns what differs."""
    from db.snapshot.incremental import first_difference, json_round

    core = NodeCore(rules)
    full = core.compute(session, today, courts, None)
    cases = sorted(full.state.cases.cases_of(teams))[:sample]
    found = []
    results = [("节点管控全量", "full", full)]
    for label, mode, narrowing in (("节点管控增量", "incremental", None),
                                   ("节点管控按案件增量", "cases", cases)):
        core.state = full.state
        step = core.compute(session, today, courts, teams, cases=narrowing)
        if step.mode != mode:
            found.append(f"{label}：未走该路径（{step.mode}）")
        results.append((label, mode, step))
    for label, _mode, result in results:
        diff = first_difference(json_round(result.section), json_round(section), "nodes")
        if diff:
            found.append(f"{label}：{diff}")
    return found
