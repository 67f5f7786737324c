"""Case drafts: plain in-memory cases the demo builds, calibrates and finally writes."""
from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from db.demo import names
from db.demo.days import REFORM, START, random_day, workdays
from db.demo.fastrand import pick, ri
from db.demo.mix import FINANCE_CAUSES, LIVELIHOOD_CAUSES, CaseMix
from db.demo.org import OrgPlan

P1_START = REFORM  # 简案/保全团队 published period
P1_END = dt.date(2022, 9, 30)
TYPE_OF = {"first": "执", "resumed": "执恢", "preservation": "执保"}
# Filings per year by category across the whole court (a basic court's volume).
YEARLY = {"first": 2150.0, "resumed": 290.0, "preservation": 230.0, "review": 40.0}
MONTH_FACTOR = (0.95, 0.6, 1.1, 1.1, 1.05, 1.1, 1.0, 1.0, 1.05, 0.85, 1.05, 1.15)
CLEARANCE = (dt.date(2022, 1, 1), dt.date(2022, 9, 30))  # share of 首执/执恢 routed to the 简案团队 after the reform


@dataclass(slots=True, eq=False)
class CaseDraft:
    category: str
    type_code: str
    filed: dt.date
    closed: dt.date | None
    method: str | None
    team: str
    officer: int | None
    track: str
    target: int  # cents
    recovered: int  # cents
    cause: str
    non_litigation: bool = False
    fixed: bool = False  # calibration must not move it
    tag: str = ""
    history: list[tuple[str, int | None, dt.date, str]] = field(default_factory=list)
    origin_id: int | None = None
    id: int = 0
    serial: int = 0
    parties: list[dict[str, str]] | None = None

    @property
    def days(self) -> int:
        return (self.closed - self.filed).days if self.closed else 0

    def min_close(self) -> dt.date:
        """Earliest valid closing date (终本 needs three months since 立案)."""
        gap = 91 if self.method == "terminated_this_round" else 1
        return self.filed + dt.timedelta(days=gap)


@dataclass(frozen=True)
class Outcome:
    weights: tuple[tuple[str, int], ...]
    # method -> (minimum days, median of the lognormal part, sigma)
    days: dict[str, tuple[int, float, float]]


SLOW_OUTCOME = Outcome(
    (("completed", 27), ("settled", 6), ("terminated_this_round", 47), ("terminated", 8),
     ("withdrawn", 9), ("not_enforced", 1), ("rejected", 2)),
    {"completed": (8, 95, 0.85), "settled": (15, 110, 0.7), "terminated_this_round": (91, 120, 0.8),
     "terminated": (20, 110, 0.8), "withdrawn": (4, 45, 0.9), "not_enforced": (5, 20, 0.6),
     "rejected": (3, 15, 0.6)},
)
COMPLEX_OUTCOME = Outcome(
    (("completed", 34), ("settled", 6), ("terminated_this_round", 40), ("terminated", 8),
     ("withdrawn", 9), ("not_enforced", 1), ("rejected", 2)),
    {"completed": (5, 35, 0.8), "settled": (10, 50, 0.7), "terminated_this_round": (91, 15, 0.9),
     "terminated": (15, 45, 0.8), "withdrawn": (3, 25, 0.9), "not_enforced": (5, 15, 0.6),
     "rejected": (3, 10, 0.6)},
)
SIMPLE_OUTCOME = Outcome(
    (("completed", 34), ("settled", 6), ("terminated_this_round", 28), ("terminated", 6),
     ("withdrawn", 22), ("not_enforced", 2), ("rejected", 2)),
    {"completed": (3, 20, 0.8), "settled": (5, 25, 0.7), "terminated_this_round": (91, 8, 0.8),
     "terminated": (10, 20, 0.7), "withdrawn": (2, 12, 0.8), "not_enforced": (3, 8, 0.5),
     "rejected": (2, 6, 0.5)},
)
PRESERVATION_OUTCOME = Outcome(
    (("preservation_done", 94), ("preservation_lifted", 3), ("withdrawn", 2), ("rejected", 1)),
    {"preservation_done": (1, 8, 0.7), "preservation_lifted": (3, 20, 0.7),
     "withdrawn": (2, 10, 0.6), "rejected": (1, 4, 0.5)},
)
REVIEW_OUTCOME = Outcome(
    (("review_decided", 95), ("rejected", 5)),
    {"review_decided": (8, 14, 0.3), "rejected": (3, 7, 0.4)},
)


def _outcome_table(category: str, team: str, filed: dt.date) -> Outcome:
    if category == "preservation":
        return PRESERVATION_OUTCOME
    if category == "review":
        return REVIEW_OUTCOME
    if filed < REFORM:
        return SLOW_OUTCOME
    return SIMPLE_OUTCOME if team == "simple" else COMPLEX_OUTCOME


def draw_outcome(rng: random.Random, table: Outcome, speed: float = 1.0) -> tuple[str, int]:
    """Pick a closing method and a duration in days (`speed` scales the typical duration)."""
    keys = [k for k, _ in table.weights]
    method = rng.choices(keys, [w for _, w in table.weights])[0]
    low, median, sigma = table.days[method]
    return method, low + int(rng.lognormvariate(math.log(median * speed), sigma))


def target_cents(rng: random.Random, category: str, scale: float = 1.0) -> int:
    """申请执行标的金额 in cents (lognormal, clipped; `scale` moves the median and the cap)."""
    if category == "review":
        return 0
    median = (100_000 if category == "preservation" else 28_000) * scale
    yuan = min(int(8_000_000 * scale), max(300, int(rng.lognormvariate(math.log(median), 1.25))))
    cents = pick(rng, (0, 0, 0, ri(rng, 1, 99)))
    return yuan * 100 + cents


