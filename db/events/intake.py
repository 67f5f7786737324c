"""Check and write a batch of field events reported by a source; idempotent by external id.

A batch is checked whole before anything is written: every problem is reported with the item's
position, the field and a Chinese message, and then nothing is written. An item whose (source,
external id) has arrived before is not written again: the answer names the stored event
("duplicate"); a resend with different content is refused (409), never silently merged.
The caller owns the session and commits; two workers racing on one external id make the later
commit fail on the unique (source, external id), and a retry then finds the event stored.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.auth import audit
from db.auth.access import Principal
from db.cases.event_kinds import EVENT_KINDS
from db.cases.numbers import parse_case_number
from db.errors import ValidationError
from db.models import Case, CaseEvent
from db.models.events import EventReceipt, EventSource
from db.session import bump_data_version

# The kinds a reporting system may send: registry key → the Chinese words it may send instead.
API_KINDS: dict[str, tuple[str, ...]] = {
    "alarm_110": ("接警", "执行110接警"),
    "dispatch_110": ("出警", "派警", "执行110派警", "执行110出警"),
    "arrival_110": ("到场", "执行110到场", "执行110到达现场"),
    "result_110": ("处置完毕", "执行110处置完毕"),
    "detention": ("拘留", "司法拘留"),
    "seizure": ("查封",),
    "field_photo": ("现场照片", "现场照片回传"),
    "field_video": ("现场视频", "现场视频回传"),
    # the center's 事务集约 work (issue #18): 查控, 送达 and 续封 reported by the systems that do them
    "online_query_started": ("网络查控发起", "查控发起"),
    "online_query_result": ("网络查控反馈", "查控反馈"),
    "service": ("送达",),
    "renewal": ("续封", "续冻", "续封/续冻"),
}
MEDIA_KINDS = frozenset({"field_photo", "field_video"})
_KIND_OF = {key: key for key in API_KINDS} | {word: key for key, words in API_KINDS.items() for word in words}

# field → (type, required, max length, Chinese label, description); the OpenAPI schema reads it too.
FIELDS: dict[str, tuple[str, bool, int | None, str, str]] = {
    "external_id": ("string", True, 64, "外部编号", "来源系统中该事件的唯一编号；重发同一编号不会重复记录"),
    "case_number": ("string", True, 64, "案号", "已在本系统中的案号，如（2026）内0221执123号"),
    "kind": ("string", True, None, "事件类型",
             "alarm_110 接警、dispatch_110 出警、arrival_110 到场、result_110 处置完毕、detention 拘留、"
             "seizure 查封、field_photo 现场照片、field_video 现场视频、online_query_started 网络查控发起、"
             "online_query_result 网络查控反馈、service 送达、renewal 续封；也可直接写中文（如“到场”）"),
    "occurred_at": ("string", True, 40, "发生时间",
                    "ISO 8601 时间，如 2026-12-03T09:30:00+08:00；不带时区时按法院所在时区理解"),
    "detail": ("string", False, 500, "说明", "简要说明（大屏显示时当事人姓名、证件号、电话自动脱敏）"),
    "media_ref": ("string", False, 256, "媒体引用",
                  "现场照片/视频在来源系统中的地址或编号（只传引用，不传文件内容）；现场照片、现场视频必填"),
    "expires_on": ("string", False, 10, "届满日期", "查封或续封后的届满日期 YYYY-MM-DD（仅查封、续封）"),
}
EARLIEST = dt.datetime(2000, 1, 1)
CLOCK_SKEW = dt.timedelta(minutes=10)  # a reporter's clock may run this far ahead of ours
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class IntakeError(ValueError):
    """The batch is refused; `errors` lists {index, external_id, field, message}; `status` 400/409."""

    def __init__(self, errors: list[dict[str, Any]], status: int = 400) -> None:
        self.errors, self.status = errors, status
        super().__init__("；".join(e["message"] for e in errors[:5]))


@dataclass(frozen=True)
class Checked:
    index: int
    external_id: str
    case_id: int
    kind: str
    occurred_at: dt.datetime  # naive UTC
    detail: str
    media_ref: str
    expires_on: dt.date | None

    @property
    def fingerprint(self) -> str:
        content = [self.case_id, self.kind, self.occurred_at.isoformat(), self.detail, self.media_ref,
                   self.expires_on.isoformat() if self.expires_on else None]
        return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()


def items_of(payload: Any, max_batch: int) -> list[Any]:
    """The events of a request body: one event object, a list of them, or {"events": [...]}."""
    if isinstance(payload, Mapping) and "events" in payload:
        extra = sorted(set(payload) - {"events"})
        if extra:
            raise IntakeError([_err(None, "", "", f"请求体：批量上报时只能有 events 字段，多出 {'、'.join(extra)}")])
        payload = payload["events"]
        if not isinstance(payload, list):
            raise IntakeError([_err(None, "", "events", "events：应为事件对象的数组")])
    items = payload if isinstance(payload, list) else [payload]
    if not items:
        raise IntakeError([_err(None, "", "events", "events：至少需要一个事件")])
    if len(items) > max_batch:
        raise IntakeError([_err(None, "", "events", f"events：一次最多上报 {max_batch} 个事件，实际 {len(items)} 个")],
                          status=413)
    return items


def _err(index: int | None, external_id: str, field: str, message: str) -> dict[str, Any]:
    where = f"第 {index + 1} 个事件" if index is not None else ""
    return {"index": index, "external_id": external_id, "field": field,
            "message": f"{where}{'的' if where and field else ''}{message}" if where else message}


def _text(item: Mapping[str, Any], field: str, problems: list[tuple[str, str]]) -> str:
    kind, required, size, label, _ = FIELDS[field]
    value = item.get(field)
    if value is None or value == "":
        if required:
            problems.append((field, f"{label}（{field}）：必填"))
        return ""
    if not isinstance(value, str):
        problems.append((field, f"{label}（{field}）：应为字符串"))
        return ""
    value = value.strip()
    if _CONTROL.search(value):
        problems.append((field, f"{label}（{field}）：含有控制字符"))
        return ""
    if size is not None and len(value) > size:
        problems.append((field, f"{label}（{field}）：最多 {size} 个字符，实际 {len(value)} 个"))
        return ""
    if required and not value:
        problems.append((field, f"{label}（{field}）：必填"))
    return value


def _moment(text: str, tz: dt.tzinfo, now: dt.datetime, problems: list[tuple[str, str]]) -> dt.datetime | None:
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        problems.append(("occurred_at", f"发生时间（occurred_at）：“{text}”不是 ISO 8601 时间，"
                                        "应如 2026-12-03T09:30:00+08:00"))
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    utc = moment.astimezone(dt.UTC).replace(tzinfo=None)
    if utc < EARLIEST:
        problems.append(("occurred_at", f"发生时间（occurred_at）：“{text}”早于 2000 年，不合理"))
    elif utc > now + CLOCK_SKEW:
        problems.append(("occurred_at", f"发生时间（occurred_at）：“{text}”晚于当前时间"))
    return utc


def _day(text: str, kind: str, problems: list[tuple[str, str]]) -> dt.date | None:
    if not text:
        return None
    if kind and not EVENT_KINDS[kind].has_expiry:
        problems.append(("expires_on", f"届满日期（expires_on）：{EVENT_KINDS[kind].label}事件没有届满日期"))
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problems.append(("expires_on", f"届满日期（expires_on）：“{text}”不是日期，应如 2029-12-31"))
        return None


def _number_forms(text: str) -> set[str]:
    """The case number as sent, canonical（…）, and with ASCII brackets (older imports)."""
    forms = {text}
    try:
        canonical = str(parse_case_number(text))
    except ValidationError:
        return forms
    return forms | {canonical, canonical.replace("（", "(").replace("）", ")")}


def _problems(item: Mapping[str, Any], tz: dt.tzinfo, now: dt.datetime
              ) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """(field, message) problems of one item, and its values as checked so far."""
    problems: list[tuple[str, str]] = [
        (str(k), f"未知字段“{k}”（可用字段：{'、'.join(FIELDS)}）") for k in sorted(map(str, item)) if k not in FIELDS]
    values = {field: _text(item, field, problems) for field in FIELDS}
    kind = _KIND_OF.get(values["kind"], "") if values["kind"] else ""
    if values["kind"] and not kind:
        problems.append(("kind", f"事件类型（kind）：不支持“{values['kind']}”，"
                                 f"可用 {'、'.join(API_KINDS)} 或 {'、'.join(w[0] for w in API_KINDS.values())}"))
    if kind in MEDIA_KINDS and not values["media_ref"] and "media_ref" not in dict(problems):
        problems.append(("media_ref", f"媒体引用（media_ref）：{EVENT_KINDS[kind].label}必须给出照片/视频的引用"))
    if values["media_ref"].lower().startswith("data:"):
        problems.append(("media_ref", "媒体引用（media_ref）：只传引用（地址或编号），不要传文件内容"))
    moment = _moment(values["occurred_at"], tz, now, problems)
    expires = _day(values["expires_on"], kind, problems)
    return problems, {**values, "kind": kind, "occurred_at": moment, "expires_on": expires}


def _case_ids(session: Session, numbers: set[str]) -> dict[str, int]:
    """案号 as sent → case id, for the numbers that exist (one query)."""
    forms = {n: _number_forms(n) for n in numbers}
    wanted = set().union(*forms.values()) if forms else set()
    if not wanted:
        return {}
    found = dict(session.execute(select(Case.case_number, Case.id).where(Case.case_number.in_(wanted))).all())
    return {n: next(found[f] for f in fs if f in found) for n, fs in forms.items() if fs & found.keys()}


def check(session: Session, payload_items: Sequence[Any], *, tz: dt.tzinfo,
          now: dt.datetime) -> list[Checked]:
    """Every item checked; raises IntakeError listing every problem. `now` is naive UTC."""
    errors: list[dict[str, Any]] = []
    drafts: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(payload_items):
        if not isinstance(item, Mapping):
            errors.append(_err(index, "", "", "应为 JSON 对象"))
            continue
        problems, values = _problems(item, tz, now)
        external_id = values["external_id"]
        if external_id in seen:
            problems.append(("external_id", f"外部编号（external_id）：“{external_id}”与第 {seen[external_id] + 1} "
                                            "个事件重复"))
        if external_id:
            seen.setdefault(external_id, index)
        errors += [_err(index, external_id, field, message) for field, message in problems]
        if not problems:
            drafts.append((index, values))
    case_ids = _case_ids(session, {d["case_number"] for _, d in drafts})
    checked = []
    for index, draft in drafts:
        case_id = case_ids.get(draft["case_number"])
        if case_id is None:
            errors.append(_err(index, draft["external_id"], "case_number",
                               f"案号（case_number）：“{draft['case_number']}”在本系统中不存在"))
            continue
        checked.append(Checked(index, draft["external_id"], case_id, draft["kind"], draft["occurred_at"],
                               draft["detail"], draft["media_ref"], draft["expires_on"]))
    if errors:
        raise IntakeError(sorted(errors, key=lambda e: (e["index"] is not None, e["index"] or 0)))
    return checked


def accept(session: Session, source: EventSource, payload_items: Sequence[Any], *, tz: dt.tzinfo,
           now: dt.datetime, actor: Principal) -> dict[str, Any]:
    """Check the batch, write the new events and their receipts, audit the call (same transaction).

    Returns {"created": n, "duplicates": m, "results": [{external_id, status, event_id}]}."""
    checked = check(session, payload_items, tz=tz, now=now)
    ids = [c.external_id for c in checked]
    stored = {r.external_id: r for r in session.scalars(
        select(EventReceipt).where(EventReceipt.source_id == source.id, EventReceipt.external_id.in_(ids)))}
    conflicts = [_err(c.index, c.external_id, "external_id",
                      f"外部编号（external_id）：“{c.external_id}”已于 {stored[c.external_id].received_at:%Y-%m-%d %H:%M}"
                      " 上报过内容不同的事件；更正请换用新的外部编号")
                 for c in checked if c.external_id in stored and stored[c.external_id].fingerprint != c.fingerprint]
    if conflicts:
        raise IntakeError(conflicts, status=409)
    fresh = [item for item in checked if item.external_id not in stored]
    events = [CaseEvent(case_id=item.case_id, kind=item.kind, occurred_at=item.occurred_at,
                        expires_on=item.expires_on, detail=item.detail, media_ref=item.media_ref) for item in fresh]
    session.add_all(events)
    session.flush()  # one multi-row INSERT … RETURNING for the ids
    session.add_all(EventReceipt(source_id=source.id, external_id=item.external_id, event_id=event.id,
                                 fingerprint=item.fingerprint, received_at=now) for item, event in zip(fresh, events, strict=True))
    session.flush()
    new_ids = {item.external_id: event.id for item, event in zip(fresh, events, strict=True)}
    results: list[dict[str, Any]] = [
        {"external_id": item.external_id, "status": "created", "event_id": new_ids[item.external_id]}
        if item.external_id in new_ids else
        {"external_id": item.external_id, "status": "duplicate", "event_id": stored[item.external_id].event_id}
        for item in checked]
    created = len(fresh)
    if created:
        bump_data_version(session)
    duplicates = len(results) - created
    audit.record(session, actor=actor, action="event_post", target=f"事件来源 {source.id}",
                 detail=f"新增 {created} 条，重复 {duplicates} 条：" + "、".join(ids[:20])
                        + ("…" if len(ids) > 20 else ""))
    return {"created": created, "duplicates": duplicates, "results": results}
