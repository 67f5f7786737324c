"""The 节点管控 section's parts case by case: what each case added, so a changed case is recounted alone.

The section's node figures (db/nodes/counts.py `NodeParts`) are sums over cases: a case's node
rows by (node, status) under its current team, and whether it is open. `CaseNodes` keeps each
counted case's part (`case_statuses`) from the full count: the case ids sorted in an
`array('q')`, its team and an interned statuses id in two arrays beside them (about 20 bytes a
case: 60 MB for the 3,000,000 open and recently closed cases of 10,000,000), and the cases
recounted since in a small dict over them. A recount of some cases subtracts what each of them
added before and adds what it adds now (`moved`); a case gone from the count (closed before the
window, deleted, moved to another court) adds nothing.

Nothing here is changed in place: a build that fails leaves the kept parts as they were (the
arrays are shared, the dict copied). The statuses interned are shared too (only ever added to).
May import what db.snapshot may (the package docstring of db/snapshot/__init__.py).
"""
from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from db.nodes.counts import CaseStatuses, NodeParts, parse_codes

NO_TEAM = -1  # the team column's value for a case of no team (team ids are positive)
# recounted cases kept in the dict before the arrays are rewritten with them (`updated`)
COMPACT_AT = 50_000

Part = tuple[int | None, int]  # a case's team and its interned statuses


@dataclass
class Statuses:
    """Interned `CaseStatuses` with the open flag: many cases share a few thousand of them,
    looked up by the codes the database joined (a string hashes once; the same statuses may
    come as several strings, in another order)."""

    ids: dict[tuple[CaseStatuses, bool], int] = field(default_factory=dict)
    items: list[tuple[CaseStatuses, bool]] = field(default_factory=list)
    by_codes: dict[str, int] = field(default_factory=dict)

    def intern(self, codes: str) -> int:
        found = self.by_codes.get(codes)
        if found is None:
            key = parse_codes(codes)
            found = self.ids.get(key)
            if found is None:
                found = self.ids[key] = len(self.items)
                self.items.append(key)
            self.by_codes[codes] = found
        return found