def recovered_cents(rng: random.Random, method: str | None, target: int) -> int:
    """实际到位金额 consistent with the closing method (never above the target)."""
    share = {
        "completed": lambda: 1.0,
        "settled": lambda: rng.uniform(0.5, 0.95),
        "terminated_this_round": lambda: 0.0 if rng.random() < 0.55 else rng.uniform(0.01, 0.35),
        "terminated": lambda: 0.0 if rng.random() < 0.5 else rng.uniform(0.0, 0.5),
        None: lambda: 0.0 if rng.random() < 0.6 else rng.uniform(0.0, 0.6),
    }.get(method, lambda: 0.0)()
    return min(target, int(target * share))


def route(rng: random.Random, org: OrgPlan, category: str, filed: dt.date) -> tuple[str, int]:
    """Team key and 承办人 for a new case, by era and category."""
    if filed < REFORM:
        team = pick(rng, org.complex)
        return team, pick(rng, org.pre_reform_judges(team))
    if category == "preservation":
        team = "preservation"
    elif category == "review" or rng.random() >= org.mix.simple_share:
        team = pick(rng, org.complex)
    else:
        team = "simple"
    return team, pick(rng, org.judges(team))


def new_case(rng: random.Random, org: OrgPlan, filed: dt.date, category: str,
             today: dt.date, *, team: str | None = None) -> CaseDraft:
    """One random case filed on `filed` (closed only if its closing date is not after today)."""
    if team is None:
        team, officer = route(rng, org, category, filed)
    else:
        officer = pick(rng, org.judges(team))
    mix = org.mix
    method, days = draw_outcome(rng, _outcome_table(category, team, filed), mix.speed)
    drawn = filed + dt.timedelta(days=days)
    drawn = _year_end_push(rng, filed, drawn, method)
    drawn = _backlog_clearance(rng, filed, drawn, method)
    if mix.backlog and rng.random() < mix.backlog:
        drawn += dt.timedelta(days=ri(rng, 200, 700))
    closed: dt.date | None = drawn
    chosen: str | None = method
    if drawn > today:
        closed, chosen = None, None
    non_lit = category == "first" and rng.random() < 0.03
    target = target_cents(rng, category, mix.target)
    track = "simple" if team in ("simple", "preservation") else "complex"
    if filed < REFORM:
        track = "simple" if target < 50_000_00 and rng.random() < 0.5 else "complex"
    return CaseDraft(
        category=category, type_code=TYPE_OF.get(category) or pick(rng, ("执异", "执异", "执复")),
        filed=filed, closed=closed, method=chosen, team=team, officer=officer, track=track,
        target=target, recovered=recovered_cents(rng, chosen, target),
        cause=_cause(rng, mix, category, non_lit), non_litigation=non_lit,
    )


def _cause(rng: random.Random, mix: CaseMix, category: str, non_lit: bool) -> str:
    """The 案由: the basic court's mix, then the court's 金融 or 民生 lean (no draw at the default)."""
    cause = names.cause(rng, non_lit)
    if non_lit or category not in ("first", "resumed") or not (mix.finance or mix.livelihood):
        return cause
    roll = rng.random()
    if roll < mix.finance:
        return pick(rng, FINANCE_CAUSES)
    if roll < mix.finance + mix.livelihood:
        return pick(rng, LIVELIHOOD_CAUSES)
    return cause


def _year_end_push(rng: random.Random, filed: dt.date, closed: dt.date, method: str) -> dt.date:
    """Courts push closings into December: pull some early-next-year closings back."""
    if closed.month > 2 or method not in ("terminated_this_round", "terminated", "withdrawn"):
        return closed
    if rng.random() >= 0.35:
        return closed
    pulled = random_day(rng, dt.date(closed.year - 1, 12, 10), dt.date(closed.year - 1, 12, 31))
    gap = 91 if method == "terminated_this_round" else 1
    return pulled if pulled >= filed + dt.timedelta(days=gap) else closed


def _backlog_clearance(rng: random.Random, filed: dt.date, closed: dt.date,
                       method: str) -> dt.date:
    """After the reform the center cleared old cases in Q4 2021 (积案清理)."""
    if filed >= REFORM or not CLEARANCE[0] <= closed <= CLEARANCE[1] or rng.random() >= 0.6:
        return closed
    gap = dt.timedelta(days=91 if method == "terminated_this_round" else 1)
    low = max(filed + gap, REFORM + dt.timedelta(days=7))
    return random_day(rng, low, dt.date(2021, 12, 31)) if low <= dt.date(2021, 12, 31) else closed


def poisson(rng: random.Random, lam: float) -> int:
    """Knuth's Poisson sampler (fine for the small daily rates used here)."""
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def background(rng: random.Random, org: OrgPlan, today: dt.date, *, start: dt.date = START,
               window: bool = True) -> list[CaseDraft]:
    """Random filings from `start` to today at the court's volume (org.mix), except (`window`)
    the constructed P1 window cases of the article court."""
    out: list[CaseDraft] = []
    volume = org.mix.yearly(YEARLY)
    for day in workdays(start, today):
        growth = 1.0 + 0.03 * (day.year - 2020)
        for category, yearly in volume.items():
            lam = yearly * growth * MONTH_FACTOR[day.month - 1] / 246.0
            for _ in range(poisson(rng, lam)):
                case = new_case(rng, org, day, category, today)
                if window and _in_window(case):
                    continue  # the 简案/保全 window cases are constructed exactly
                out.append(case)
    return out


def _in_window(case: CaseDraft) -> bool:
    return P1_START <= case.filed <= P1_END and case.team in ("simple", "preservation")
