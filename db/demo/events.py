"""Case events with realistic timing (notices, queries, controls, sales, sanctions, field work)."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from db.demo.days import local_to_utc
from db.demo.drafts import CaseDraft
from db.demo.fastrand import pick, ri
from db.demo.org import OrgPlan
from db.demo.special import CAMPAIGN_DAY

DAY = dt.timedelta(days=1)
EXPIRY_YEARS = {"freeze": 1, "distraint": 2, "seizure": 3}
PROPERTY = {"freeze": "银行存款", "distraint": "机动车", "seizure": "不动产"}


MINUTES = tuple(dt.timedelta(minutes=m) for m in range(24 * 60 + 1))


@dataclass
class EventContext:
    org: OrgPlan
    today: dt.date
    offset: dt.timedelta  # court zone's UTC offset
    _midnights: dict[dt.date, dt.datetime] = field(default_factory=dict)

    def midnight(self, day: dt.date) -> dt.datetime:
        """Naive UTC time of the court-zone midnight starting `day` (cached)."""
        found = self._midnights.get(day)
        if found is None:
            found = self._midnights[day] = local_to_utc(day, 0, self.offset)
        return found


def money(cents: int) -> Decimal:
    """Exact Decimal yuan from integer cents."""
    return Decimal(cents).scaleb(-2)


class Timeline:
    """Collects one case's event rows, never before filing nor after its end date."""

    def __init__(self, case: CaseDraft, ctx: EventContext, rng: random.Random) -> None:
        self.case, self.ctx, self.rng = case, ctx, rng
        self.end = case.closed or ctx.today
        self.rows: list[dict[str, Any]] = []

    def add(self, kind: str, day: dt.date, *, officer: int | None = None, detail: str = "",
            minutes: int | None = None, expires: dt.date | None = None,
            amount: int | None = None, media: str = "") -> bool:
        if day > self.end or day < self.case.filed:
            return False
        minute = minutes if minutes is not None else ri(self.rng, 8 * 60 + 30, 17 * 60 + 30)
        self.rows.append(self.row(kind, day, officer=officer, detail=detail, minutes=minute,
                                  expires=expires, amount=amount, media=media))
        return True

    def row(self, kind: str, day: dt.date, *, minutes: int, officer: int | None = None, detail: str = "",
            expires: dt.date | None = None, amount: int | None = None, media: str = "") -> dict[str, Any]:
        """One event row (no date checks: `add` checks them; post-closing renewals pass today's bound)."""
        return {
            "case_id": self.case.id, "kind": kind,
            "occurred_at": self.ctx.midnight(day) + MINUTES[minutes],
            "expires_on": expires, "amount": money(amount) if amount is not None else None,
            "officer_id": officer if officer is not None else self.case.officer,
            "detail": detail, "media_ref": media,
        }

    def center(self, role: str = "assistant") -> int:
        return pick(self.rng, self.ctx.org.officers("center", role))

    def fixed_center(self, role: str, salt: int = 0) -> int | None:
        """A center person chosen from the case id, without drawing from the case's stream."""
        staff = self.ctx.org.officers("center", role)
        return staff[(self.case.id + salt) % len(staff)] if staff else None

    def side(self, name: str) -> random.Random:
        """A per-case random stream for the center's extra events: the main stream (and so
        every published figure) stays unchanged."""
        return random.Random(f"{name}-{self.case.id}")


def case_events(case: CaseDraft, ctx: EventContext, rng: random.Random) -> list[dict[str, Any]]:
    """All event rows of one case."""
    tl = Timeline(case, ctx, rng)
    if case.category == "review":
        _review(tl)
    elif case.category == "preservation":
        _preservation(tl)
    else:
        _enforcement(tl)
    if case.tag.startswith("campaign"):
        _campaign_day(tl)
    return tl.rows


def _review(tl: Timeline) -> None:
    c = tl.case
    tl.add("other", c.filed + ri(tl.rng, 1, 3) * DAY, detail="组成合议庭审查")
    if c.closed:
        tl.add("other", c.closed, detail="作出执行异议/复议裁定")