@dataclass
class CaseNodes:
    """Each counted case's part of the section (see the module doc)."""

    statuses: Statuses
    ids: array = field(default_factory=lambda: array("q"))  # sorted case ids
    teams: array = field(default_factory=lambda: array("q"))  # their teams (NO_TEAM: none)
    parts: array = field(default_factory=lambda: array("l"))  # their interned statuses
    recounted: dict[int, Part | None] = field(default_factory=dict)  # since the arrays; None: gone

    @classmethod
    def counted(cls, rows: Iterable[tuple[int, int | None, str]],
                statuses: Statuses | None = None) -> tuple[CaseNodes, NodeParts]:
        """From `case_statuses` rows (in case id order): the kept cases and their parts summed."""
        kept = cls(statuses or Statuses())
        by: dict[Part, int] = {}
        for case_id, team, codes in rows:
            index = kept.statuses.intern(codes)
            kept.ids.append(case_id)
            kept.teams.append(_code(team))
            kept.parts.append(index)
            by[team, index] = by.get((team, index), 0) + 1
        return kept, kept._parts_of(by)

    def get(self, case_id: int) -> Part | None:
        """The case's kept part (None: it added nothing)."""
        if case_id in self.recounted:
            return self.recounted[case_id]
        i = bisect_left(self.ids, case_id)
        if i < len(self.ids) and self.ids[i] == case_id:
            return _team(self.teams[i]), self.parts[i]
        return None

    def cases_of(self, teams: Collection[int | None]) -> set[int]:
        """The kept cases of these teams (None: of no team)."""
        wanted = {_code(t) for t in teams}
        found = {self.ids[i] for i, team in enumerate(self.teams) if team in wanted}
        for case_id, part in self.recounted.items():
            if part is not None and _code(part[0]) in wanted:
                found.add(case_id)
            else:
                found.discard(case_id)
        return found

    def moved(self, parts: NodeParts, fresh: Mapping[int, Part | None]) -> NodeParts:
        """`parts` with each case of `fresh` counted anew: what it added before taken out, its
        fresh part (None: nothing) put in; counts that fall to zero are dropped (as a count)."""
        counts = {team: dict(c) for team, c in parts.counts.items()}
        opened = dict(parts.open)
        for case_id, part in fresh.items():
            for found, sign in ((self.get(case_id), -1), (part, 1)):
                if found is not None:
                    self._add(counts, opened, found, sign)
        return _pruned(counts, opened)

    def updated(self, fresh: Mapping[int, Part | None]) -> CaseNodes:
        """These parts with `fresh`'s replacing theirs (a new object; the arrays shared until
        the recounted cases reach COMPACT_AT, then rewritten with them)."""
        recounted = {**self.recounted, **fresh}
        kept = CaseNodes(self.statuses, self.ids, self.teams, self.parts, recounted)
        return kept.compacted() if len(recounted) >= COMPACT_AT else kept

    def compacted(self) -> CaseNodes:
        """The same parts with the recounted cases written into new arrays."""
        out = CaseNodes(self.statuses)
        extra = sorted(self.recounted.items())
        j = 0
        for i, case_id in enumerate(self.ids):
            while j < len(extra) and extra[j][0] < case_id:
                out._append(*extra[j])
                j += 1
            if j < len(extra) and extra[j][0] == case_id:
                out._append(*extra[j])
                j += 1
            else:
                out.ids.append(case_id)
                out.teams.append(self.teams[i])
                out.parts.append(self.parts[i])
        for case_id, part in extra[j:]:
            out._append(case_id, part)
        return out

    def _append(self, case_id: int, part: Part | None) -> None:
        if part is None:
            return
        self.ids.append(case_id)
        self.teams.append(_code(part[0]))
        self.parts.append(part[1])

    def summed(self) -> NodeParts:
        """The section's parts: every kept case's summed."""
        by: dict[Part, int] = {}
        for i in range(len(self.ids)):
            case_id = self.ids[i]
            if case_id in self.recounted:
                continue
            key = _team(self.teams[i]), self.parts[i]
            by[key] = by.get(key, 0) + 1
        for part in self.recounted.values():
            if part is not None:
                by[part] = by.get(part, 0) + 1
        return self._parts_of(by)

    def _parts_of(self, by: Mapping[Part, int]) -> NodeParts:
        """NodeParts from the number of cases of each (team, statuses)."""
        counts: dict[int | None, dict[tuple[str, str], int]] = {}
        opened: dict[int | None, int] = {}
        for part, n in by.items():
            self._add(counts, opened, part, n)
        return _pruned(counts, opened)

    def _add(self, counts: dict[int | None, dict[tuple[str, str], int]],
             opened: dict[int | None, int], part: Part, n: int) -> None:
        """`n` cases of this part into the counts (negative: out of them)."""
        team, index = part
        counted, is_open = self.statuses.items[index]
        mine = counts.setdefault(team, {})
        for key, k in counted:
            mine[key] = mine.get(key, 0) + k * n
        if is_open and team is not None:
            opened[team] = opened.get(team, 0) + n


def _code(team: int | None) -> int:
    """A team as the team array holds it."""
    return NO_TEAM if team is None else team


def _team(code: int) -> int | None:
    """The team array's value as a team (None: no team)."""
    return None if code == NO_TEAM else code


def _pruned(counts: dict[int | None, dict[tuple[str, str], int]],
            opened: dict[int | None, int]) -> NodeParts:
    """As counted (db/nodes/counts.py node_parts): no zero count, no team without one."""
    return NodeParts(
        {t: kept for t, c in counts.items() if (kept := {k: n for k, n in c.items() if n})},
        {t: n for t, n in opened.items() if n})
