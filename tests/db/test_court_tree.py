"""The court tree and what a court's principal may see (db/org/courts.py, db/auth/access.py)."""
from __future__ import annotations

from db.auth.access import (
    Principal,
    may_see_case,
    may_see_court,
    may_see_officer,
    may_see_team,
    scope_of,
)
from db.org.courts import CourtNode, ancestors, descendants, roots, visible_ids


def _tree() -> dict[int, CourtNode]:
    # 高院 1 → 中院 2 (基层 4, 5), 中院 3 (基层 6)
    spec = {1: (None, "high", (2, 3)), 2: (1, "intermediate", (4, 5)), 3: (1, "intermediate", (6,)),
            4: (2, "basic", ()), 5: (2, "basic", ()), 6: (3, "basic", ())}
    return {cid: CourtNode(cid, f"C{cid}", f"法院{cid}", "", level, parent, 0, kids)
            for cid, (parent, level, kids) in spec.items()}


def test_descendants_and_ancestors() -> None:
    tree = _tree()
    assert descendants(tree, 1) == [1, 2, 4, 5, 3, 6]
    assert descendants(tree, 2) == [2, 4, 5]
    assert descendants(tree, 6) == [6]
    assert [n.id for n in ancestors(tree, 5)] == [1, 2, 5]
    assert [n.id for n in roots(tree)] == [1]
    assert visible_ids(tree, None) is None


def test_a_cycle_in_the_data_does_not_hang() -> None:
    tree = _tree()
    tree[1] = CourtNode(1, "C1", "法院1", "", "high", 6, 0, (2, 3))
    tree[6] = CourtNode(6, "C6", "法院6", "", "basic", 3, 0, (1,))
    assert sorted(descendants(tree, 2)) == [2, 4, 5]
    assert len(ancestors(tree, 5)) <= 6


def _user(role: str, court: int | None, **kw) -> Principal:  # noqa: ANN003
    tree = _tree()
    return Principal(user_id=1, username="u", display_name="u", role=role, court_id=court,
                     court_ids=visible_ids(tree, court), **kw)


def test_an_intermediate_court_user_never_sees_the_other_intermediate_courts() -> None:
    center = _user("center", 2)
    assert scope_of(center).court_ids == frozenset({2, 4, 5})
    assert may_see_court(center, 4) and may_see_court(center, 2)
    assert not may_see_court(center, 3) and not may_see_court(center, 6) and not may_see_court(center, 1)
    assert may_see_team(center, 10, court_id=5)
    assert not may_see_team(center, 11, court_id=6)
    assert not may_see_team(center, 11)  # court unknown: refused, never guessed
    assert may_see_officer(center, 7, 10, court_id=4) and not may_see_officer(center, 7, 10, court_id=3)
    assert may_see_case(center, 10, 7, court_id=4) and not may_see_case(center, 10, 7, court_id=6)


def test_an_unrestricted_user_sees_every_court_and_a_lead_only_the_own_team() -> None:
    admin = _user("admin", None)
    assert may_see_court(admin, 6) and may_see_team(admin, 99)
    lead = _user("lead", 4, team_id=10)
    assert not may_see_court(lead, 4)
    assert may_see_team(lead, 10, court_id=4) and not may_see_team(lead, 12, court_id=4)
