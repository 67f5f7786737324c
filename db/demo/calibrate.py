"""Calibrate the court-level golden figures by moving dates of 繁案-team cases only.

Rules (docs/data-model.md, 统计口径): 受理 = filed <= end AND (open OR closed >= start); 结案 = closed in
[start, end]; court scope = 首执 + 执恢; 首执 average days over 首执 closed in the period.
"""
from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction

from db.demo.days import random_day
from db.demo.drafts import CaseDraft
from db.demo.org import COMPLEX

COURT = ("first", "resumed")
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date
    spill_end: dt.date  # closings moved out of the window land in (end, spill_end]
    rate: tuple[Fraction, Fraction]  # 结案/受理 in [lo, hi)
    mean: tuple[Fraction, Fraction]  # 首执 average days in [lo, hi)


W2021 = Window(dt.date(2021, 1, 1), dt.date(2021, 9, 30), dt.date(2021, 12, 31),
               (Fraction(4972, 10000), Fraction(4973, 10000)), (Fraction(13591, 100), Fraction(13592, 100)))
W2022 = Window(dt.date(2022, 1, 1), dt.date(2022, 9, 30), dt.date(2022, 12, 31),
               (Fraction(8121, 10000), Fraction(8122, 10000)), (Fraction(8365, 100), Fraction(8366, 100)))


def court_counts(drafts: Iterable[CaseDraft], w: Window) -> tuple[int, int]:
    """(受理, 结案) of the court scope in the window."""
    accepted = closed = 0
    for d in drafts:
        if d.category not in COURT or d.filed > w.end:
            continue
        if d.closed is None or d.closed >= w.start:
            accepted += 1
            closed += d.closed is not None and d.closed <= w.end
    return accepted, closed


def first_days(drafts: Iterable[CaseDraft], w: Window) -> tuple[int, int]:
    """(首执 closed in the window, their total days)."""
    hits = [d.days for d in drafts if d.category == "first" and d.closed
            and w.start <= d.closed <= w.end]
    return len(hits), sum(hits)


def _pool(drafts: list[CaseDraft]) -> list[CaseDraft]:
    return [d for d in drafts if d.team in COMPLEX and not d.fixed and d.category in COURT]


def _in_range(value: Fraction, bounds: tuple[Fraction, Fraction]) -> bool:
    return bounds[0] <= value < bounds[1]


def pick_target(accepted: int, closed: int, w: Window) -> tuple[int, int]:
    """The nearest (受理, 结案) whose ratio lies in the window's range."""
    best: tuple[int, int, int] | None = None
    for dn in range(-300, 301):
        n = accepted + dn
        k = math.ceil(w.rate[0] * n)
        if n > 0 and _in_range(Fraction(k, n), w.rate):
            cost = abs(dn) + abs(k - closed)
            if best is None or cost < best[0]:
                best = (cost, n, k)
    if best is None:
        raise RuntimeError("演示数据校准失败：找不到满足结案率的受理数")
    return best[1], best[2]


def calibrate_rate(drafts: list[CaseDraft], w: Window, rng: random.Random, today: dt.date) -> None:
    """Move closings/filings of 繁案 cases until 结案/受理 is in range."""
    accepted, closed = court_counts(drafts, w)
    n, k = pick_target(accepted, closed, w)
    pool = _pool(drafts)
    rng.shuffle(pool)
    spill_end = min(w.spill_end, today)
    _apply(pool, n - accepted,
           [lambda d: _add_accepted(d, w, rng), lambda d: _reopen(d, w, rng, spill_end)],
           [lambda d: _drop_accepted(d, w, rng, today), lambda d: _close_before(d, w, rng)])
    # Prefer moves that also pull the average days toward the target: the longest
    # closings leave the window first, the newest cases enter it first.
    if k > closed:
        pool.sort(key=lambda d: d.filed, reverse=True)
    else:
        pool.sort(key=lambda d: d.days, reverse=True)
    _apply(pool, k - closed, [lambda d: _close_earlier(d, w, rng)],
           [lambda d: _close_later(d, w, rng, spill_end)])
    if court_counts(drafts, w) != (n, k):
        raise RuntimeError(f"演示数据校准失败：{w.start}～{w.end} 受理/结案 {court_counts(drafts, w)}")


Move = Callable[[CaseDraft], bool]


def _apply(pool: list[CaseDraft], delta: int, ups: list[Move], downs: list[Move]) -> None:
    """Apply up/down moves (preferred kinds first) to `delta` cases of the pool."""
    left = abs(delta)
    for op in ups if delta > 0 else downs:
        for draft in pool:
            if left == 0:
                return
            left -= op(draft)
    if left:
        raise RuntimeError(f"演示数据校准失败：还差 {left} 件可调整的繁案案件")


