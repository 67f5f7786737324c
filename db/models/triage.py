"""繁简分流: the rule table (edited by the admin, with its change history), each case's 分流
decision and the case's track history (转繁/转简)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.models.auth import utcnow


class TriageRule(Base):
    """One 分流 rule: conditions (JSON, all must hold) → 简/繁 and a reason; lower position first."""

    __tablename__ = "triage_rules"
    __table_args__ = {"comment": "繁简分流规则（地方规定，管理员维护）"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0, comment="求值顺序，小者在前")
    name: Mapped[str] = mapped_column(String(64), comment="规则名称")
    active: Mapped[bool] = mapped_column(Boolean, default=True, comment="是否启用")
    track: Mapped[str] = mapped_column(String(8), comment="结论 simple/complex")
    reason: Mapped[str] = mapped_column(String(256), default="", comment="分流理由")
    conditions: Mapped[str] = mapped_column(Text, default="{}", comment="条件 JSON，全部满足才命中")
    local: Mapped[bool] = mapped_column(Boolean, default=True, comment="地方规定（非全国统一）")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, comment="UTC")
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class TriageRuleChange(Base):
    """History of the rule table: who changed which rule when, old and new (JSON)."""

    __tablename__ = "triage_rule_changes"
    __table_args__ = {"comment": "分流规则修改记录"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[int] = mapped_column(Integer, index=True, comment="规则 id（不设外键，删除后仍可查）")
    rule_name: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(16), comment="create/update/delete")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, comment="UTC")
    actor: Mapped[str] = mapped_column(String(64), default="")
    old: Mapped[str] = mapped_column(Text, default="", comment="修改前 JSON")
    new: Mapped[str] = mapped_column(Text, default="", comment="修改后 JSON")


class CaseTriage(Base):
    """The 分流 of one case: the rules' suggestion, then the center's confirmation or override."""

    __tablename__ = "case_triage"
    __table_args__ = (
        Index("ix_case_triage_status", "status"),
        Index("ix_case_triage_confirmed_on", "confirmed_on"),
        {"comment": "繁简分流（建议与确认）"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    suggested_track: Mapped[str] = mapped_column(String(8), comment="规则建议 simple/complex")
    suggested_reason: Mapped[str] = mapped_column(String(256), default="")
    fired: Mapped[str] = mapped_column(Text, default="[]", comment="命中的规则 JSON [{id,name,track,reason}]")
    stage: Mapped[str] = mapped_column(String(8), default="filed",
                                       comment="filed（立案时求值）/query（首次查控反馈后再求值）")
    query_result: Mapped[str] = mapped_column(String(16), default="", comment="首次查控反馈结论")
    evaluated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="pending", comment="pending/confirmed")
    track: Mapped[str | None] = mapped_column(String(8), comment="确认的繁简")
    confirmed_on: Mapped[dt.date | None] = mapped_column(Date, comment="分流确认日期")
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    confirmed_by: Mapped[str] = mapped_column(String(64), default="")
    overridden: Mapped[bool] = mapped_column(Boolean, default=False, comment="未采纳规则建议")
    override_reason: Mapped[str] = mapped_column(String(256), default="")
    convert_suggested: Mapped[bool] = mapped_column(
        Boolean, default=False, comment="已确认简案，首次查控反馈后规则建议转繁")


class TrackChange(Base):
    """繁简变更记录: 分流确认, 转繁, 转简 (by the desk, an import or the demo)."""

    __tablename__ = "track_changes"
    __table_args__ = (Index("ix_track_changes_case", "case_id", "changed_on"),
                      {"comment": "繁简变更记录（转繁/转简）"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    changed_on: Mapped[dt.date] = mapped_column(Date, comment="变更日期")
    old_track: Mapped[str | None] = mapped_column(String(8))
    new_track: Mapped[str] = mapped_column(String(8))
    actor: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(String(256), default="")
    source: Mapped[str] = mapped_column(String(16), default="desk", comment="triage/desk/import/demo")
