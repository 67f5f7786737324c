"""辖区法院排名 (/region, and the CLI's `rank-courts`): the courts of a 辖区 ranked on one indicator.

The figures are compute()'s court scope (each court's own cases: `cases.court_id`), with the same
comparison period, change and target/threshold status as the team grid of /analysis (the engine
gives each entity's status; `views.scope_row` makes the grid cells). The ranking follows the
indicator's direction (lower is better for 平均用时, 未结数 …) and says how each court's place
moved against the comparison period.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Case
from db.org.courts import CourtNode

OWN_LABEL = "本院"


@dataclass(frozen=True)
class RegionCourt:
    """One row of a 辖区: a child court, or the 辖区's own court labelled 本院."""

    node: CourtNode
    label: str


def has_own_cases(session: Session, court_id: int) -> bool:
    return session.scalar(select(Case.id).where(Case.court_id == court_id).limit(1)) is not None


def region_courts(tree: Mapping[int, CourtNode], court_id: int, own: bool) -> list[RegionCourt]:
    """The rows of `court_id`'s 辖区: the court itself as 本院 when it has its own cases (`own`),
    then its child courts in 辖区 order."""
    node = tree[court_id]
    rows = [RegionCourt(node, f"{node.label}（{OWN_LABEL}）")] if own else []
    return rows + [RegionCourt(tree[c], tree[c].label) for c in node.children if c in tree]


def _number(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def ranks(results: Sequence[Mapping[str, Any]], key: str, field: str,
          direction: str) -> dict[int, int]:
    """Competition ranks (1, 2, 2, 4) of the results by `field` of indicator `key`, best first:
    lowest first when the indicator's direction is "lower", else highest first. Results without
    a value get no rank."""
    scored = []
    for index, result in enumerate(results):
        value = _number(((result.get("indicators") or {}).get(key) or {}).get(field))
        if value is not None:
            scored.append((value if direction == "lower" else -value, index))
    scored.sort(key=lambda item: item[0])
    out: dict[int, int] = {}
    for position, (value, index) in enumerate(scored):
        same = position > 0 and scored[position - 1][0] == value
        out[index] = out[scored[position - 1][1]] if same else position + 1
    return out


def movement(now: int | None, before: int | None) -> str:
    """How a place moved against the comparison period: 升2位, 降1位, 持平, 新进 or —."""
    if now is None:
        return "—"
    if before is None:
        return "新进"
    if before > now:
        return f"▲ 升{before - now}位"
    if before < now:
        return f"▼ 降{now - before}位"
    return "＝ 持平"


@dataclass(frozen=True)
class Ranked:
    rank: int | None  # None: no value in the period (listed last)
    previous: int | None
    result: Mapping[str, Any]

    @property
    def move(self) -> str:
        return movement(self.rank, self.previous)


def rank_results(results: Sequence[Mapping[str, Any]], key: str, direction: str) -> list[Ranked]:
    """The results in rank order on `key` (unranked last, in their given order), each with its
    rank on the comparison values."""
    now = ranks(results, key, "value", direction)
    before = ranks(results, key, "compare_value", direction)
    order = sorted(range(len(results)), key=lambda i: (now.get(i) is None, now.get(i) or 0, i))
    return [Ranked(now.get(i), before.get(i), results[i]) for i in order]
