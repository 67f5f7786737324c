"""Launch, edit and end a 专项行动 (the center's form), each change in the audit log.

The caller checks the permission (``MANAGE_CAMPAIGNS``: 管理员 and 指挥中心) and owns the
session; these functions check the data, write it whole or not at all, and audit.
"""
from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from db.auth import audit
from db.auth.access import Principal
from db.base import table_of
from db.campaigns.figures import MEASURES
from db.campaigns.indicators import PREFIX, check_target
from db.campaigns.scope import Scope, scope_from
from db.errors import ValidationError
from db.models import Campaign, CampaignCase, Case, Team
from db.session import bump_data_version

audit.register_action("campaign_create", "发起专项行动")
audit.register_action("campaign_edit", "修改专项行动")
audit.register_action("campaign_end", "结束专项行动")

MAX_CASE_NUMBERS = 5000
MAX_DAYS = 366


@dataclass(frozen=True)
class CampaignForm:
    name: str
    started_on: dt.date
    ended_on: dt.date
    description: str
    scope: Scope
    targets: dict[str, float]
    case_numbers: tuple[str, ...]
    on_wall: bool


def _date(raw: Any, label: str, name: str) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw or "").strip()[:10])
    except ValueError:
        raise ValidationError(f"{label}应为日期（如 2026-12-01），实际为“{raw or ''}”", field=name) from None


