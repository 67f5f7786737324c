"""A realistic snapshot as plain data (shape of db/snapshot/builder.py) for wall tests.

Display strings are made with the engine's own formatting and status functions, so the
fixture looks exactly like a refresher snapshot of the demo court.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from db.indicators.format import change, display, quantize
from db.indicators.registry import REGISTRY
from db.indicators.status import status

YTD = {"label": "本年至今", "start": "2022-01-01", "end": "2022-09-30",
       "compare_start": "2021-01-01", "compare_end": "2021-09-30"}
MTD = {"label": "本月", "start": "2022-09-01", "end": "2022-09-30",
       "compare_start": "2021-09-01", "compare_end": "2021-09-30"}


def entry(key: str, value: Any, compare: Any = None, num: int | None = None,
          den: int | None = None) -> dict[str, Any]:
    """One indicator as db.indicators.compute returns it."""
    ind = REGISTRY[key]
    now = None if value is None else quantize(Decimal(str(value)), ind.digits, ind.rounding)
    old = None if compare is None else quantize(Decimal(str(compare)), ind.digits, ind.rounding)
    delta, text = change(now, old, ind.unit, ind.digits, ind.rounding)
    return {
        "name": ind.name, "unit": ind.unit, "value": None if now is None else str(now),
        "display": display(now, ind.unit), "numerator": num, "denominator": den,
        "status": status(ind, now), "compare_value": None if old is None else str(old),
        "compare_display": display(old, ind.unit), "compare_numerator": None,
        "compare_denominator": None, "delta": None if delta is None else str(delta),
        "delta_display": text,
    }


def scope(kind: str, ident: int, name: str, values: dict[str, tuple]) -> dict[str, Any]:
    return {"scope": kind, "id": ident, "name": name,
            "indicators": {key: entry(key, *args) for key, args in values.items()}}


COURT_YTD = {
    "accepted": (1312, 1188), "closed": (1065, 591), "closure_rate": ("81.21", "49.72", 1065, 1312),
    "completion_rate": ("30.61", "24.10"), "recovery_rate": ("42.37", "38.05"),
    "first_avg_days": ("83.65", "135.91"), "legal_limit_rate": ("86.40", "71.22"),
    "termination_rate": ("33.80", "41.50"), "long_pending": (37, 58),
}
COURT_MTD = {"accepted": (402, 377), "closed": (131, 96), "closure_rate": ("32.58", "25.46"),
             "completion_rate": ("11.69", "8.22")}
TEAMS = (
    (11, "简案团队", {"accepted": (810, 640), "closed": (707, 402), "closure_rate": ("87.28", "62.81"),
                    "completion_rate": ("30.61", "22.50"), "avg_days": (42, 77), "pending": (103, 238)}),
    (12, "繁案团队", {"accepted": (286, 332), "closed": (144, 102), "closure_rate": ("50.34", "30.72"),
                    "completion_rate": ("18.88", "15.06"), "avg_days": (156, 201), "pending": (142, 230)}),
    (13, "保全团队", {"accepted": (216, 188), "closed": (214, 180), "closure_rate": ("99.07", "95.74"),
                    "completion_rate": ("0", "0"), "avg_days": (10, 12), "pending": (2, 8)}),
)
OFFICERS = (
    ("王建国", "91.20", "80.11", 166), ("李晓梅", "88.76", "85.02", 158), ("张志强", "86.11", "66.30", 149),
    ("刘海燕", "84.93", "70.45", 141), ("陈国栋", "83.50", "88.10", 137), ("赵丽娜", "80.02", "61.13", 129),
    ("孙宏伟", "78.64", "57.90", 118), ("周静", "72.15", "64.80", 97), ("吴鹏飞", "69.90", "59.31", 88),
    ("郑晓东", "61.47", "52.70", 71), ("冯雪", "55.20", "49.88", 63), ("蒋立新", "48.33", None, 52),
    ("韩冬", "44.10", "51.00", 40),
)
MONTHS = [f"2021-{m:02d}" for m in (10, 11, 12)] + [f"2022-{m:02d}" for m in range(1, 10)]
TREND = [52.1, 58.4, 63.2, 9.8, 18.6, 29.7, 41.3, 50.2, 58.8, 66.4, 74.1, 81.21]
TREND_OLD = [40.3, 45.1, 49.9, 5.2, 11.4, 17.9, 24.6, 30.8, 36.2, 41.5, 45.9, 49.72]
TARGETS = [None, None, None, None, None, 18.0, 29.0, 42.0, 55.0, 63.0, 70.0, 76.0]
FEED = (
    ("2022-09-30T10:42:00+08:00", "seizure", "查封", "（2022）内0221执1532号", "繁案团队", "陈国栋",
     "查封被执行人张三名下房产一套"),
    ("2022-09-30T10:31:00+08:00", "transfer", "划拨", "（2022）内0221执1498号", "简案团队", "王建国",
     "划拨被执行人包头市鑫源建材有限公司存款（金额 52,300.00 元）"),
    ("2022-09-30T10:18:00+08:00", "dispatch_110", "执行110派警", "（2022）内0221执1477号", "繁案团队", "刘海燕",
     "申请执行人李四报告被执行人行踪，联系电话13912345678"),
    ("2022-09-30T09:55:00+08:00", "online_query_result", "网络查控反馈", "（2022）内0221执1601号", "简案团队",
     "李晓梅", "银行存款 3 笔，车辆 1 辆"),
    ("2022-09-30T09:40:00+08:00", "blacklist", "纳入失信名单", "（2022）内0221执1288号", "繁案团队", "张志强",
     "被执行人赵五，身份证号152222198805061234"),
    ("2022-09-30T09:21:00+08:00", "freeze", "冻结", "（2022）内0221执保211号", "保全团队", "孙宏伟",
     "冻结银行账户 2 个（金额 180,000.00 元）"),
    ("2022-09-30T09:02:00+08:00", "auction_sold", "网拍成交", "（2021）内0221执988号", "繁案团队", "陈国栋",
     "住宅一套成交（金额 1,268,000.00 元）"),
    ("2022-09-30T08:47:00+08:00", "detention", "司法拘留", "（2022）内0221执1102号", "繁案团队", "刘海燕",
     "被执行人钱六拒不申报财产，拘留十五日"),
    ("2022-09-29T17:36:00+08:00", "eviction", "清场腾退", "（2022）内0221执876号", "繁案团队", "陈国栋",
     "厂房清场腾退完毕"),
    ("2022-09-29T16:50:00+08:00", "field_photo", "现场照片回传", "（2022）内0221执1530号", "简案团队",
     "赵丽娜", "现场送达照片 4 张"),
    ("2022-09-29T16:12:00+08:00", "consumption_ban", "限制高消费", "（2022）内0221执1519号", "简案团队",
     "周静", ""),
    ("2022-09-29T15:30:00+08:00", "notice_issued", "发出执行通知书", "（2022）内0221执1611号", "简案团队",
     "吴鹏飞", ""),
    ("2022-09-29T15:02:00+08:00", "interview", "约谈", "（2022）内0221执1402号", "繁案团队", "郑晓东",
     "约谈申请执行人孙七"),
    ("2022-09-29T14:40:00+08:00", "price_inquiry", "询价", "（2022）内0221执1390号", "繁案团队", "冯雪", ""),
)


def sample_snapshot(version: int = 7, bump: int = 0, nodes: bool = True) -> dict[str, Any]:
    """The demo court on 2022-09-30; `bump` closes more cases so figures change."""
    court_ytd = dict(COURT_YTD, closed=(1065 + bump, 591))
    officers = [scope("officer", 100 + i, name, {"closure_rate": (rate, old), "closed": (closed,),
                                                 "completion_rate": (f"{float(rate) / 2.7:.2f}", None)})
                for i, (name, rate, old, closed) in enumerate(OFFICERS)]
    teams = [scope("team", ident, name, values) for ident, name, values in TEAMS]
    return {
        "version": version, "as_of": "2022-09-30T02:42:00+00:00",
        "computed_at": "2022-09-30T02:42:07+00:00", "duration_ms": 840, "status": "ok", "last_error": None,
        "court": {"id": 1, "code": "内0221", "name": "包头市土默特右旗人民法院"},
        "periods": {"ytd": YTD, "mtd": MTD},
        "views": {"ytd": {"court": scope("court", 1, "包头市土默特右旗人民法院", court_ytd), "teams": teams,
                          "officers": officers},
                  "mtd": {"court": scope("court", 1, "包头市土默特右旗人民法院", COURT_MTD), "teams": [],
                          "officers": []},
                  "since_founding": {"teams": []}},
        "trend": {"months": MONTHS,
                  "court": {"closure_rate": {"values": TREND[:-1] + [81.21 + bump / 100],
                                             "compare_values": TREND_OLD}},
                  "teams": {}, "targets": {"closure_rate": TARGETS}},
        "nodes": sample_nodes() if nodes else None,
        "feed": [{"at": at, "kind": kind, "label": label, "case_number": number, "team": team,
                  "officer": officer, "detail": detail}
                 for at, kind, label, number, team, officer, detail in FEED],
        "campaign": {"id": 3, "name": "疾风骏马", "start": "2022-08-24", "end": "2022-10-31", "closed": 11,
                     "completed": 11, "recovered": 1036500.0, "evictions": 1, "detentions": 3,
                     "blacklisted": 27},
    }


def as_of_date(snapshot: dict[str, Any]) -> dt.date:
    return dt.date.fromisoformat(snapshot["periods"]["ytd"]["end"])


def sample_nodes() -> dict[str, Any]:
    """A node-control summary in the shape of db/nodes/counts.py `node_summary`."""
    def node(key: str, name: str, overdue: int, due_soon: int) -> dict[str, Any]:
        return {"key": key, "name": name, "kind": "deadline", "overdue": overdue, "due_soon": due_soon,
                "not_due": 40, "done_late": 3, "done_on_time": 120}
    return {
        "as_of": "2022-09-30", "rules": "sample",
        "totals": {"overdue": 23, "due_soon": 41, "not_due": 530, "done_late": 17, "done_on_time": 2210},
        "by_node": [node("notice", "执行通知书发出", 2, 9), node("online_query", "网络查控发起", 0, 6),
                    node("property_report", "报告财产令", 5, 4), node("disposal", "财产处置启动", 9, 7),
                    node("payment", "案款发放", 6, 8), node("renewal", "续封续冻", 1, 7),
                    node("closing", "结案审限", 0, 0)],
        "by_team": [{"team_id": 11, "name": "简案团队", "overdue": 6, "due_soon": 19, "done_late": 5,
                     "open_cases": 103, "avg_overdue": 0.06},
                    {"team_id": 12, "name": "繁案团队", "overdue": 16, "due_soon": 18, "done_late": 11,
                     "open_cases": 142, "avg_overdue": 0.11},
                    {"team_id": 13, "name": "保全团队", "overdue": 1, "due_soon": 4, "done_late": 1,
                     "open_cases": 2, "avg_overdue": 0.5}],
        "payments": {"bands": [{"band": "0-5", "label": "5 日内", "count": 14, "amount": "286000.00"},
                               {"band": "6-10", "label": "6–10 日", "count": 6, "amount": "91500.00"},
                               {"band": "11-15", "label": "11–15 日", "count": 3, "amount": "40200.00"},
                               {"band": "16-30", "label": "16–30 日", "count": 2, "amount": "18800.00"},
                               {"band": ">30", "label": "超过 30 日", "count": 1, "amount": "5600.00"}],
                     "count": 26, "amount": "442100.00", "oldest_days": 41},
        "supervision": {"issued": 7, "answered": 4, "overdue": 2, "closed": 31, "open": 13},
    }


def campaign_sample(name: str = "雷霆攻坚", bump: int = 0) -> dict[str, Any]:
    """A running 专项行动 as db.campaigns.figures.campaign_report gives it (the wall's screen)."""
    from db.campaigns.figures import MEASURES

    days = [f"2026-11-{d:02d}" for d in range(18, 31)] + [f"2026-12-{d:02d}" for d in range(1, 6)]
    values = {"closed": 137 + bump, "completed": 59, "recovered": 4109225.69, "disbursed": 3176663.28,
              "detention": 1, "fine": 1, "blacklist": 13, "consumption_ban": 18, "search": 0, "eviction": 1,
              "refusal_referral": 0}
    targets = {"closed": 248.0, "recovered": 6510000.0, "disbursed": 6020000.0, "detention": 5.0,
               "blacklist": 22.0, "consumption_ban": 31.0}
    share = 18 / 31
    measures = []
    for key, m in MEASURES.items():
        target = targets.get(key)
        progress = values[key] / target if target else None
        measures.append({"key": key, "label": m.label, "unit": m.unit, "value": values[key], "target": target,
                         "progress": progress, "behind": bool(target) and progress is not None and progress < share})
    series = {k: [round(v / len(days), 2) if MEASURES[k].money else (v // len(days) + (i < v % len(days)))
                  for i in range(len(days))] for k, v in values.items()}
    teams = [{"rank": i + 1, "id": i + 1, "name": n, "closed": c, "recovered": r, "sanctions": s}
             for i, (n, c, r, s) in enumerate((("繁案一团队", 49, 1440110.99, 17), ("简案团队", 46, 854223.35, 4),
                                               ("繁案二团队", 42, 1814891.35, 13)))]
    events = [{"at": f"2026-12-05 1{h}:20", "kind": "blacklist", "label": "纳入失信名单",
               "case_number": f"（2026）内0221执{300 + h}号", "team": "简案团队", "detail": "纳入失信被执行人名*"}
              for h in range(7)]
    return {"id": 2, "name": name, "description": "", "start": "2026-11-18", "end": "2026-12-18",
            "as_of": "2026-12-05", "today": "2026-12-05", "status": "running", "status_label": "进行中",
            "on_wall": True, "ended_by_hand": False, "time_progress": share, "scope": ["案件类型：首执、恢复执行"],
            "scope_cases": 18424, "measures": measures, "targeted": list(targets),
            "daily": {"days": days, "series": series}, "teams": teams, "officers": teams, "events": events}
