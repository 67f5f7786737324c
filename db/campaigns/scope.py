"""A campaign's case scope: which cases its measures count, as one SQL condition on `cases`.

The scope is stored on the campaign as JSON text (``campaigns.scope``); an explicit list of 案号
(typed in or imported from Excel) is kept in ``campaign_cases``. A case is in scope when it is a
case of the campaign's court and matches EVERY given part:

* ``teams`` — the case's current holder team (``cases.team_id``) is one of them;
* ``categories`` — its category (首执 first / 恢复 resumed / 保全 preservation / 执异 review);
* ``causes`` — its 案由 is one of them (exact text);
* ``livelihood`` — 涉民生: its 案由 is one of ``LIVELIHOOD_CAUSES`` (true: only these; false: none of these);
* ``enterprise`` — 涉企: a party is a legal person (``case_parties.kind = 'legal'``);
* ``amount_min`` / ``amount_max`` — 申请执行标的额 within the range, both ends inclusive;
* the explicit 案号 list — when the campaign has one, the case is on it.

An empty part does not narrow. A case in two campaigns counts in both.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, select, true
from sqlalchemy.orm import Session

from db.cases.vocab import CATEGORIES
from db.errors import ValidationError
from db.models import Campaign, CampaignCase, Case, CaseParty

# 涉民生案件: wages, maintenance and personal-injury claims (the usual 民生 案由 of a basic court).
LIVELIHOOD_CAUSES: tuple[str, ...] = (
    "追索劳动报酬纠纷", "劳务合同纠纷", "劳动争议", "劳动合同纠纷", "抚养费纠纷", "赡养费纠纷",
    "扶养费纠纷", "机动车交通事故责任纠纷", "生命权、身体权、健康权纠纷", "医疗损害责任纠纷",
)
ENTERPRISE_KINDS: tuple[str, ...] = ("legal",)


@dataclass(frozen=True)
class Scope:
    teams: tuple[int, ...] = ()
    categories: tuple[str, ...] = ()
    causes: tuple[str, ...] = ()
    livelihood: bool | None = None
    enterprise: bool | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_json(self) -> str:
        data = asdict(self)
        data.pop("extra")
        for key in ("amount_min", "amount_max"):
            data[key] = None if data[key] is None else str(data[key])
        data.update(teams=list(self.teams), categories=list(self.categories), causes=list(self.causes))
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    def describe(self, team_names: dict[int, str] | None = None) -> list[str]:
        """The scope in Chinese, one part a line (for the page, the 战报 and the xlsx)."""
        names = team_names or {}
        parts = []
        if self.teams:
            parts.append("参与团队：" + "、".join(names.get(t, str(t)) for t in self.teams))
        if self.categories:
            parts.append("案件类型：" + "、".join(CATEGORIES[c].label if c in CATEGORIES else c for c in self.categories))
        if self.causes:
            parts.append("案由：" + "、".join(self.causes))
        if self.livelihood is not None:
            parts.append("涉民生案件" if self.livelihood else "不含涉民生案件")
        if self.enterprise is not None:
            parts.append("涉企案件" if self.enterprise else "不含涉企案件")
        if self.amount_min is not None or self.amount_max is not None:
            low = f"{self.amount_min:,.2f}" if self.amount_min is not None else "不限"
            high = f"{self.amount_max:,.2f}" if self.amount_max is not None else "不限"
            parts.append(f"标的额：{low} 至 {high} 元")
        return parts


def _amount(raw: Any, name: str) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError(f"{name}应为金额（元），实际为“{raw}”", field=name) from None
    if not value.is_finite() or value < 0:
        raise ValidationError(f"{name}应为不小于 0 的金额，实际为“{raw}”", field=name)
    return value


def _flag(raw: Any, name: str) -> bool | None:
    if raw in (None, "", "any"):
        return None
    if raw in (True, "yes", "1", 1):
        return True
    if raw in (False, "no", "0", 0):
        return False
    raise ValidationError(f"{name}应为 是/否/不限，实际为“{raw}”", field=name)


def scope_from(data: dict[str, Any] | None) -> Scope:
    """A checked Scope from the stored or submitted dict; a bad part raises a Chinese message."""
    data = data or {}
    try:
        teams = tuple(sorted({int(t) for t in data.get("teams") or ()}))
    except (TypeError, ValueError):
        raise ValidationError("参与团队应为团队编号", field="teams") from None
    categories = tuple(str(c) for c in data.get("categories") or ())
    unknown = [c for c in categories if c not in CATEGORIES]
    if unknown:
        raise ValidationError(f"案件类型“{unknown[0]}”不存在", field="categories")
    causes = tuple(dict.fromkeys(str(c).strip() for c in data.get("causes") or () if str(c).strip()))
    low, high = _amount(data.get("amount_min"), "标的额下限"), _amount(data.get("amount_max"), "标的额上限")
    if low is not None and high is not None and high < low:
        raise ValidationError(f"标的额上限 {high} 小于下限 {low}", field="amount_max")
    return Scope(teams=teams, categories=categories, causes=causes,
                 livelihood=_flag(data.get("livelihood"), "涉民生"),
                 enterprise=_flag(data.get("enterprise"), "涉企"), amount_min=low, amount_max=high)


def stored_scope(campaign: Campaign) -> Scope:
    return scope_from(json.loads(campaign.scope) if campaign.scope else None)


def has_case_list(session: Session, campaign_id: int) -> bool:
    return session.scalar(select(CampaignCase.case_id).where(CampaignCase.campaign_id == campaign_id)
                          .limit(1)) is not None


def case_condition(session: Session, campaign: Campaign) -> ColumnElement[bool]:
    """The SQL condition on `cases` that says a case is in the campaign's scope."""
    scope = stored_scope(campaign)
    parts: list[ColumnElement[bool]] = [Case.court_id == campaign.court_id]
    if scope.teams:
        parts.append(Case.team_id.in_(scope.teams))
    if scope.categories:
        parts.append(Case.category.in_(scope.categories))
    if scope.causes:
        parts.append(Case.cause.in_(scope.causes))
    if scope.livelihood is not None:
        parts.append(Case.cause.in_(LIVELIHOOD_CAUSES) if scope.livelihood
                     else Case.cause.not_in(LIVELIHOOD_CAUSES))
    if scope.enterprise is not None:
        legal = exists().where(CaseParty.case_id == Case.id, CaseParty.kind.in_(ENTERPRISE_KINDS))
        parts.append(legal if scope.enterprise else ~legal)
    if scope.amount_min is not None:
        parts.append(Case.target_amount >= scope.amount_min)
    if scope.amount_max is not None:
        parts.append(Case.target_amount <= scope.amount_max)
    if has_case_list(session, campaign.id):
        parts.append(Case.id.in_(select(CampaignCase.case_id).where(CampaignCase.campaign_id == campaign.id)))
    return and_(true(), *parts)
