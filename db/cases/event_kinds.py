"""Registry of case-event kinds (one events table, kind from here)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventKind:
    key: str
    label: str
    group: str  # notice / query / control / realisation / sanction / field / money / other
    feed: bool = True  # shown in the live feed
    has_expiry: bool = False  # 查封/扣押/冻结 carry an expiry date (续封)
    has_amount: bool = False


_KINDS = (
    EventKind("notice_issued", "发出执行通知书", "notice"),
    EventKind("property_order", "发出报告财产令", "notice"),
    EventKind("risk_notice", "发出风险告知书", "notice", feed=False),
    EventKind("online_query_started", "网络查控发起", "query"),
    EventKind("online_query_result", "网络查控反馈", "query"),
    EventKind("property_investigation", "财产调查", "query", feed=False),
    EventKind("lead_verified", "财产线索核实", "query", feed=False),
    EventKind("interview", "约谈", "other"),
    EventKind("service", "送达", "notice", feed=False),
    EventKind("seizure", "查封", "control", has_expiry=True),
    EventKind("distraint", "扣押", "control", has_expiry=True),
    EventKind("freeze", "冻结", "control", has_expiry=True, has_amount=True),
    EventKind("renewal", "续封/续冻", "control", has_expiry=True),
    EventKind("release", "解除查封/冻结", "control", feed=False),
    EventKind("transfer", "划拨", "realisation", has_amount=True),
    EventKind("price_inquiry", "询价", "realisation"),
    EventKind("appraisal", "委托评估", "realisation"),
    EventKind("reference_price", "参考价确定", "realisation", has_amount=True),
    EventKind("auction_listed", "网拍挂拍", "realisation", has_amount=True),
    EventKind("auction_failed", "网拍流拍", "realisation"),
    EventKind("auction_sold", "网拍成交", "realisation", has_amount=True),
    EventKind("blacklist", "纳入失信名单", "sanction"),
    EventKind("consumption_ban", "限制高消费", "sanction"),
    EventKind("detention", "司法拘留", "sanction"),
    EventKind("fine", "罚款", "sanction", has_amount=True),
    EventKind("search", "搜查", "sanction"),
    EventKind("refusal_referral", "拒执犯罪移送", "sanction"),
    EventKind("eviction", "清场腾退", "realisation"),
    EventKind("alarm_110", "执行110接警", "field"),
    EventKind("dispatch_110", "执行110派警", "field"),
    EventKind("arrival_110", "执行110到达现场", "field"),
    EventKind("result_110", "执行110处置完毕", "field"),
    EventKind("field_photo", "现场照片回传", "field"),
    EventKind("field_video", "现场视频回传", "field"),
    EventKind("termination_ruling", "作出终本裁定", "other"),
    EventKind("other", "其他事项", "other", feed=False),
)

EVENT_KINDS: dict[str, EventKind] = {k.key: k for k in _KINDS}
