"""The indicator registry as data: measures (what SQL sums) and indicators (how to read them).

A measure name is "<rows>" (count the rows) or "<rows>.<value>" (sum a value over them).
Case rows are defined in db/indicators/sql.py, payment rows in db/indicators/payments.py;
docs/data-model.md (统计口径) states each rule in words. Variants a court may choose (denominators,
case scope, rounding, limits) are settings (config/indicators.toml), not code branches.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Rows of `cases` a measure can count or sum over (period-relative, see docs/data-model.md).
CASE_ROWS: dict[str, str] = {
    "accepted": "受理（旧存＋新收）",
    "carried": "旧存",
    "new": "新收",
    "closed": "结案",
    "pending": "未结（期末）",
    "completed": "执行完毕结案",
    "terminated_this_round": "终本结案",
    "terminated": "终结执行结案",
    "actual": "实结（实结标志）结案",
    "preservation_done": "保全完毕结案",
    "within_limit": "法定期限内结案",
    "long_pending": "超长期未结（期末）",
}
# Rows that are closed in the period: only they have a 结案用时.
CLOSED_ROWS = frozenset(
    {"closed", "completed", "terminated_this_round", "terminated", "actual",
     "preservation_done", "within_limit"}
)
CASE_VALUES: dict[str, str] = {
    "days": "结案用时（天）",
    "days_net": "结案用时扣除中止等期间（天）",
    "target_amount": "申请执行标的金额（元）",
    "recovered_amount": "实际到位金额（元）",
}
MONEY_VALUES = frozenset({"target_amount", "recovered_amount", "amount"})
PAYMENT_ROWS: dict[str, str] = {
    "payments_paid": "期内发放的案款笔数",
    "payments_timely": "期内按期发放的案款笔数",
    "payments_due": "期内应发放的案款笔数（已发放＋期末已超期未发放）",
    "payments_pending": "期末已到账、尚未发放的案款笔数",
}
PAYMENT_VALUES: dict[str, str] = {"days": "到账至发放天数", "amount": "到账金额（元）"}
OFFICER_ROWS: dict[str, str] = {"judges": "员额法官人数（在岗、角色为员额法官）"}

UNITS = ("件", "%", "天", "元")


@dataclass(frozen=True)
class CaveatRule:
    """When a ratio is too young or too thin to judge (issue #15 §3).

    A ratio (an indicator with a denominator) whose period has fewer than `min_days` days,
    or whose counted denominator is below `min_denominator`, keeps its value but gets a
    caveat word and the neutral status "caveat" instead of a traffic light: 5.91% on
    3 December is not a red flag, it is three days of data."""

    min_days: int = 7
    min_denominator: int = 10


CAVEAT_RULE = CaveatRule()

# Indicators judged against a time-progress target rather than their fixed thresholds when
# the period runs from 1 January: indicator key → monthly_targets series (settings). The
# wall's trend chart draws the same series as its target line, so a tile and its chart agree:
# 本年累计结案率 on 3 December is judged against December's floor (e.g. 93%), not against 80%.
PACE_TARGETS: dict[str, str] = {"closure_rate": "closure_rate_ytd"}
DIRECTIONS = ("higher", "lower", "range", "none")


@dataclass(frozen=True)
class Thresholds:
    """good/warn cut-offs for higher/lower; [low, high] ± margin for a 合理区间."""

    good: Decimal | None = None
    warn: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    margin: Decimal = Decimal(0)


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    unit: str
    numerator: str
    denominator: str | None = None
    categories: tuple[str, ...] | None = None  # None: the scope level's default
    direction: str = "none"
    rounding: str = "ROUND_DOWN"
    digits: int = 0
    thresholds: Thresholds | None = None
    description: str = ""


def _t(good: str, warn: str) -> Thresholds:
    return Thresholds(good=Decimal(good), warn=Decimal(warn))


FIRST = ("first",)
ALL_CATEGORIES = ("first", "resumed", "preservation", "review")
_INDICATORS = (
    Indicator("accepted", "受理数", "件", "accepted",
              description="旧存＋新收；最高法执行案件质量评估口径"),
    Indicator("carried", "旧存", "件", "carried", description="期初未结案件数"),
    Indicator("new", "新收", "件", "new", description="期内立案数"),
    Indicator("closed", "结案数", "件", "closed", direction="higher",
              description="期内结案数"),
    Indicator("pending", "未结数", "件", "pending", direction="lower",
              description="期末未结＝受理－结案"),
    Indicator("closure_rate", "结案率", "%", "closed", "accepted", direction="higher",
              digits=2, thresholds=_t("80", "70"),
              description="结案数÷受理数；内蒙古审执结案进度口径（结案/受理）"),
    Indicator("close_to_new_ratio", "结收比", "%", "closed", "new", direction="higher",
              digits=2, thresholds=_t("100", "90"),
              description="结案数÷新收数；反映存量消化（公式为实践推定）"),
    Indicator("closed_per_judge", "人均结案数", "件", "closed", "judges",
              direction="higher", digits=2,
              description="结案数÷员额法官人数（在岗员额法官）；内蒙古人均审执结案数口径"),
    Indicator("completed", "执行完毕数", "件", "completed", direction="higher",
              description="以执行完毕（含和解履行完毕）方式结案数"),
    Indicator("completion_rate", "执行完毕率", "%", "completed", "accepted",
              direction="higher", digits=2, thresholds=_t("35", "25"),
              description="执行完毕数÷受理数（原文口径248/810；可改为÷结案数）"),
    Indicator("termination_rate", "终本率", "%", "terminated_this_round", "closed",
              categories=FIRST, direction="range", digits=2,
              thresholds=Thresholds(low=Decimal("0"), high=Decimal("30"), margin=Decimal("5")),
              description="首执终本结案数÷首执结案数；2024年审判质量管理指标（合理区间）"),
    Indicator("actual_rate", "实际执结率", "%", "actual", "closed", direction="higher",
              digits=2, thresholds=_t("50", "40"),
              description="实结案件数÷结案数；2008年案件质量评估意见口径"),
    Indicator("recovery_rate", "执行到位率", "%", "closed.recovered_amount",
              "closed.target_amount", direction="higher", digits=2,
              thresholds=_t("40", "30"),
              description="结案案件实际到位金额÷申请执行标的金额；2024年审判质量管理指标"),
    Indicator("legal_limit_rate", "法定期限内结案率", "%", "within_limit", "closed",
              categories=FIRST, direction="higher", digits=2, thresholds=_t("90", "80"),
              description="首执在6个月（非诉3个月）内结案，扣除中止等期间、加延长期限；审限规定第五、九条"),
    Indicator("first_avg_days", "首执案件结案平均用时", "天", "closed.days", "closed",
              categories=FIRST, direction="lower", digits=2, thresholds=_t("90", "120"),
              description="首执结案的（结案日－立案日）平均天数；执行质效报表“结案平均用时”"),
    Indicator("completed_avg_days", "执行完毕案件结案平均用时", "天", "completed.days",
              "completed", categories=FIRST, direction="lower", digits=2,
              thresholds=_t("90", "120"),
              description="首执执行完毕案件的平均结案用时；执行质效报表同名列"),
    Indicator("avg_days", "平均执行天数", "天", "closed.days", "closed", direction="lower",
              digits=0, thresholds=_t("90", "120"),
              description="期内结案案件平均用时（含执恢，团队层含保全）；原文团队口径"),
    Indicator("preservation_rate", "保全率", "%", "preservation_done", "accepted",
              categories=("preservation",), direction="higher", digits=2,
              thresholds=_t("95", "85"),
              description="执保案件保全完毕数÷执保受理数（原文214/216＝99%；官方公式未公开）"),
    Indicator("long_pending", "超12个月未结案件数", "件", "long_pending", direction="lower",
              description="期末未结且立案已超过12个月的案件数；2024年审判质量管理指标"),
    Indicator("long_pending_ratio", "超12个月未结案件比", "%", "long_pending", "pending",
              direction="lower", digits=2, thresholds=_t("5", "10"),
              description="超12个月未结案件数÷未结案件数"),
    Indicator("payment_avg_days", "案款发放平均天数", "天", "payments_paid.days",
              "payments_paid", direction="lower", digits=2, thresholds=_t("10", "30"),
              description="期内发放案款的（发放日－到账日）平均天数；执行款发放平均天数"),
    # every case type: money held is money held, whatever the case; the 案款 ageing bands of
    # node control (db/nodes/ageing.py) count the same rows, so tile and bands agree
    Indicator("pending_payout", "待发放案款", "元", "payments_pending.amount",
              categories=ALL_CATEGORIES, direction="lower", digits=2,
              description="期末已到账尚未发放的案款金额；执行款物管理规定（到账后30日内发放）"),
    Indicator("payment_timely_rate", "案款发放及时率", "%", "payments_timely",
              "payments_due", direction="higher", digits=2, thresholds=_t("95", "85"),
              description="期限内发放笔数÷应发放笔数；执行款物管理规定（30日）"),
)

REGISTRY: dict[str, Indicator] = {i.key: i for i in _INDICATORS}


def split_measure(name: str) -> tuple[str, str | None]:
    """Split "closed.days" into ("closed", "days"); "closed" into ("closed", None)."""
    rows, _, value = name.partition(".")
    return rows, value or None


def measure_source(name: str) -> str:
    """Return "cases", "payments" or "officers", or raise ValueError for an unknown name."""
    rows, value = split_measure(name)
    if rows in CASE_ROWS and (value is None or value in CASE_VALUES):
        if value in ("days", "days_net") and rows not in CLOSED_ROWS:
            raise ValueError(f"计量“{name}”无效：只有结案类计量才有结案用时")
        return "cases"
    if rows in PAYMENT_ROWS and (value is None or value in PAYMENT_VALUES):
        return "payments"
    if rows in OFFICER_ROWS and value is None:
        return "officers"
    raise ValueError(f"未知的计量“{name}”")


def is_money(name: str) -> bool:
    return split_measure(name)[1] in MONEY_VALUES
