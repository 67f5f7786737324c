"""The court tree (高院 → 中院 → 基层法院): who is above whom, and what a court's 辖区 holds.

Courts are few (a province has about a hundred), so the whole tree is read in one query and walked
in Python. `subtree_ids` is what a user or wall token of a court may see: the court itself and
every court below it; a user of one 中院 never reaches another 中院's courts.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Court

LEVELS = {"high": "高级人民法院", "intermediate": "中级人民法院", "basic": "基层人民法院"}


@dataclass(frozen=True)
class CourtNode:
    id: int
    code: str
    name: str
    short_name: str
    level: str
    parent_id: int | None
    sort_order: int
    children: tuple[int, ...] = field(default=())

    @property
    def label(self) -> str:
        return self.short_name or self.name


def court_tree(session: Session) -> dict[int, CourtNode]:
    """Every court by id, each with its children's ids in 辖区 order (sort_order, id)."""
    rows = session.execute(select(Court.id, Court.code, Court.name, Court.short_name, Court.level,
                                  Court.parent_id, Court.sort_order)
                           .order_by(Court.sort_order, Court.id)).all()
    kids: dict[int, list[int]] = {}
    for r in rows:
        if r.parent_id is not None:
            kids.setdefault(r.parent_id, []).append(r.id)
    return {r.id: CourtNode(r.id, r.code, r.name, r.short_name or "", r.level or "basic", r.parent_id,
                            r.sort_order or 0, tuple(kids.get(r.id, ()))) for r in rows}


def descendants(tree: dict[int, CourtNode], court_id: int) -> list[int]:
    """The court and every court below it, depth first in 辖区 order (a cycle is cut)."""
    out: list[int] = []
    seen: set[int] = set()
    stack = [court_id]
    while stack:
        cid = stack.pop()
        if cid in seen or cid not in tree:
            continue
        seen.add(cid)
        out.append(cid)
        stack.extend(reversed(tree[cid].children))
    return out


def subtree_ids(session: Session, court_id: int) -> frozenset[int]:
    """What a user or wall token of `court_id` may see: it and the courts below it."""
    return frozenset(descendants(court_tree(session), court_id))


def is_top(session: Session, court_id: int) -> bool:
    """Whether the court is the one top of the installation's tree (every other court is below
    it): with two 中院 side by side neither is."""
    return top_of(court_tree(session), court_id)


def top_of(tree: dict[int, CourtNode], court_id: int) -> bool:
    """`is_top` on a tree already read."""
    tops = roots(tree)
    return len(tops) == 1 and tops[0].id == court_id


def ancestors(tree: dict[int, CourtNode], court_id: int) -> list[CourtNode]:
    """The path from the top court down to `court_id` (breadcrumbs: 辖区 → 法院)."""
    path: list[CourtNode] = []
    seen: set[int] = set()
    cid: int | None = court_id
    while cid is not None and cid in tree and cid not in seen:
        seen.add(cid)
        path.append(tree[cid])
        cid = tree[cid].parent_id
    return list(reversed(path))


def roots(tree: dict[int, CourtNode]) -> list[CourtNode]:
    """Courts with no court above them in this installation."""
    return sorted((n for n in tree.values() if n.parent_id is None or n.parent_id not in tree),
                  key=lambda n: (n.sort_order, n.id))


def visible_ids(tree: dict[int, CourtNode], court_id: int | None) -> frozenset[int] | None:
    """The courts visible from `court_id` (None: unrestricted, every court of the installation)."""
    return None if court_id is None else frozenset(descendants(tree, court_id))