def _targets(raw: dict[str, Any] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in (raw or {}).items():
        if key.startswith(PREFIX):
            number = check_target(key, value)
            if number is not None:
                out[key] = number
            continue
        if key not in MEASURES:
            raise ValidationError(f"“{key}”不是专项行动的统计项", field="targets")
        if value in (None, ""):
            continue
        try:
            number = float(str(value).replace(",", "").strip())
        except ValueError:
            raise ValidationError(f"{MEASURES[key].label}的目标应为数字，实际为“{value}”",
                                  field=f"target.{key}") from None
        if not number > 0 or number > 1e13:
            raise ValidationError(f"{MEASURES[key].label}的目标应大于 0，实际为“{value}”", field=f"target.{key}")
        out[key] = number
    return out


def parse_form(data: dict[str, Any]) -> CampaignForm:
    """The submitted form as a checked CampaignForm; the first bad field raises a Chinese message."""
    name = str(data.get("name") or "").strip()
    if not name:
        raise ValidationError("行动名称不能为空", field="name")
    if len(name) > 64:
        raise ValidationError(f"行动名称最多 64 个字，实际 {len(name)} 个", field="name")
    start = _date(data.get("started_on"), "开始日期", "started_on")
    end = _date(data.get("ended_on"), "结束日期", "ended_on")
    if end < start:
        raise ValidationError(f"结束日期 {end} 早于开始日期 {start}", field="ended_on")
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError(f"行动期间最长 {MAX_DAYS} 天", field="ended_on")
    numbers = tuple(dict.fromkeys(str(n).strip() for n in data.get("case_numbers") or () if str(n).strip()))
    if len(numbers) > MAX_CASE_NUMBERS:
        raise ValidationError(f"案号清单最多 {MAX_CASE_NUMBERS} 个，实际 {len(numbers)} 个", field="case_numbers")
    return CampaignForm(name=name, started_on=start, ended_on=end,
                        description=str(data.get("description") or "").strip()[:2000],
                        scope=scope_from(data.get("scope")), targets=_targets(data.get("targets")),
                        case_numbers=numbers, on_wall=bool(data.get("on_wall", True)))


def case_numbers_from_xlsx(content: bytes) -> list[str]:
    """The 案号 of an uploaded workbook: the column headed 案号 (else the first column) of the
    first sheet, from the second row on; blank rows are skipped."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable upload gets the same message
        raise ValidationError("无法读取该文件，请上传 .xlsx 工作簿（第一列或“案号”列为案号）",
                              field="case_numbers") from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(v or "").strip() for v in next(rows, ())]
        column = header.index("案号") if "案号" in header else 0
        found = [] if "案号" in header else [header[0]] if header and header[0] else []
        for row in rows:
            value = row[column] if column < len(row) else None
            if value not in (None, ""):
                found.append(str(value).strip())
        return found
    finally:
        book.close()


def _check_teams(session: Session, court_id: int, scope: Scope) -> None:
    if not scope.teams:
        return
    known = set(session.scalars(select(Team.id).where(Team.id.in_(scope.teams), Team.court_id == court_id)))
    missing = [t for t in scope.teams if t not in known]
    if missing:
        raise ValidationError(f"团队“{missing[0]}”不存在或不属于本院", field="teams")


def _case_ids(session: Session, court_id: int, numbers: tuple[str, ...]) -> list[int]:
    if not numbers:
        return []
    found: dict[str, int] = {}
    for start in range(0, len(numbers), 500):
        chunk = numbers[start:start + 500]
        found.update(dict(session.execute(select(Case.case_number, Case.id)
                                     .where(Case.court_id == court_id, Case.case_number.in_(chunk))).all()))
    for row, number in enumerate(numbers, start=1):
        if number not in found:
            raise ValidationError(f"案号“{number}”不是本院的案件", field="case_numbers", row=row)
    return sorted(set(found.values()))


def _write(session: Session, row: Campaign, form: CampaignForm) -> None:
    _check_teams(session, row.court_id, form.scope)
    ids = _case_ids(session, row.court_id, form.case_numbers)
    row.name, row.description = form.name, form.description
    row.started_on, row.ended_on = form.started_on, form.ended_on
    row.scope, row.on_wall = form.scope.to_json(), form.on_wall
    row.targets = json.dumps(form.targets, sort_keys=True)
    session.flush()
    session.execute(delete(CampaignCase).where(CampaignCase.campaign_id == row.id))
    if ids:
        session.execute(insert(table_of(CampaignCase)), [{"campaign_id": row.id, "case_id": i} for i in ids])


def _summary(form: CampaignForm) -> str:
    return json.dumps({"期间": f"{form.started_on}..{form.ended_on}", "范围": form.scope.to_json(),
                       "目标": form.targets, "案号数": len(form.case_numbers), "大屏": form.on_wall},
                      ensure_ascii=False)


def create(session: Session, actor: Principal | None, court_id: int, form: CampaignForm) -> int:
    row = Campaign(court_id=court_id, name=form.name, started_on=form.started_on, ended_on=form.ended_on)
    session.add(row)
    session.flush()
    _write(session, row, form)
    audit.record(session, actor=actor, action="campaign_create", target=f"专项行动 {row.id} {form.name}",
                 detail=_summary(form))
    bump_data_version(session)
    return row.id


def _existing(session: Session, campaign_id: int) -> Campaign:
    row = session.get(Campaign, campaign_id)
    if row is None:
        raise ValidationError(f"专项行动“{campaign_id}”不存在", field="campaign_id")
    return row


def update(session: Session, actor: Principal | None, campaign_id: int, form: CampaignForm) -> None:
    row = _existing(session, campaign_id)
    _write(session, row, form)
    audit.record(session, actor=actor, action="campaign_edit", target=f"专项行动 {row.id} {form.name}",
                 detail=_summary(form))
    bump_data_version(session)


def end(session: Session, actor: Principal | None, campaign_id: int, today: dt.date,
        now: dt.datetime | None = None) -> None:
    """End a campaign today: its period stops at today (the wall drops it from tomorrow)."""
    row = _existing(session, campaign_id)
    if row.ended_on < today:
        raise ValidationError(f"专项行动“{row.name}”已于 {row.ended_on} 结束", field="campaign_id")
    if row.started_on > today:
        raise ValidationError(f"专项行动“{row.name}”尚未开始（{row.started_on}），可修改日期或不启动",
                              field="campaign_id")
    planned = row.ended_on
    row.ended_on = today
    row.closed_at = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(tzinfo=None)
    audit.record(session, actor=actor, action="campaign_end", target=f"专项行动 {row.id} {row.name}",
                 detail=f"原定结束 {planned}，提前结束于 {today}")
    bump_data_version(session)


def form_values(session: Session, campaign_id: int) -> dict[str, Any]:
    """The stored campaign as the form's values (for editing)."""
    row = _existing(session, campaign_id)
    numbers = list(session.scalars(select(Case.case_number).join(CampaignCase, CampaignCase.case_id == Case.id)
                                   .where(CampaignCase.campaign_id == campaign_id).order_by(Case.case_number)))
    return {"name": row.name, "started_on": row.started_on.isoformat(), "ended_on": row.ended_on.isoformat(),
            "description": row.description or "", "scope": json.loads(row.scope) if row.scope else {},
            "targets": json.loads(row.targets) if row.targets else {}, "case_numbers": numbers,
            "on_wall": bool(row.on_wall)}
