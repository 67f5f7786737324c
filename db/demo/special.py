"""The special action "疾风骏马" (2022-08-24) and its target cases; the campaign running now."""
from __future__ import annotations

import datetime as dt
import random

from db.demo.drafts import CaseDraft
from db.demo.org import COMPLEX

CAMPAIGN_DAY = dt.date(2022, 8, 24)
CAMPAIGN_NAME = "疾风骏马"
CAMPAIGN_TEXT = (
    "8月24日6时30分，执行干警整装待发，在警笛声中拉开“疾风骏马”集中执行专项行动的帷幕。"
    "全体执行干警参加，统一使用智慧执行APP，现场视频、图片同步回传执行系统留存备案。"
)
# 申请执行标的 of the 11 cases closed 执行完毕 that day (元); the first is the vacated house.
CLOSED_AMOUNTS = (386_500, 215_000, 98_000, 76_320, 64_000, 52_800, 41_500, 33_960, 28_000,
                  15_600, 12_850)
OTHER_TARGETS = 7  # cases visited that day but not closed


def pick_campaign(rng: random.Random, drafts: list[CaseDraft]) -> list[CaseDraft]:
    """Turn 11 open 繁案 cases into the day's 执行完毕 closings; mark 7 more as visited."""
    def open_that_day(d: CaseDraft) -> bool:
        return (d.team in COMPLEX and d.category in ("first", "resumed") and not d.fixed
                and d.filed <= CAMPAIGN_DAY - dt.timedelta(days=60)
                and (d.closed is None or d.closed > CAMPAIGN_DAY + dt.timedelta(days=30)))

    pool = [d for d in drafts if open_that_day(d)]
    chosen = rng.sample(pool, len(CLOSED_AMOUNTS) + OTHER_TARGETS)
    for index, (case, yuan) in enumerate(zip(chosen, CLOSED_AMOUNTS, strict=False)):
        case.closed, case.method = CAMPAIGN_DAY, "completed"
        case.target = case.recovered = yuan * 100
        case.fixed = True
        case.tag = "campaign_eviction" if index == 0 else "campaign_closed"
    for case in chosen[len(CLOSED_AMOUNTS):]:
        case.fixed = True
        case.tag = "campaign_visit"
    return chosen


# A campaign running on the demo's today (so the wall's 专项行动 screen always has one): it began
# LIVE_BEFORE days ago and ends LIVE_AFTER days from today; it counts 首执 and 恢复执行 cases.
LIVE_NAME = "雷霆攻坚"
LIVE_TEXT = "全院集中执行专项行动：集中力量攻坚首执、恢复执行案件，依法从严采取拘留、失信、限高等惩戒措施。"
LIVE_BEFORE, LIVE_AFTER = 17, 13
LIVE_SCOPE = {"categories": ["first", "resumed"]}
# target = (so far ÷ time progress) × factor: a little ahead on some, behind on others
LIVE_FACTORS = {"closed": 1.05, "recovered": 0.92, "disbursed": 1.1, "detention": 1.2, "blacklist": 0.95,
                "consumption_ban": 1.0}
# registry indicators targeted (docs/campaigns.md): a higher one's target = (so far ÷ time progress)
# × factor, a lower one's ceiling = so far × factor
LIVE_INDICATORS = {"closure_rate": 0.9, "first_avg_days": 1.15}
