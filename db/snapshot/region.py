"""The snapshot's 辖区 part: every court below the configured one, ranked, with its teams.

When the configured court (COURT_CODE, `builder.pick_court`) has courts below it (a 中院 and its
基层法院), the snapshot body gets a "region" key. Its figures come from the very pass that makes
the court's own views (`compute_all` on a full build, the kept groups of the incremental core):
that pass already derives every court and every team of the database, so the 辖区's rows are
picked from it, with the same year-on-year comparison and target status as the team rows, and
are exact on an incremental build for the same reason the court's own figures are (the change
log names the teams of every court). A single-court installation gets no "region" key at all.

    "region": {"court_id": 中院 id, "rank_key": "closure_rate",
               "courts": [{id, code, name, short_name, level, parent_id, depth, teams: [ids]}],
               "views": {"ytd"/"mtd": {"courts": [ScopeResult], "teams": [ScopeResult],
                                       "ranking": [{id, rank, previous}]}}}

May import what db.snapshot may (the package docstring of db/snapshot/__init__.py).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.indicators.entities import CENTER_KIND
from db.indicators.registry import REGISTRY
from db.models import Court, Team
from db.org.courts import court_tree, descendants

RANK_KEY = "closure_rate"  # 结案率: the courts' order on the wall and the start page
VIEW_KEY = "region"  # where a period view carries its 辖区 rows until the builder moves them


@dataclass(frozen=True)
class Region:
    """The configured court's 辖区: its courts (it first, then depth first in 辖区 order) and
    each court's case-handling teams in display order (not the 执行指挥中心)."""

    court_id: int
    courts: list[dict[str, Any]]
    teams: dict[int, list[int]] = field(default_factory=dict)

    @property
    def court_ids(self) -> list[int]:
        return [c["id"] for c in self.courts]

    @property
    def team_ids(self) -> list[int]:
        return [t for c in self.courts for t in self.teams.get(c["id"], [])]


def load_region(session: Session, court: Court) -> Region | None:
    """The 辖区 of `court`, or None when no court is below it (a single-court installation)."""
    tree = court_tree(session)
    ids = descendants(tree, court.id)
    if len(ids) < 2:
        return None
    depth = {court.id: 0}
    for cid in ids[1:]:
        parent = tree[cid].parent_id
        depth[cid] = depth.get(parent, 0) + 1 if parent is not None else 1
    rows = session.execute(
        select(Team.court_id, Team.id)
        .where(Team.court_id.in_(ids), Team.active.is_(True), Team.kind != CENTER_KIND)
        .order_by(Team.sort_order, Team.id)).all()
    teams: dict[int, list[int]] = {}
    for court_id, team_id in rows:
        teams.setdefault(court_id, []).append(team_id)
    courts = [{"id": n.id, "code": n.code, "name": n.name, "short_name": n.label,
               "level": n.level, "parent_id": n.parent_id, "depth": depth[cid],
               "teams": teams.get(cid, [])}
              for cid in ids for n in (tree[cid],)]
    return Region(court.id, courts, teams)


def _pick(results: Sequence[Mapping[str, Any]], ids: Sequence[int]) -> list[Any]:
    by_id = {r["id"]: r for r in results}
    return [by_id[i] for i in ids if i in by_id]


def region_rows(every: Mapping[str, Any], region: Region) -> dict[str, Any]:
    """The 辖区's court and team rows of one period, picked from a compute_all answer."""
    return {"courts": _pick(every.get("court", []), region.court_ids),
            "teams": _pick(every.get("team", []), region.team_ids)}


def _number(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _ranks(rows: Sequence[Mapping[str, Any]], key: str, field_name: str,
           higher: bool) -> dict[Any, int]:
    """Competition ranks (1, 2, 2, 4) of the rows by one field of indicator `key`; rows
    without a number are not ranked."""
    scored = []
    for row in rows:
        value = _number(((row.get("indicators") or {}).get(key) or {}).get(field_name))
        if value is not None:
            scored.append((-value if higher else value, row["id"]))
    scored.sort(key=lambda item: item[0])
    ranks: dict[Any, int] = {}
    for position, (value, entity) in enumerate(scored):
        same = position and scored[position - 1][0] == value
        ranks[entity] = ranks[scored[position - 1][1]] if same else position + 1
    return ranks


def ranking(rows: Sequence[Mapping[str, Any]], key: str = RANK_KEY) -> list[dict[str, Any]]:
    """The courts ranked on `key` (better first, by the registry's direction), each with its
    rank on the comparison values; unranked courts (no figure) last, in 辖区 order."""
    known = REGISTRY.get(key)
    higher = known is None or known.direction != "lower"
    now = _ranks(rows, key, "value", higher)
    before = _ranks(rows, key, "compare_value", higher)
    order = {r["id"]: i for i, r in enumerate(rows)}
    ids = sorted(order, key=lambda i: (now.get(i, len(rows) + 1), order[i]))
    return [{"id": i, "rank": now.get(i), "previous": before.get(i)} for i in ids]


def split_views(views: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Take the 辖区 rows out of the period views (where the indicator pass left them):
    (the views as the snapshot stores them, {period: rows})."""
    rows: dict[str, Any] = {}
    out: dict[str, Any] = {}
    for name, view in views.items():
        if isinstance(view, dict) and VIEW_KEY in view:
            view = dict(view)
            rows[name] = view.pop(VIEW_KEY)
        out[name] = view
    return out, rows


def region_part(region: Region, rows: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The snapshot's "region" value from the 辖区 rows of each period."""
    return {"court_id": region.court_id, "rank_key": RANK_KEY, "courts": region.courts,
            "views": {name: {**found, "ranking": ranking(found.get("courts") or [])}
                      for name, found in rows.items()}}