def _preservation(tl: Timeline) -> None:
    c, rng = tl.case, tl.rng
    day = c.filed + ri(rng, 0, 2) * DAY
    tl.add("online_query_started", day, officer=tl.center())
    kinds = ["freeze"] + (["seizure"] if rng.random() < 0.35 else [])
    for kind in kinds:
        when = min(tl.end, c.filed + ri(rng, 0, 3) * DAY)
        _control(tl, kind, when, c.target)


def _control(tl: Timeline, kind: str, day: dt.date, cents: int) -> None:
    """A 查封/扣押/冻结 with its expiry, renewed before expiry while the case stays open."""
    years = EXPIRY_YEARS[kind]
    expires = add_years(day, years)
    amount = cents if kind == "freeze" else None
    if not tl.add(kind, day, expires=expires, amount=amount, detail=f"{PROPERTY[kind]}，期限{years}年"):
        return
    while expires < tl.end:
        renew_on = expires - ri(tl.rng, 5, 25) * DAY
        expires = add_years(expires, years)
        tl.add("renewal", renew_on, expires=expires, detail=f"续行{PROPERTY[kind]}措施",
               officer=tl.fixed_center("assistant"))
    if tl.case.method == "terminated_this_round":
        _renew_after_closing(tl, kind, expires)


# Share of 终本 cases whose measure the court lets lapse after closing (the 续封 node then shows it overdue).
LAPSE_AFTER_CLOSING = 0.015


def _renew_after_closing(tl: Timeline, kind: str, expires: dt.date) -> None:
    """终本后查封冻结仍然有效：按期续行至今日；届满前 5–25 日办理，尚未到办理日的显示为临期.

    A separate, per-case generator keeps the main random stream (and so every other figure) unchanged.
    """
    rng = random.Random(f"renewal-{tl.case.id}-{kind}-{expires.isoformat()}")
    if rng.random() < LAPSE_AFTER_CLOSING:
        return
    years, today = EXPIRY_YEARS[kind], tl.ctx.today
    while True:
        renew_on = expires - rng.randint(5, 25) * DAY
        if renew_on > today:
            return
        expires = add_years(expires, years)
        tl.rows.append(tl.row("renewal", renew_on, minutes=rng.randint(8 * 60 + 30, 17 * 60 + 30),
                              expires=expires, detail=f"续行{PROPERTY[kind]}措施",
                              officer=tl.fixed_center("assistant")))


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _enforcement(tl: Timeline) -> None:
    c, rng = tl.case, tl.rng
    day0 = c.filed + ri(rng, 0, 2) * DAY
    clerk = tl.center("clerk")
    for kind in ("notice_issued", "property_order", "risk_notice"):
        tl.add(kind, day0, officer=clerk, minutes=10 * 60 + 5)
    _service(tl, day0, clerk)
    _consultation_110(tl)
    asked = c.filed + ri(rng, 0, 2) * DAY
    tl.add("online_query_started", asked, officer=tl.center())
    answered = asked + ri(rng, 1, 5) * DAY
    tl.add("online_query_result", answered, officer=tl.center(), detail=_query_text(rng, c))
    controls = _controls(tl, answered)
    if "seizure" in controls and c.track == "complex" and rng.random() < 0.5:
        _sale(tl, controls["seizure"])
    _sanctions(tl, answered)
    if rng.random() < 0.05:
        _field_110(tl, answered + ri(rng, 5, 60) * DAY)
    if c.method == "terminated_this_round" and c.closed:
        _before_termination(tl, c.closed)
        tl.add("interview", c.closed - ri(rng, 2, 15) * DAY, detail="约谈申请执行人，告知终本效果，同意终本")
        tl.add("termination_ruling", c.closed, detail="裁定终结本次执行程序")
    if c.method in ("completed", "settled") and controls and c.closed:
        tl.add("release", c.closed, detail="执行完毕，解除查封冻结措施")
    if c.tag == "case2690" and c.closed:
        tl.add("interview", c.closed - 5 * DAY, detail="双方均为藏族同胞，法官以手势、写字、画图释法明理")


