"""The 简案团队 and 保全团队 cases filed 2021-10-01..2022-09-30, built to the published counts."""
from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from fractions import Fraction

from db.demo import names
from db.demo.days import random_day
from db.demo.drafts import (
    P1_END,
    P1_START,
    PRESERVATION_OUTCOME,
    SIMPLE_OUTCOME,
    CaseDraft,
    Outcome,
    draw_outcome,
    recovered_cents,
    target_cents,
)
from db.demo.org import COMPLEX, OrgPlan

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class WindowSpec:
    accepted: int
    closed: int
    # closing method -> how many of the closed cases
    methods: dict[str, int]
    mean: tuple[Fraction, Fraction]  # average days in [lo, hi)


SIMPLE_SPEC = WindowSpec(
    810, 707,
    {"completed": 210, "settled": 38, "terminated_this_round": 150, "terminated": 45,
     "withdrawn": 230, "not_enforced": 14, "rejected": 20},
    (Fraction(42), Fraction(85, 2)),
)
PRESERVATION_SPEC = WindowSpec(216, 214, {"preservation_done": 214}, (Fraction(10), Fraction(21, 2)))
RESUMED_SHARE = 0.11

# 2,690 元: two Tibetan co-workers, a fight over unpaid wages (source article).
# The published case (2022)内0221执2690号: filed, closed, amount in cents, cause.
CASE_2690_FILED, CASE_2690_CLOSED = dt.date(2022, 8, 9), dt.date(2022, 9, 15)
CASE_2690_CENTS, CASE_2690_CAUSE = 269_000, "生命权、身体权、健康权纠纷"
TIBETAN_PARTIES = (
    {"role": "applicant", "kind": "natural", "name": "扎西多吉", "id_number": "542121199203150419"},
    {"role": "respondent", "kind": "natural", "name": "次仁旺堆", "id_number": "54212219901102035X"},
)


def simple_window(rng: random.Random, org: OrgPlan, today: dt.date) -> list[CaseDraft]:
    """810 cases filed in the window, 707 closed in it (248 执行完毕), average days 42."""
    spec = SIMPLE_SPEC
    cases = [_blank(rng, org, "simple", "first" if rng.random() > RESUMED_SHARE else "resumed")
             for _ in range(spec.accepted - 1)]
    cases.append(_case_2690(org, rng))
    open_ones = _choose_open(rng, cases, spec.accepted - spec.closed, late_share=0.7)
    closed = [c for c in cases if c not in open_ones]
    _assign_methods(rng, closed, spec.methods)
    for group in ("first", "resumed"):
        _fit_days(rng, [c for c in closed if c.category == group], spec.mean)
    for case in open_ones:
        _close_after_window(rng, case, SIMPLE_OUTCOME, today)
    for case in cases:
        _finish(rng, org, case)
    return cases


def preservation_window(rng: random.Random, org: OrgPlan, today: dt.date) -> list[CaseDraft]:
    """216 执保 cases filed in the window, 214 closed 保全完毕 in it, average days 10."""
    spec = PRESERVATION_SPEC
    cases = [_blank(rng, org, "preservation", "preservation") for _ in range(spec.accepted)]
    late = sorted(cases, key=lambda c: c.filed)[-(spec.accepted - spec.closed):]
    for case in late:
        case.filed = random_day(rng, P1_END - 9 * DAY, P1_END - 2 * DAY)
    closed = [c for c in cases if c not in late]
    _assign_methods(rng, closed, spec.methods)
    _fit_days(rng, closed, spec.mean)
    for case in late:
        case.method = "preservation_done"
        case.closed = min(P1_END + rng.randint(3, 12) * DAY, today) if today > P1_END else None
        case.method = case.method if case.closed else None
    for case in cases:
        _finish(rng, org, case)
    return cases


def _blank(rng: random.Random, org: OrgPlan, team: str, category: str) -> CaseDraft:
    filed = random_day(rng, P1_START, P1_END)
    return CaseDraft(
        category=category, type_code={"first": "执", "resumed": "执恢"}.get(category, "执保"),
        filed=filed, closed=None, method=None, team=team, officer=rng.choice(org.judges(team)),
        track="simple", target=target_cents(rng, category) // (2 if team == "simple" else 1),
        recovered=0, cause=names.cause(rng), fixed=True, tag=f"{team}_window",
    )


