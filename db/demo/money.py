"""案款 (payments in and out), 扣除期限 (pauses) and 延长期限 (extensions) of one case."""
from __future__ import annotations

import datetime as dt
import random
from typing import Any

from db.demo.drafts import CaseDraft
from db.demo.events import money
from db.demo.fastrand import pick, ri
from db.demo.special import CAMPAIGN_DAY

DAY = dt.timedelta(days=1)


def payments(case: CaseDraft, today: dt.date, rng: random.Random,
             late: float = 0.0) -> list[dict[str, Any]]:
    """Receipts summing to the recovered amount, each paid out after a lag (some late or pending;
    `late`: the extra share a court weak on 案款发放 pays 31–180 days late)."""
    if case.recovered <= 0:
        return []
    end = case.closed or today
    parts = _split(rng, case.recovered, 1 if rng.random() < 0.6 else ri(rng, 2, 3))
    span = max(0, (end - case.filed).days - 3)
    days = sorted(case.filed + (3 + ri(rng, 0, span)) * DAY if span else end for _ in parts)
    days = [min(d, end) for d in days]
    if case.closed:
        days[-1] = case.closed  # the last receipt is what completes the case
    if case.tag.startswith("campaign_") and case.closed == CAMPAIGN_DAY:
        days = [CAMPAIGN_DAY] * len(parts)
    rows = []
    for received, cents in zip(days, parts, strict=True):
        out = received + _lag(rng, late) * DAY
        paid = out <= today
        rows.append({
            "case_id": case.id, "received_on": received, "amount": money(cents),
            "paid_out_on": out if paid else None, "paid_amount": money(cents) if paid else None,
        })
    return rows


def _lag(rng: random.Random, late: float = 0.0) -> int:
    """Days from 到账 to 发放: mostly within the local limit, some late."""
    if late and rng.random() < late:
        return ri(rng, 31, 180)
    roll = rng.random()
    if roll < 0.8:
        return ri(rng, 1, 20)
    if roll < 0.9:
        return ri(rng, 21, 30)
    return ri(rng, 31, 90)


def _split(rng: random.Random, cents: int, parts: int) -> list[int]:
    if parts == 1 or cents < parts * 100:
        return [cents]
    cuts = sorted(rng.sample(range(1, cents), parts - 1))
    edges = [0, *cuts, cents]
    return [b - a for a, b in zip(edges, edges[1:], strict=False)]


def pauses(case: CaseDraft, events: list[dict[str, Any]], today: dt.date,
           rng: random.Random) -> list[dict[str, Any]]:
    """Clock pauses: 评估 and 拍卖 periods from the sale events, plus occasional 中止/暂缓."""
    end = case.closed or today
    rows = []
    kinds = {e["kind"]: e["occurred_at"].date() for e in events}
    if "appraisal" in kinds and "reference_price" in kinds:
        rows.append(_pause(case, "appraisal", "委托评估", kinds["appraisal"], kinds["reference_price"]))
    if "auction_listed" in kinds:
        stop = kinds.get("auction_sold") or (None if case.closed is None else end)
        rows.append(_pause(case, "auction", "网络司法拍卖", kinds["auction_listed"], stop))
    if case.category in ("first", "resumed") and (end - case.filed).days > 120 and rng.random() < 0.05:
        start = case.filed + ri(rng, 30, 90) * DAY
        stop = start + ri(rng, 30, 120) * DAY
        kind, reason = pick(rng, (("suspension", "被执行人下落不明，中止执行"),
                                   ("deferral", "达成执行和解，暂缓执行")))
        rows.append(_pause(case, kind, reason, start, None if stop > end else stop))
    return [r for r in rows if r["started_on"] <= end]


def _pause(case: CaseDraft, kind: str, reason: str, start: dt.date,
           stop: dt.date | None) -> dict[str, Any]:
    if case.closed and (stop is None or stop > case.closed):
        stop = case.closed
    return {"case_id": case.id, "kind": kind, "reason": reason, "started_on": start, "ended_on": stop}


def extensions(case: CaseDraft, today: dt.date, rng: random.Random) -> list[dict[str, Any]]:
    """An approved three-month extension for many cases that outran the legal period."""
    if case.category not in ("first", "resumed"):
        return []
    limit = 90 if case.non_litigation else 180
    end = case.closed or today
    if (end - case.filed).days <= limit or rng.random() >= 0.6:
        return []
    approved = case.filed + (limit - ri(rng, 5, 15)) * DAY
    return [{"case_id": case.id, "reason": "案情复杂，财产处置尚未完成", "approved_on": approved, "days": 90}]