def _add_accepted(d: CaseDraft, w: Window, rng: random.Random) -> bool:
    """Refile a case filed just after the window on one of its last days."""
    if not w.end < d.filed <= w.end + 31 * DAY:
        return False
    d.filed = random_day(rng, w.end - 9 * DAY, w.end)
    return True


def _drop_accepted(d: CaseDraft, w: Window, rng: random.Random, today: dt.date) -> bool:
    """Refile a case filed at the end of the window (and not closed soon) a little later."""
    if not w.end - 29 * DAY <= d.filed <= w.end:
        return False
    gap = (d.min_close() - d.filed)
    latest = min(w.end + 30 * DAY, (d.closed - gap) if d.closed else today)
    if latest < w.end + 8 * DAY:
        return False
    d.filed = random_day(rng, w.end + 8 * DAY, latest)
    return True


def _reopen(d: CaseDraft, w: Window, rng: random.Random, spill_end: dt.date) -> bool:
    """A case closed in the quarter before the window stays open into it instead."""
    if d.closed is None or d.filed >= w.start or not w.start - 92 * DAY <= d.closed < w.start:
        return False
    if spill_end > w.end:
        d.closed = random_day(rng, w.end + DAY, spill_end)
    else:
        d.closed, d.method, d.recovered = None, None, 0
    return True


def _close_before(d: CaseDraft, w: Window, rng: random.Random) -> bool:
    """An old case still open at the window's start is closed in the quarter before it."""
    if d.filed >= w.start - 7 * DAY or (d.closed is not None and d.closed <= w.end):
        return False
    before = (d.method, d.recovered)
    _ensure_method(d)
    low = max(d.min_close(), w.start - 85 * DAY)
    if low >= w.start:
        d.method, d.recovered = before
        return False
    d.closed = random_day(rng, low, w.start - DAY)
    return True


def _ensure_method(d: CaseDraft) -> None:
    """Give a case that was open a closing method (paid in full)."""
    if d.method is None:
        d.method, d.recovered = "completed", d.target


def _close_later(d: CaseDraft, w: Window, rng: random.Random, spill_end: dt.date) -> bool:
    """Move a closing out of the window into the weeks after it."""
    if d.closed is None or not w.start <= d.closed <= w.end or spill_end <= w.end:
        return False
    d.closed = random_day(rng, w.end + DAY, spill_end)
    return True


def _close_earlier(d: CaseDraft, w: Window, rng: random.Random) -> bool:
    """Move a closing from after the window into its last months."""
    if (d.closed is not None and d.closed <= w.end) or d.filed > w.end:
        return False
    before = (d.method, d.recovered)
    _ensure_method(d)
    low = max(d.min_close(), w.start, w.end - 75 * DAY)
    if low > w.end:
        d.method, d.recovered = before
        return False
    d.closed = random_day(rng, low, w.end)
    return True


def calibrate_days(drafts: list[CaseDraft], w: Window, rng: random.Random) -> None:
    """Shift 繁案 首执 closings inside the window until the average days is in range."""
    count, total = first_days(drafts, w)
    goal = math.ceil(w.mean[0] * count)
    if not _in_range(Fraction(goal, count), w.mean):
        raise RuntimeError("演示数据校准失败：首执案件数太少")
    movable = [d for d in _pool(drafts) if d.category == "first" and d.closed
               and w.start <= d.closed <= w.end]
    rng.shuffle(movable)
    left = goal - total
    step_cap = abs(left) // max(1, len(movable)) + 2
    while left:
        progress = False
        for d in movable:
            assert d.closed is not None  # movable holds closed drafts only
            low, high = max(d.min_close(), w.start), w.end
            if left > 0:
                step = min(step_cap, left, (high - d.closed).days)
            else:
                step = max(-step_cap, left, (low - d.closed).days)
            if step:
                d.closed += dt.timedelta(days=step)
                left -= step
                progress = True
            if not left:
                break
        if not progress:
            raise RuntimeError(f"演示数据校准失败：平均用时还差 {left} 天")


def calibrate(drafts: list[CaseDraft], rng: random.Random, today: dt.date) -> None:
    """Hit the four court-level golden figures exactly (order matters, see module doc)."""
    for w in (W2021, W2022):
        calibrate_rate(drafts, w, rng, today)
    for w in (W2021, W2022):
        calibrate_days(drafts, w, rng)
