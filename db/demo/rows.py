"""Turn drafts into table rows: ids, case numbers, 执恢 origins, parties, assignment history."""
from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any, Protocol

from db.cases.numbers import format_case_number
from db.demo import names
from db.demo.days import REFORM
from db.demo.drafts import P1_END, CaseDraft
from db.demo.events import money
from db.demo.fastrand import pick, ri
from db.demo.org import OrgPlan

DAY = dt.timedelta(days=1)
AGENCIES = ("土默特右旗自然资源局", "土默特右旗市场监督管理局", "土默特右旗社会保险事业管理局")


@dataclass
class Numbering:
    """Running ids and per-(year, 类型代字) serials; kept across bulk chunks."""

    next_id: int = 1
    serials: dict[tuple[int, str], int] = field(default_factory=dict)
    # 终本 cases available as 执恢 origins: (closed_on, id), sorted by closing date
    finals: list[tuple[dt.date, int]] = field(default_factory=list)


def reassign(drafts: list[CaseDraft], org: OrgPlan, rng: random.Random) -> None:
    """Add realistic 改派 history; the current holder stays what the counts expect."""
    movers = set(org.movers)
    for d in drafts:
        if d.fixed and d.tag.endswith("window"):
            continue
        if d.filed < REFORM and d.officer in movers and (d.closed is None or d.closed >= REFORM):
            d.history.append((d.team, d.officer, d.filed, "立案分案"))
            d.officer = pick(rng, org.judges(d.team))
            d.history.append((d.team, d.officer, REFORM, "执行指挥中心实体化运行，原承办人调整至新团队，案件移交"))
        elif d.team in org.complex and not d.fixed and len(org.complex) > 1 and rng.random() < 0.03:
            others = [k for k in org.complex if k != d.team]
            other = others[0] if len(others) == 1 else pick(rng, others)
            d.history.append((d.team, d.officer, d.filed, "立案分案"))
            d.team, d.officer = other, pick(rng, org.judges(other))
            d.history.append((other, d.officer, _later(rng, d), "均衡办案数量，改派"))
        elif d.team == "simple" and d.filed > P1_END and rng.random() < 0.05:
            d.history.append((d.team, d.officer, d.filed, "立案分案"))
            d.team = pick(rng, org.complex)
            d.officer, d.track = pick(rng, org.judges(d.team)), "complex"
            d.history.append((d.team, d.officer, _later(rng, d), "查控反馈有不动产需处置，转繁案团队"))


def _later(rng: random.Random, d: CaseDraft) -> dt.date:
    end = d.closed or d.filed + 30 * DAY
    return min(end, d.filed + ri(rng, 3, 20) * DAY)


def number(drafts: list[CaseDraft], state: Numbering) -> None:
    """Assign ids and case numbers in filing order (serials restart every year)."""
    drafts.sort(key=lambda d: (d.filed, d.type_code))
    for d in drafts:
        d.id = state.next_id
        state.next_id += 1
        key = (d.filed.year, d.type_code)
        state.serials[key] = state.serials.get(key, 0) + 1
        d.serial = state.serials[key]


def link_origins(drafts: list[CaseDraft], state: Numbering, rng: random.Random) -> None:
    """Point each 执恢 case at an earlier 终本 case (closed at least two weeks before)."""
    finals = state.finals
    finals.extend((d.closed, d.id) for d in drafts
                  if d.method == "terminated_this_round" and d.closed)
    finals.sort()
    for d in drafts:
        if d.category != "resumed":
            continue
        cut = bisect.bisect_right(finals, (d.filed - 14 * DAY, 1 << 62))
        if cut:
            d.origin_id = finals.pop(rng.randrange(cut))[1]
    if len(finals) > 20000:  # keep the bulk generator's memory bounded
        del finals[: len(finals) - 20000]


def case_row(d: CaseDraft, court_id: int, org: OrgPlan, rng: random.Random) -> dict[str, Any]:
    """The cases row of one draft."""
    return {
        "id": d.id, "court_id": court_id,
        "case_number": format_case_number(d.filed.year, org.code, d.type_code, d.serial),
        "year": d.filed.year, "court_code": org.code, "type_code": d.type_code,
        "serial": d.serial, "category": d.category,
        "received_on": d.filed - ri(rng, 0, 6) * DAY, "filed_on": d.filed,
        "closed_on": d.closed, "closing_method": d.method, "track": d.track,
        "non_litigation": d.non_litigation, "team_id": org.team_ids[d.team],
        "officer_id": d.officer, "target_amount": money(d.target),
        "recovered_amount": money(d.recovered), "cause": d.cause,
        "origin_case_id": d.origin_id,
    }


class PartySource(Protocol):
    """What party_rows needs of a case: a generated draft, or a live case the simulator files."""

    id: int
    non_litigation: bool

    @property
    def parties(self) -> list[dict[str, str]] | None: ...


def party_rows(d: PartySource, rng: random.Random) -> list[dict[str, Any]]:
    """申请执行人 and 被执行人 rows (fake people and companies)."""
    if d.parties:
        return [{"case_id": d.id, **p} for p in d.parties]
    rows = []
    if d.non_litigation:
        rows.append({"role": "applicant", "kind": "organization", "name": pick(rng, AGENCIES),
                     "id_number": names.credit_code(rng)})
    else:
        for _ in range(1 if rng.random() < 0.85 else 2):
            rows.append(names.party(rng, "applicant", 0.35))
    for _ in range(rng.choices((1, 2, 3), (60, 30, 10))[0]):
        rows.append(names.party(rng, "respondent", 0.2))
    return [{"case_id": d.id, **r} for r in rows]


def assignment_rows(d: CaseDraft, org: OrgPlan) -> list[dict[str, Any]]:
    """分案 and 改派 history ending with the current holder."""
    steps = d.history or [(d.team, d.officer, d.filed, "立案分案")]
    if d.history and (d.history[-1][0], d.history[-1][1]) != (d.team, d.officer):
        last = d.history[-1][2]
        steps = [*d.history, (d.team, d.officer, min(d.closed or last + DAY, last + DAY), "繁简分流调整")]
    return [{"case_id": d.id, "team_id": org.team_ids[t], "officer_id": o, "assigned_on": day,
             "reason": reason} for t, o, day, reason in steps]