def _service(tl: Timeline, sent: dt.date, clerk: int) -> None:
    """送达 of the notices by the center's 送达员: mostly within days, a few late (address
    unknown, 公告送达)."""
    side = tl.side("service")
    late = side.random() < 0.08
    days = side.randint(11, 35) if late else side.randint(1, 8)
    detail = "公告送达执行通知书等文书" if late else "直接/邮寄送达执行通知书、报告财产令"
    tl.add("service", sent + days * DAY, officer=clerk, minutes=side.randint(9 * 60, 17 * 60),
           detail=detail)


def _consultation_110(tl: Timeline) -> None:
    """执行110 calls that need no dispatch: a party asks about the case (most calls, 吴兴)."""
    side = tl.side("consult110")
    if side.random() >= 0.05:
        return
    span = max(0, (tl.end - tl.case.filed).days)
    day = tl.case.filed + side.randint(0, span) * DAY
    tl.add("alarm_110", day, officer=tl.fixed_center("bailiff", 1),
           minutes=side.randint(8 * 60, 20 * 60), detail="当事人来电询问执行进展，已答复，无需出警")


def _before_termination(tl: Timeline, closed: dt.date) -> None:
    """终本 needs a fresh 网络查控 within three months and a 财产调查 (most cases have both)."""
    rng = tl.rng
    if rng.random() < 0.93:
        again = closed - ri(rng, 10, 80) * DAY
        tl.add("online_query_started", again, officer=tl.center())
        tl.add("online_query_result", again + ri(rng, 1, 3) * DAY, officer=tl.center(),
               detail="终本前复查：未发现可供执行财产")
    tl.add("property_investigation", closed - ri(rng, 15, 60) * DAY,
           detail="调查公积金、金融理财、保险、股息红利，未发现可供执行财产")


def transfers(case: CaseDraft, events: list[dict[str, Any]], money_in: list[dict[str, Any]],
              ctx: EventContext) -> list[dict[str, Any]]:
    """划拨: money that arrived on a case with a 冻结 came from the frozen account."""
    if not any(e["kind"] == "freeze" for e in events):
        return []
    return [{"case_id": case.id, "kind": "transfer",
             "occurred_at": ctx.midnight(p["received_on"]) + MINUTES[15 * 60],
             "expires_on": None, "amount": p["amount"], "officer_id": case.officer,
             "detail": "划拨冻结款项", "media_ref": ""} for p in money_in]


def _query_text(rng: random.Random, c: CaseDraft) -> str:
    deposit = pick(rng, (0, 0, ri(rng, 1, 5000), ri(rng, 5000, 200000)))
    return f"总对总查控反馈：银行存款{deposit}元，车辆{pick(rng, (0, 0, 1))}辆，不动产{pick(rng, (0, 0, 1))}处"


def _controls(tl: Timeline, answered: dt.date) -> dict[str, dt.date]:
    rng, c = tl.rng, tl.case
    chance = 0.6 if c.method in ("completed", "settled") else 0.3
    done: dict[str, dt.date] = {}
    for kind, share in (("freeze", chance), ("distraint", 0.08), ("seizure", 0.14)):
        if rng.random() < share:
            day = answered + ri(rng, 0, 6) * DAY
            if day <= tl.end:
                _control(tl, kind, day, max(c.target - c.recovered, c.recovered))
                done[kind] = day
    return done


