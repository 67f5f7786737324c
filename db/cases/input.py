"""Validate and write cases: every row is checked before anything is written."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import MAX_MONEY, MAX_MONEY_TEXT
from db.cases.numbers import parse_case_number
from db.cases.vocab import CLOSING_METHODS, TRACKS
from db.errors import ValidationError
from db.models import Case, CaseAssignment, CaseParty, Court, Officer, Team
from db.session import bump_data_version


def _date(value: Any, label: str, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(f"{label}“{value}”不是有效日期（应为 YYYY-MM-DD）", field=field) from None


def _money(value: Any, label: str, field: str) -> Decimal:
    if value in (None, ""):
        return Decimal("0.00")
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValidationError(f"{label}“{value}”不是有效金额", field=field) from None
    if amount < 0:
        raise ValidationError(f"{label}不能为负数（{value}）", field=field)
    if amount > MAX_MONEY:
        raise ValidationError(f"{label}“{value}”超过上限 {MAX_MONEY_TEXT}", field=field)
    return amount


class _Lookups:
    """Teams and officers by id or name, loaded once per batch."""

    def __init__(self, session: Session) -> None:
        self.courts = {c.code: c for c in session.scalars(select(Court))}
        teams = list(session.scalars(select(Team)))
        officers = list(session.scalars(select(Officer)))
        self.teams = {t.id: t for t in teams} | {t.name: t for t in teams}
        self.officers = {o.id: o for o in officers} | {o.name: o for o in officers}


def build_case(row: Mapping[str, Any], lookups: _Lookups) -> Case:
    """Return an unsaved Case for one input row, or raise ValidationError."""
    number = parse_case_number(str(row.get("case_number", "")))
    court = lookups.courts.get(number.court_code)
    if court is None:
        raise ValidationError(f"案号中的法院代字“{number.court_code}”不是已登记的法院", field="case_number")
    filed = _date(row.get("filed_on"), "立案日期", "filed_on")
    if filed is None:
        raise ValidationError("立案日期不能为空", field="filed_on")
    if filed.year != number.year:
        raise ValidationError(f"立案日期 {filed} 与案号年度 {number.year} 不一致", field="filed_on")
    received = _date(row.get("received_on"), "收到材料日期", "received_on")
    if received and received > filed:
        raise ValidationError(f"收到材料日期 {received} 晚于立案日期 {filed}", field="received_on")
    closed = _date(row.get("closed_on"), "结案日期", "closed_on")
    if closed and closed < filed:
        raise ValidationError(f"结案日期 {closed} 早于立案日期 {filed}", field="closed_on")
    method = row.get("closing_method") or None
    if closed and method not in CLOSING_METHODS:
        raise ValidationError(f"结案方式“{method}”无效或为空", field="closing_method")
    if method and not closed:
        raise ValidationError("填写了结案方式但没有结案日期", field="closed_on")
    if method and number.category not in CLOSING_METHODS[method].categories:
        raise ValidationError(
            f"结案方式“{CLOSING_METHODS[method].label}”不适用于{number.type_code}字号案件",
            field="closing_method",
        )
    team = _ref(lookups.teams, row.get("team"), "团队", "team")
    officer = _ref(lookups.officers, row.get("officer"), "承办人", "officer")
    track = row.get("track") or "simple"
    if track not in TRACKS:
        raise ValidationError(f"繁简分流“{track}”无效，应为 simple 或 complex", field="track")
    return Case(
        court_id=court.id, case_number=str(number), year=number.year,
        court_code=number.court_code, type_code=number.type_code, serial=number.serial,
        category=number.category, received_on=received, filed_on=filed, closed_on=closed,
        closing_method=method, track=track, non_litigation=bool(row.get("non_litigation")),
        team_id=team.id if team else None, officer_id=officer.id if officer else None,
        target_amount=_money(row.get("target_amount"), "申请执行标的金额", "target_amount"),
        recovered_amount=_money(row.get("recovered_amount"), "实际到位金额", "recovered_amount"),
        cause=str(row.get("cause") or ""),
    )


def _ref(table: Mapping[Any, Any], key: Any, label: str, field: str) -> Any:
    if key in (None, ""):
        return None
    found = table.get(key)
    if found is None:
        raise ValidationError(f"{label}“{key}”不存在", field=field)
    return found


def add_cases(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[Case]:
    """Validate all rows (1-based row numbers in errors), then add them; all or nothing."""
    lookups = _Lookups(session)
    cases: list[Case] = []
    seen: set[str] = set()
    for index, row in enumerate(rows, start=1):
        try:
            case = build_case(row, lookups)
        except ValidationError as exc:
            raise ValidationError(str(exc), field=exc.field, row=index) from None
        if case.case_number in seen or session.scalar(
            select(Case.id).where(Case.case_number == case.case_number)
        ):
            raise ValidationError(f"案号“{case.case_number}”重复", field="case_number", row=index)
        seen.add(case.case_number)
        for party in row.get("parties", ()):
            case.parties.append(CaseParty(**party))
        cases.append(case)
    session.add_all(cases)
    session.flush()
    session.add_all(
        CaseAssignment(case_id=c.id, team_id=c.team_id, officer_id=c.officer_id, assigned_on=c.filed_on)
        for c in cases
    )
    bump_data_version(session)
    return cases
