"""A desk page's URL, parsed once into a typed request: parse → fetch → render.

Each desk callback turns what its page's QUERY store holds (the id in the path and the URL query)
into one of these frozen objects at its edge. A bad value raises ParamError with the Chinese
message the page shows in its error box (never a 500). The fetch functions (`screens.py`,
`lists.py`, `supervision_data.py`) take the request and never read the URL again; the links the
pages show are built from requests (`href()`), so `parse(request.query()) == request`.

Parsing checks form and choice (a number, a date, a known preset, a known indicator); whether a
team, officer or case exists and whether the principal may see it is the fetch's job.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from callbacks.desk.params import (
    PARTS,
    ParamError,
    PeriodChoice,
    parse_date,
    parse_id,
    parse_period,
    parse_range,
    search,
)
from db.indicators.period import Period
from db.indicators.registry import Indicator
from db.queries.queue import NODE_ALERTS, QUEUE_KINDS, SCOPES
from db.supervision.orders import ORDER_STATUSES, TARGET_KINDS, OrderFilter

SCOPE_LABELS = {"court": "全院", "team": "团队", "officer": "承办人"}
STATUS_CHOICES: dict[str, str] = {"open": "未办结（已下发、已反馈、逾期）", **ORDER_STATUSES}


@dataclass(frozen=True)
class Scope:
    """Whose figures: the court, one team or one officer (a court without id: the loaded court)."""

    level: str = "court"  # court | team | officer
    id: int | None = None

    @classmethod
    def parse(cls, query: Mapping[str, Any]) -> Scope:
        level = str(query.get("scope") or "court")
        if level not in SCOPES:
            raise ParamError(f"未知的统计层级“{level}”（可选：court 全院、team 团队、officer 承办人）")
        return cls(level, parse_id(query, "id", f"{SCOPE_LABELS[level]}编号", required=level != "court"))

    @property
    def label(self) -> str:
        return SCOPE_LABELS[self.level]

    def query(self) -> dict[str, Any]:
        return {"scope": self.level, "id": self.id}


@dataclass(frozen=True)
class AnalysisRequest:
    """/analysis?preset=…&cmp=…&team=…&officer=…: the period and how far down the drill goes."""

    choice: PeriodChoice
    team_id: int | None = None
    officer_id: int | None = None
    court_id: int | None = None  # the court level's court (None: the selected court)

    @classmethod
    def parse(cls, query: Mapping[str, Any], today: dt.date) -> AnalysisRequest:
        choice = parse_period(query, today)
        officer_id = parse_id(query, "officer", "承办人")
        return cls(choice, parse_id(query, "team", "团队"), officer_id, parse_id(query, "court", "法院"))

    def query(self) -> dict[str, Any]:
        return self.choice.query() | {"court": self.court_id, "team": self.team_id,
                                      "officer": self.officer_id}

    def href(self) -> str:
        return "/analysis" + search(self.query())


@dataclass(frozen=True)
class RegionRequest:
    """/region?key=…&preset=…&court=…: the 辖区法院排名 — which indicator ranks the courts of
    which 辖区 (None: the selected court's) over which period."""

    choice: PeriodChoice
    key: str = "closure_rate"
    court_id: int | None = None

    @classmethod
    def parse(cls, query: Mapping[str, Any], today: dt.date,
              indicators: Mapping[str, Indicator] | None = None) -> RegionRequest:
        key = str(query.get("key") or "closure_rate")
        if indicators is not None and key not in indicators:
            raise ParamError(f"未知的排名指标“{key[:40]}”")
        return cls(parse_period(query, today), key, parse_id(query, "court", "法院"))

    def query(self) -> dict[str, Any]:
        return self.choice.query() | {"key": self.key, "court": self.court_id}

    def href(self) -> str:
        return "/region" + search(self.query())


@dataclass(frozen=True)
class CenterRequest:
    """/center?preset=…&start=…&end=…: the period (本月 unless the URL says otherwise)."""

    choice: PeriodChoice

    @classmethod
    def parse(cls, query: Mapping[str, Any], today: dt.date) -> CenterRequest:
        query = dict(query)
        if not query.get("preset") and not query.get("start"):
            query["preset"] = "month"  # the center works by the day and the month
        return cls(parse_period(query, today))

    def query(self) -> dict[str, Any]:
        return self.choice.query()

    def href(self) -> str:
        return "/center" + search(self.query())


@dataclass(frozen=True)
class TeamRequest:
    """/team/<id>?preset=…: a team lead's desk for a period."""

    team_id: int
    choice: PeriodChoice

    @classmethod
    def parse(cls, path_id: Any, query: Mapping[str, Any], today: dt.date) -> TeamRequest:
        choice = parse_period(query, today)
        return cls(_path_id(path_id, "team", "团队"), choice)

    def href(self) -> str:
        return f"/team/{self.team_id}" + search(self.choice.query())


@dataclass(frozen=True)
class OfficerRequest:
    """/officer/<id>?preset=…: one officer's desk for a period."""

    officer_id: int
    choice: PeriodChoice

    @classmethod
    def parse(cls, path_id: Any, query: Mapping[str, Any], today: dt.date) -> OfficerRequest:
        choice = parse_period(query, today)
        return cls(_path_id(path_id, "officer", "承办人"), choice)

    def href(self) -> str:
        return f"/officer/{self.officer_id}" + search(self.choice.query())


@dataclass(frozen=True)
class CasesRequest:
    """/cases?…: the rows behind one number. `list` says which kind of number:

    - indicator: `/cases?indicator=KEY&part=numerator|denominator&scope=…&id=…&start=…&end=…`
    - queue: `/cases?queue=KIND&scope=…&id=…` (an action-queue count, as of today)
    - node: `/cases?node=overdue|due_soon&scope=…&id=…` (a node-alert count, as of today)
    """

    list: str  # indicator | queue | node
    key: str  # the indicator key, queue kind or node status
    scope: Scope
    part: str = "numerator"  # indicator lists: numerator | denominator
    period: Period | None = None  # indicator lists only

    @classmethod
    def parse(cls, query: Mapping[str, Any], indicators: Mapping[str, Indicator]) -> CasesRequest:
        """`indicators`: the court's indicator settings (which keys exist, which have a denominator)."""
        if query.get("node"):
            status = str(query["node"])
            if status not in NODE_ALERTS:
                raise ParamError(f"未知的节点状态“{status}”（可选：overdue 超期、due_soon 临期）")
            return cls("node", status, Scope.parse(query))
        if query.get("queue"):
            kind = str(query["queue"])
            if kind not in QUEUE_KINDS:
                raise ParamError(f"未知的待办类型“{kind}”（可选：{'、'.join(QUEUE_KINDS)}）")
            return cls("queue", kind, Scope.parse(query))
        if query.get("indicator"):
            return cls._indicator(query, indicators)
        raise ParamError("请指定要查看的指标（indicator=…&part=…）、待办类型（queue=…）或节点状态（node=…）")

    @classmethod
    def _indicator(cls, query: Mapping[str, Any], indicators: Mapping[str, Indicator]) -> CasesRequest:
        key = str(query.get("indicator") or "")
        if key not in indicators:
            raise ParamError(f"未知的指标“{key}”")
        part = str(query.get("part") or "numerator")
        if part not in PARTS:
            raise ParamError(f"part 应为 numerator（分子）或 denominator（分母），实际为“{part}”")
        if part == "denominator" and not indicators[key].denominator:
            raise ParamError(f"指标“{indicators[key].name}”没有分母")
        period = parse_range(query, "start", "end", "统计期间")
        return cls("indicator", key, Scope.parse(query), part, period)

    def query(self) -> dict[str, Any]:
        if self.list == "indicator":
            assert self.period is not None
            return {"indicator": self.key, "part": self.part, **self.scope.query(),
                    "start": self.period.start.isoformat(), "end": self.period.end.isoformat()}
        return {self.list: self.key, **self.scope.query()}

    def href(self) -> str:
        return "/cases" + search(self.query())


@dataclass(frozen=True)
class CaseRequest:
    """/case/<id>."""

    case_id: int

    @classmethod
    def parse(cls, path_id: Any) -> CaseRequest:
        return cls(_path_id(path_id, "case", "案件编号"))

    def href(self) -> str:
        return f"/case/{self.case_id}"


@dataclass(frozen=True)
class SupervisionRequest:
    """/supervision?status=…&team=…&…&order=…&new=…: the list's filters, the order opened in the
    detail panel, and the target kind of a pre-filled issue form (`new`, with `case`)."""

    filters: OrderFilter = OrderFilter()
    order_id: int | None = None
    new: str = ""

    @classmethod
    def parse(cls, query: Mapping[str, Any]) -> SupervisionRequest:
        (ifrom, ito), (dfrom, dto) = (_dates(query, *d) for d in DATE_FILTERS)
        filters = OrderFilter(
            status=_choice(query, "status", STATUS_CHOICES, "状态"),
            team_id=parse_id(query, "team", "团队"), officer_id=parse_id(query, "officer", "承办人"),
            case_id=parse_id(query, "case", "案件"), target_kind=_choice(query, "kind", TARGET_KINDS, "督办对象"),
            issued_from=ifrom, issued_to=ito, due_from=dfrom, due_to=dto,
            text=str(query.get("q") or "").strip()[:100],
        )
        return cls(filters, parse_id(query, "order", "督办编号"), str(query.get("new") or ""))

    def required_order(self) -> int:
        """The order an action is for; the URL must name one."""
        if self.order_id is None:
            raise ParamError("缺少督办编号（order）")
        return self.order_id

    def filter_query(self) -> dict[str, Any]:
        """The filters as URL parameters (what a link keeps when it opens an order)."""
        f = self.filters
        day = {k: v.isoformat() if v else None for k, v in (
            ("ifrom", f.issued_from), ("ito", f.issued_to), ("dfrom", f.due_from), ("dto", f.due_to))}
        return {"status": f.status, "team": f.team_id, "officer": f.officer_id, "case": f.case_id,
                "kind": f.target_kind, **day, "q": f.text}

    def query(self) -> dict[str, Any]:
        return self.filter_query() | {"order": self.order_id, "new": self.new}

    def href(self) -> str:
        return "/supervision" + search(self.query())


MEETING_LEVELS = {"region": "辖区", "court": "全院", "team": "团队", "officer": "承办人", "case": "案件",
                  "compare": "对比"}
COMPARE_KINDS = {"team": "团队", "officer": "承办人"}
MAX_ID = 2**31 - 1


def _focus_id(raw: Any, label: str) -> int:
    found = _path_id(raw, "id", label)
    if found > MAX_ID:
        raise ParamError(f"{label}“{raw}”不是有效的编号")
    return found


@dataclass(frozen=True)
class Focus:
    """Where a meeting is: one level and its entity, or two teams / two officers side by side.

    `top` is the highest level the principal may see (the court, or a team lead's own team).
    The browser keeps the focus (a dcc.Store); it is parsed here like a URL, and the fetch checks
    the principal's scope for every entity it names."""

    level: str = "top"  # top | region | court | team | officer | case | compare
    id: int | None = None
    kind: str | None = None  # compare: team | officer
    ids: tuple[int, ...] = ()

    @classmethod
    def parse(cls, data: Any) -> Focus:
        if not data:
            return cls()
        if not isinstance(data, Mapping):
            raise ParamError("会议位置无效，请按 Home 键回到起点")
        level = str(data.get("level") or "top")
        if level == "top" or (level in ("region", "court") and data.get("id") in (None, "")):
            return cls(level)  # region / court without id: the current court's
        if level in ("region", "court"):
            return cls(level, _focus_id(data.get("id"), "法院编号"))
        if level in ("team", "officer", "case"):
            return cls(level, _focus_id(data.get("id"), f"{MEETING_LEVELS[level]}编号"))
        if level != "compare":
            raise ParamError(f"未知的会议层级“{level[:20]}”（可选：辖区、全院、团队、承办人、案件、对比）")
        kind = str(data.get("kind") or "")
        if kind not in COMPARE_KINDS:
            raise ParamError("对比只能在两个团队或两个承办人之间进行")
        raw = data.get("ids")
        if not isinstance(raw, list | tuple) or len(raw) != 2:
            raise ParamError(f"请选择两个{COMPARE_KINDS[kind]}进行对比")
        ids = tuple(_focus_id(r, f"{COMPARE_KINDS[kind]}编号") for r in raw)
        if ids[0] == ids[1]:
            raise ParamError(f"请选择两个不同的{COMPARE_KINDS[kind]}进行对比")
        return cls("compare", kind=kind, ids=ids)

    def data(self) -> dict[str, Any]:
        """What the browser stores (and the trail records)."""
        if self.level == "compare":
            return {"level": "compare", "kind": self.kind, "ids": list(self.ids)}
        return {"level": self.level} | ({"id": self.id} if self.id is not None else {})


@dataclass(frozen=True)
class MeetingRequest:
    """/meeting?preset=…: the period (URL) and where the meeting is (the focus the browser keeps)."""

    choice: PeriodChoice
    focus: Focus = Focus()

    @classmethod
    def parse(cls, query: Mapping[str, Any], focus: Any, today: dt.date,
              start: Mapping[str, Any] | None = None) -> MeetingRequest:
        """`start`: the level an opening link names (`/meeting?team=…` or `&officer=…`, as from
        /analysis); it wins over the stored focus when the page opens."""
        choice = parse_period(query, today)
        if start:
            officer = parse_id(start, "officer", "承办人")
            team = parse_id(start, "team", "团队")
            if officer or team:
                return cls(choice, Focus("officer", officer) if officer else Focus("team", team))
        return cls(choice, Focus.parse(focus))

    def href(self) -> str:
        return "/meeting" + search(self.choice.query())


DATE_FILTERS = (("ifrom", "ito", "下发日期"), ("dfrom", "dto", "办理期限"))


def _path_id(raw: Any, key: str, label: str) -> int:
    found = parse_id({key: raw}, key, label, required=True)
    assert found is not None  # required=True raises instead
    return found


def _choice(query: Mapping[str, Any], key: str, choices: Mapping[str, str], label: str) -> str | None:
    value = str(query.get(key) or "").strip()
    if value and value not in choices:
        raise ParamError(f"{label}“{value}”无效（可选：{'、'.join(choices.values())}）")
    return value or None


def _dates(query: Mapping[str, Any], lo_key: str, hi_key: str, label: str) -> tuple[dt.date | None, dt.date | None]:
    lo = parse_date(query[lo_key], f"{label}开始（{lo_key}）") if query.get(lo_key) else None
    hi = parse_date(query[hi_key], f"{label}结束（{hi_key}）") if query.get(hi_key) else None
    if lo and hi and lo > hi:
        raise ParamError(f"{label}开始 {lo} 晚于结束 {hi}，请调换或重新选择")
    return lo, hi
