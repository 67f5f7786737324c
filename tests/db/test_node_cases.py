"""The 节点管控 section's per-case parts (db/snapshot/node_cases.py), without a database: after
any sequence of recounts, the parts moved case by case equal the kept cases summed afresh, with
the recounted cases in the dict or written into the arrays, and nothing kept is changed in place."""
from __future__ import annotations

import random

import pytest

from db.nodes.counts import OPEN_MARK, NodeParts
from db.snapshot.node_cases import NO_TEAM, CaseNodes

NODES = ("notice", "term", "disbursement")
STATUSES = ("overdue", "due_soon", "not_due", "done_late", "done_on_time")
TEAMS = (None, 1, 2, 3)


def _codes(rng: random.Random) -> str:
    """A case's codes as the database joins them (counts.case_statuses): in any order."""
    codes = [f"{rng.choice(NODES)}:{rng.choice(STATUSES)}" for _ in range(rng.randint(0, 5))]
    codes += [OPEN_MARK] if rng.random() < 0.6 or not codes else []
    rng.shuffle(codes)
    return ",".join(codes)


def _row(rng: random.Random, case_id: int):
    return case_id, rng.choice(TEAMS), _codes(rng)


def _snapshot(kept: CaseNodes):
    return (list(kept.ids), list(kept.teams), list(kept.parts), dict(kept.recounted))


def _plain(parts: NodeParts):
    return parts.counts, parts.open


@pytest.mark.parametrize("seed_value", range(6))
def test_moved_parts_equal_the_cases_summed_after_any_recounts(seed_value: int) -> None:
    rng = random.Random(seed_value)
    ids = sorted(rng.sample(range(1, 400), 120))
    kept, parts = CaseNodes.counted([_row(rng, i) for i in ids])
    assert _plain(parts) == _plain(kept.summed())
    for _step in range(15):
        # recount some kept cases, some new ones and some that now add nothing
        chosen = rng.sample(range(1, 450), rng.randint(1, 40))
        fresh = {}
        for case_id in chosen:
            if rng.random() < 0.25:
                fresh[case_id] = None
            else:
                _, team, codes = _row(rng, case_id)
                fresh[case_id] = (team, kept.statuses.intern(codes))
        before = _snapshot(kept)
        moved = kept.moved(parts, fresh)
        nxt = kept.updated(fresh)
        assert _snapshot(kept) == before  # the kept parts are left as they were
        assert _plain(moved) == _plain(nxt.summed())
        compact = nxt.compacted()
        assert compact.recounted == {} and list(compact.ids) == sorted(compact.ids)
        assert _plain(compact.summed()) == _plain(moved)
        for case_id in range(1, 450):
            assert compact.get(case_id) == nxt.get(case_id), case_id
        for teams in ({None}, {1, 3}, {2}):
            assert compact.cases_of(teams) == nxt.cases_of(teams)
        kept, parts = (compact if rng.random() < 0.3 else nxt), moved


def test_zero_counts_and_the_open_cases_of_no_team_are_not_kept() -> None:
    """As the counted parts (db/nodes/counts.py node_parts): no zero counts, no team left with
    none, and the open cases of no team are not counted (the section shows none)."""
    kept, parts = CaseNodes.counted([(1, 5, "notice:overdue,*"),
                                     (2, None, "*,notice:overdue,notice:overdue")])
    assert parts.counts == {5: {("notice", "overdue"): 1}, None: {("notice", "overdue"): 2}}
    assert parts.open == {5: 1}
    gone = kept.moved(parts, {1: None, 2: None})
    assert gone.counts == {} and gone.open == {}
    assert kept.teams[1] == NO_TEAM and kept.get(2) == (None, kept.parts[1])


def test_the_same_statuses_in_another_order_are_one() -> None:
    statuses = CaseNodes.counted([])[0].statuses
    first = statuses.intern("notice:overdue,*,term:not_due,notice:overdue")
    assert statuses.intern("*,notice:overdue,notice:overdue,term:not_due") == first
    assert statuses.items[first] == (((("notice", "overdue"), 2), (("term", "not_due"), 1)), True)
    assert statuses.intern("notice:overdue,term:not_due,notice:overdue") != first  # not open