def _case_2690(org: OrgPlan, rng: random.Random) -> CaseDraft:
    return CaseDraft(
        category="first", type_code="执", filed=CASE_2690_FILED, closed=CASE_2690_CLOSED,
        method="completed", team="simple", officer=org.judges("simple")[0], track="simple",
        target=CASE_2690_CENTS, recovered=CASE_2690_CENTS, cause=CASE_2690_CAUSE,
        fixed=True, tag="case2690", parties=[dict(p) for p in TIBETAN_PARTIES],
    )


def _choose_open(rng: random.Random, cases: list[CaseDraft], count: int,
                 late_share: float) -> list[CaseDraft]:
    """Pick the cases still open at the window's end, mostly recent filings."""
    pool = [c for c in cases if c.tag != "case2690"]
    late = [c for c in pool if c.filed >= P1_END - 45 * DAY]
    n_late = min(len(late), int(count * late_share))
    chosen = rng.sample(late, n_late)
    rest = [c for c in pool if c not in chosen]
    return chosen + rng.sample(rest, count - n_late)


def _assign_methods(rng: random.Random, closed: list[CaseDraft], methods: dict[str, int]) -> None:
    """Give exactly methods[m] cases method m; 终本 only where three months fit in the window."""
    fixed = [c for c in closed if c.method]
    todo = [c for c in closed if not c.method]
    counts = dict(methods)
    for c in fixed:
        assert c.method is not None
        counts[c.method] -= 1
    slow = counts.pop("terminated_this_round", 0)
    eligible = [c for c in todo if c.filed <= P1_END - 120 * DAY]
    for case in rng.sample(eligible, slow):
        case.method = "terminated_this_round"
    rest = [c for c in todo if not c.method]
    rng.shuffle(rest)
    bag = [m for m, n in counts.items() for _ in range(n)]
    if len(bag) != len(rest):
        raise RuntimeError("演示数据构造失败：结案方式数量与结案数不符")
    for case, method in zip(rest, bag, strict=True):
        case.method = method


def _fit_days(rng: random.Random, closed: list[CaseDraft], mean: tuple[Fraction, Fraction]) -> None:
    """Draw closing dates inside the window, then nudge them to an exact average."""
    table = PRESERVATION_OUTCOME if closed and closed[0].category == "preservation" else SIMPLE_OUTCOME
    for case in closed:
        if case.filed >= P1_END:  # a case closed in the window needs at least a day
            case.filed = random_day(rng, P1_END - 20 * DAY, P1_END - DAY)
        if case.closed is None:
            assert case.method is not None
            low, median, sigma = table.days[case.method]
            days = low + int(rng.lognormvariate(math.log(median), sigma))
            case.closed = min(case.filed + days * DAY, P1_END)
            case.closed = max(case.closed, case.min_close())
    goal = int((mean[0] + mean[1]) / 2 * len(closed))
    movable = [c for c in closed if c.tag != "case2690"]
    left = goal - sum(c.days for c in closed)
    while left:
        progress = False
        for case in rng.sample(movable, len(movable)):
            step = 1 if left > 0 else -1
            assert case.closed is not None
            new = case.closed + step * DAY
            if case.min_close() <= new <= P1_END:
                case.closed, left, progress = new, left - step, True
            if not left:
                break
        if not progress:
            raise RuntimeError("演示数据构造失败：无法达到平均用时")
    assert mean[0] <= Fraction(sum(c.days for c in closed), len(closed)) < mean[1]


def _close_after_window(rng: random.Random, case: CaseDraft, table: Outcome, today: dt.date) -> None:
    method, _ = draw_outcome(rng, table)
    case.method = method
    earliest = max(P1_END + DAY, case.min_close())
    case.closed = earliest + rng.randint(0, 160) * DAY
    if case.closed > today:
        case.closed, case.method = None, None


def _finish(rng: random.Random, org: OrgPlan, case: CaseDraft) -> None:
    """Recovered amount, and an occasional 分流 correction in the assignment history."""
    if case.tag != "case2690":
        case.recovered = recovered_cents(rng, case.method, case.target)
    if case.category != "preservation" and rng.random() < 0.06:
        old = rng.choice(COMPLEX)
        case.history.append((old, rng.choice(org.judges(old)), case.filed, "立案分案"))
