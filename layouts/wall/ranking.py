"""承办人排名: rank officers on one indicator and say how their rank moved."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Ranked:
    rank: int
    previous: int | None  # rank in the comparison period; None when not ranked then
    result: dict[str, Any]  # the officer's ScopeResult

    @property
    def moved(self) -> int | None:
        """Places gained (+) or lost (−) since the comparison period."""
        return None if self.previous is None else self.previous - self.rank


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _ranks(results: list[dict[str, Any]], key: str, field: str) -> dict[int, int]:
    """Competition ranks (1, 2, 2, 4) by `field` of indicator `key`, highest first."""
    scored = []
    for index, result in enumerate(results):
        cell = (result.get("indicators") or {}).get(key) or {}
        value = _number(cell.get(field))
        if value is not None:
            scored.append((value, index))
    scored.sort(key=lambda item: -item[0])
    ranks: dict[int, int] = {}
    for position, (value, index) in enumerate(scored):
        same = position and scored[position - 1][0] == value
        ranks[index] = ranks[scored[position - 1][1]] if same else position + 1
    return ranks


def rank_officers(officers: list[dict[str, Any]], key: str) -> list[Ranked]:
    """Officers ranked on `key` now, with their rank on the comparison values."""
    now = _ranks(officers, key, "value")
    before = _ranks(officers, key, "compare_value")
    order = sorted(now, key=lambda index: (now[index], officers[index].get("name") or ""))
    return [Ranked(now[i], before.get(i), officers[i]) for i in order]


def movement(ranked: Ranked) -> tuple[str, str, str]:
    """(symbol, words, css) of a rank change, e.g. ('▲', '升2位', 'up')."""
    moved = ranked.moved
    if moved is None:
        return "☆", "新进", "new"
    if moved > 0:
        return "▲", f"升{moved}位", "up"
    if moved < 0:
        return "▼", f"降{-moved}位", "down"
    return "＝", "持平", "flat"