def _sale(tl: Timeline, seized: dt.date) -> None:
    """询价/评估 → 参考价 → 网拍 (maybe 流拍 first) → 成交 (maybe 清场腾退)."""
    rng, c = tl.rng, tl.case
    start = seized + ri(rng, 10, 30) * DAY
    kind = "appraisal" if rng.random() < 0.4 else "price_inquiry"
    if not tl.add(kind, start):
        return
    price = max(c.target, 50_000_00) * ri(rng, 80, 150) // 100
    ref_day = start + ri(rng, 3 if kind == "price_inquiry" else 25, 40) * DAY
    tl.add("reference_price", ref_day, amount=price)
    listed = ref_day + ri(rng, 8, 12) * DAY
    tl.add("auction_listed", listed, amount=price * 7 // 10)
    if rng.random() < 0.4:
        listed += ri(rng, 31, 40) * DAY
        tl.add("auction_failed", listed - 5 * DAY, detail="第一次拍卖流拍")
        tl.add("auction_listed", listed, amount=price * 56 // 100, detail="第二次拍卖")
    sold = listed + 31 * DAY
    if tl.add("auction_sold", sold, amount=price * 6 // 10) and rng.random() < 0.25:
        day = sold + ri(rng, 20, 50) * DAY
        if day != CAMPAIGN_DAY:
            tl.add("eviction", day, detail="拍卖成交后清场腾退，交付买受人")


def _sanctions(tl: Timeline, answered: dt.date) -> None:
    rng, c = tl.rng, tl.case
    slow = c.method == "terminated_this_round" or (c.closed is None and tl.end - c.filed > 60 * DAY)
    day = answered + ri(rng, 10, 40) * DAY
    if slow or rng.random() < 0.15:
        tl.add("consumption_ban", day, officer=tl.center(), detail="发布限制消费令")
        if rng.random() < 0.8:
            tl.add("blacklist", day + ri(rng, 0, 5) * DAY, officer=tl.center(), detail="纳入失信被执行人名单")
    for kind, share, text in (("detention", 0.02, "司法拘留十五日"), ("fine", 0.02, "罚款"),
                              ("search", 0.02, "对被执行人住所进行搜查"),
                              ("refusal_referral", 0.003, "涉嫌拒不执行判决、裁定罪移送公安")):
        if rng.random() < share:
            amount = ri(rng, 1000, 20000) * 100 if kind == "fine" else None
            tl.add(kind, day + ri(rng, 5, 60) * DAY, detail=text, amount=amount)


def _field_110(tl: Timeline, day: dt.date, minute: int | None = None, tag: str = "") -> None:
    """执行110: dispatch, arrival, result, with photos (and sometimes video) sent back."""
    rng, c = tl.rng, tl.case
    start = minute if minute is not None else ri(rng, 8 * 60, 16 * 60)
    bailiff = tl.center("bailiff")
    side = tl.side(f"alarm110-{day.isoformat()}")
    tl.add("alarm_110", day, officer=tl.fixed_center("bailiff", 1),
           minutes=max(0, start - side.randint(2, 16)),
           detail=f"接报：被执行人下落/财产线索{tag}")
    if not tl.add("dispatch_110", day, officer=bailiff, minutes=start, detail=f"指挥中心派警{tag}"):
        return
    arrive = start + ri(rng, 12, 40)
    tl.add("arrival_110", day, officer=bailiff, minutes=arrive, detail="到达现场")
    for n in range(ri(rng, 1, 3)):
        tl.add("field_photo", day, officer=bailiff, minutes=arrive + 5 + 7 * n,
               media=f"field/{c.id}/{day:%Y%m%d}-{n + 1}.jpg", detail="现场照片回传")
    if rng.random() < 0.3 or tag:
        tl.add("field_video", day, officer=bailiff, minutes=arrive + 30,
               media=f"field/{c.id}/{day:%Y%m%d}.mp4", detail="现场视频回传")
    tl.add("result_110", day, officer=bailiff, minutes=arrive + ri(rng, 60, 180), detail="处置完毕")


def _campaign_day(tl: Timeline) -> None:
    """The 疾风骏马 morning: 06:30 start, field evidence, and for one case the vacated house."""
    _field_110(tl, CAMPAIGN_DAY, minute=6 * 60 + 30 + ri(tl.rng, 0, 40), tag="（疾风骏马专项行动）")
    if tl.case.tag == "campaign_eviction":
        tl.add("eviction", CAMPAIGN_DAY, minutes=10 * 60 + 20, detail="疾风骏马专项行动：腾退房屋一套")
