"""The indicator registry as data: measures (what SQL sums) and indicators (how to read them).

A measure name is "<rows>" (count the rows) or "<rows>.<value>" (sum a value over them).
Case rows are defined in db/indicators/sql.py, payment rows in db/indicators/payments.py;
docs/data-model.md (统计口径) states each rule in words. Variants a court may choose (denominators,
case scope, rounding, limits) are settings (config/indicators.toml), not code branches.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

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
# The center's 事务集约 work (db/indicators/center.py): rows a center person did, credited to
# that person (event officer, 案款专管员) and their team. Deadlines: [center] settings.
CENTER_ROWS: dict[str, str] = {
    "query_started": "期内首次发起网络查控的案件（发起人）",
    "query_timely": "立案后规定天数内首次发起网络查控的案件",
    "query_answered": "期内首次收到网络查控反馈的案件",
    "served": "期内首次完成送达的案件（送达人）",
    "served_timely": "立案后规定天数内完成首次送达的案件",
    "alarms_110": "期内执行110接警（接警人）",
    "dispatched_110": "期内接警且已出警的执行110警情",
    "arrived_110": "期内出警且已到场的执行110警情（出警人）",
    "renewals_due": "期内届满、仍需续行的查封扣押冻结措施",
    "renewed_in_time": "届满前已续封续冻的措施（续封人）",
    "payouts": "期内发放的案款笔数（案款专管员）",
    "payouts_timely": "期内按期发放的案款笔数（案款专管员）",
}
CENTER_VALUES: dict[str, str] = {"days": "天数（见各计量）", "minutes": "分钟数（接警→出警，出警→到场）"}
# which values each center row set has
CENTER_ROW_VALUES: dict[str, frozenset[str]] = {
    **{r: frozenset({"days"}) for r in ("query_started", "query_timely", "query_answered",
                                         "served", "served_timely", "payouts",
                                         "payouts_timely")},
    **{r: frozenset({"minutes"}) for r in ("alarms_110", "dispatched_110", "arrived_110")},
    "renewals_due": frozenset(), "renewed_in_time": frozenset(),
}
# 繁简分流 rows (db/indicators/triage.py): case_triage and track_changes with their case.
TRIAGE_ROWS: dict[str, str] = {
    "triaged": "期内分流确认的案件",
    "triaged_simple": "期内分流确认为简案的案件",
    "triaged_overridden": "期内分流确认时未采纳规则建议（改判）的案件",
    "triaged_converted": "期内分流确认为简案、期末前已转繁的案件",
    "triage_pending": "期末待分流（已立案、未结、未分流确认）的案件",
    "closed_simple": "期内结案的简案（结案时繁简）",
    "closed_complex": "期内结案的繁案（结案时繁简）",
}
TRIAGE_VALUES: dict[str, str] = {
    "wait": "立案至分流确认天数",
    "age": "立案至期末天数（等待分流）",
    "days": "结案用时（天）",
}
# Which value each triage row may carry.
TRIAGE_VALUE_ROWS: dict[str, frozenset[str]] = {
    "wait": frozenset({"triaged", "triaged_simple", "triaged_overridden", "triaged_converted"}),
    "age": frozenset({"triage_pending"}),
    "days": frozenset({"closed_simple", "closed_complex"}),
}

UNITS = ("件", "%", "天", "元", "分钟")


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
    # "case": the standard views (court/team/officer pages, wall, exports); "center": the
    # center's own indicators, computed only when asked for by key (/center, its wall screen)
    group: str = "case"


def _t(good: str, warn: str) -> Thresholds:
    return Thresholds(good=Decimal(good), warn=Decimal(warn))


FIRST = ("first",)
ALL_CATEGORIES = ("first", "resumed", "preservation", "review")
TRIAGED = ("first", "resumed")
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
    # 繁简分流 (issue #18): 首执与执恢 (执保 goes straight to the 保全 team, no 分流)
    Indicator("triage_avg_days", "分流平均用时", "天", "triaged.wait", "triaged",
              categories=TRIAGED, direction="lower", digits=2, thresholds=_t("1", "3"),
              description="期内分流确认案件的（分流确认日－立案日）平均天数；事务集约、繁简分流"),
    Indicator("triage_pending", "待分流数", "件", "triage_pending", categories=TRIAGED,
              direction="lower",
              description="期末已立案、未结、尚未分流确认的案件数（最久等待天数见分流台）"),
    Indicator("triage_pending_age", "待分流平均等待天数", "天", "triage_pending.age",
              "triage_pending", categories=TRIAGED, direction="lower", digits=2,
              thresholds=_t("1", "3"),
              description="期末待分流案件的（期末日－立案日）平均天数"),
    Indicator("simple_share", "简案占比", "%", "triaged_simple", "triaged",
              categories=TRIAGED, digits=2,
              description="期内分流确认为简案数÷期内分流确认数"),
    Indicator("conversion_rate", "转繁率", "%", "triaged_converted", "triaged_simple",
              categories=TRIAGED, direction="lower", digits=2, thresholds=_t("10", "20"),
              description="期内分流为简案、期末前转繁的案件数÷期内分流为简案数；分流准确度"),
    Indicator("simple_avg_days", "简案平均用时", "天", "closed_simple.days", "closed_simple",
              categories=TRIAGED, direction="lower", digits=2, thresholds=_t("60", "90"),
              description="期内结案简案的（结案日－立案日）平均天数；与繁案平均用时并列对照"),
    Indicator("complex_avg_days", "繁案平均用时", "天", "closed_complex.days", "closed_complex",
              categories=TRIAGED, direction="lower", digits=2, thresholds=_t("120", "150"),
              description="期内结案繁案的（结案日－立案日）平均天数"),
    Indicator("override_rate", "分流改判率", "%", "triaged_overridden", "triaged",
              categories=TRIAGED, direction="lower", digits=2, thresholds=_t("10", "20"),
              description="期内分流确认时未采纳规则建议的案件数÷期内分流确认数"),
)

CENTER = "center"


def _c(key: str, name: str, unit: str, numerator: str, denominator: str | None = None,
       **kw: object) -> Indicator:
    return Indicator(key, name, unit, numerator, denominator, categories=ALL_CATEGORIES,
                     group=CENTER, **kw)  # type: ignore[arg-type]


# The center's own indicators (issue #18 §2): each credited to the center person who did the
# work, so per person (officer), per center unit (team) and for the court.
_CENTER_INDICATORS = (
    _c("query_count", "网络查控发起数", "件", "query_started", direction="higher",
       description="期内首次发起网络查控的案件数（每案只计首次），计入发起的查控员"),
    _c("query_timely_rate", "网络查控及时发起率", "%", "query_timely", "query_started",
       direction="higher", digits=2, thresholds=_t("95", "85"),
       description="立案后规定天数内（[center] query_limit_days，默认3天）首次发起网络查控的"
                   "案件÷首次发起的案件；地方实践（临汾2日、利川3日、焦作5日）"),
    _c("query_feedback_days", "查控反馈平均用时", "天", "query_answered.days", "query_answered",
       direction="lower", digits=2, thresholds=_t("3", "5"),
       description="首次网络查控发起至首次反馈的平均天数，计入登记反馈的查控员"),
    _c("served_count", "送达完成数", "件", "served", direction="higher",
       description="期内完成首次送达的案件数，计入送达员"),
    _c("service_timely_rate", "送达及时率", "%", "served_timely", "served",
       direction="higher", digits=2, thresholds=_t("90", "80"),
       description="立案后规定天数内（[center] service_limit_days，默认10天）完成首次送达的"
                   "案件÷完成首次送达的案件；民诉法解释第480条（执行通知10日）"),
    _c("alarms_110", "执行110接警数", "件", "alarms_110",
       description="期内执行110接警次数，计入接警人"),
    _c("dispatch_rate_110", "执行110出警率", "%", "dispatched_110", "alarms_110",
       direction="higher", digits=2, thresholds=_t("90", "80"),
       description="接警后已出警的警情÷接警数（同一案件下一次接警前的出警）；吴兴法院91.37%"),
    _c("dispatch_minutes_110", "接警至出警平均用时", "分钟", "dispatched_110.minutes",
       "dispatched_110", direction="lower", digits=1, thresholds=_t("10", "15"),
       description="执行110接警至出警的平均分钟数"),
    _c("arrival_minutes_110", "出警至到场平均用时", "分钟", "arrived_110.minutes",
       "arrived_110", direction="lower", digits=1, thresholds=_t("30", "45"),
       description="执行110出警至到达现场的平均分钟数（魏都：10–15分钟响应），计入出警人"),
    _c("renewal_timely_rate", "续封及时率", "%", "renewed_in_time", "renewals_due",
       direction="higher", digits=2, thresholds=_t("98", "95"),
       description="期内届满、未解除的查封扣押冻结措施中，届满前（[center] renewal_window_days"
                   "天内）已续行的比例；民诉法解释第485条。计入续封人，未续的计入原措施人"),
    _c("funds_payout_days", "案款发放平均用时（专管员）", "天", "payouts.days", "payouts",
       direction="lower", digits=2, thresholds=_t("10", "30"),
       description="期内发放案款的到账至发放平均天数，计入案款专管员"),
    _c("funds_timely_rate", "案款按期发放率（专管员）", "%", "payouts_timely", "payouts",
       direction="higher", digits=2, thresholds=_t("95", "85"),
       description="期内发放的案款中到账后规定天数内发放的比例，计入案款专管员"),
    Indicator("pending_payout_count", "待发放案款笔数", "件", "payments_pending",
              categories=ALL_CATEGORIES, direction="lower", group=CENTER,
              description="期末已到账尚未（足额）发放的案款笔数，按案件承办归属"),
)
CENTER_KEYS = tuple(i.key for i in _CENTER_INDICATORS)

REGISTRY: dict[str, Indicator] = {i.key: i for i in (*_INDICATORS, *_CENTER_INDICATORS)}


@lru_cache(maxsize=1024)
def split_measure(name: str) -> tuple[str, str | None]:
    """Split "closed.days" into ("closed", "days"); "closed" into ("closed", None)."""
    rows, _, value = name.partition(".")
    return rows, value or None


def measure_source(name: str) -> str:
    """Return "cases", "payments", "officers", "triage" or "center", or raise ValueError for an unknown name."""
    rows, value = split_measure(name)
    if rows in CASE_ROWS and (value is None or value in CASE_VALUES):
        if value in ("days", "days_net") and rows not in CLOSED_ROWS:
            raise ValueError(f"计量“{name}”无效：只有结案类计量才有结案用时")
        return "cases"
    if rows in PAYMENT_ROWS and (value is None or value in PAYMENT_VALUES):
        return "payments"
    if rows in OFFICER_ROWS and value is None:
        return "officers"
    if rows in CENTER_ROWS and (value is None or value in CENTER_ROW_VALUES[rows]):
        return "center"
    if rows in TRIAGE_ROWS and (value is None or rows in TRIAGE_VALUE_ROWS.get(value, ())):
        return "triage"
    raise ValueError(f"未知的计量“{name}”")


@lru_cache(maxsize=1024)
def is_money(name: str) -> bool:
    return split_measure(name)[1] in MONEY_VALUES
