"""Enforcement cases, their parties and their assignment history."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    String,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import ZERO, Base, Money


class Case(Base):
    __tablename__ = "cases"
    # Columns the database triggers write are expired after a flush and read back when next
    # used: RETURNING would give SQLite's values from before its AFTER triggers ran.
    __mapper_args__ = {"eager_defaults": False}
    __table_args__ = (
        # The indicator SQL groups by team/officer and filters on 立案/结案 dates.
        Index("ix_cases_team_filed", "team_id", "filed_on"),
        Index("ix_cases_team_closed", "team_id", "closed_on"),
        Index("ix_cases_officer_filed", "officer_id", "filed_on"),
        Index("ix_cases_officer_closed", "officer_id", "closed_on"),
        Index("ix_cases_court_filed", "court_id", "filed_on"),
        Index("ix_cases_court_closed", "court_id", "closed_on"),
        Index("ix_cases_closed_team_closed", "closed_team_id", "closed_on"),
        Index("ix_cases_closed_officer_closed", "closed_officer_id", "closed_on"),
        Index("ix_cases_updated_at", "updated_at"),
        # 执恢 cases point at their origin; deleting or joining on it must not scan.
        Index("ix_cases_origin_case_id", "origin_case_id"),
        {"comment": "执行案件"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("courts.id"))
    case_number: Mapped[str] = mapped_column(String(64), unique=True, comment="案号")
    year: Mapped[int] = mapped_column(Integer, comment="收案年度")
    court_code: Mapped[str] = mapped_column(String(16), comment="法院代字")
    type_code: Mapped[str] = mapped_column(String(8), comment="类型代字 执/执恢/执保/…")
    serial: Mapped[int] = mapped_column(Integer, comment="案件编号")
    category: Mapped[str] = mapped_column(
        String(16), index=True, comment="first/resumed/preservation/review"
    )
    received_on: Mapped[dt.date | None] = mapped_column(Date, comment="收到材料日期")
    filed_on: Mapped[dt.date] = mapped_column(Date, comment="立案日期")
    closed_on: Mapped[dt.date | None] = mapped_column(Date, comment="结案日期")
    closing_method: Mapped[str | None] = mapped_column(String(32), comment="结案方式")
    track: Mapped[str] = mapped_column(String(8), default="simple", comment="繁简: simple/complex")
    non_litigation: Mapped[bool] = mapped_column(Boolean, default=False, comment="非诉执行")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    target_amount: Mapped[Decimal] = mapped_column(Money, default=ZERO, comment="申请执行标的金额")
    recovered_amount: Mapped[Decimal] = mapped_column(Money, default=ZERO, comment="实际到位金额")
    cause: Mapped[str] = mapped_column(String(64), default="", comment="案由")
    origin_case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id"), comment="恢复执行所依据的原案"
    )
    # Kept by database triggers from case_pauses / case_extensions (migration 0005), so the
    # 法定期限内结案 test reads them from the case row. Never written by the app.
    paused_days: Mapped[int] = mapped_column(
        Integer, server_default=text("0"), server_onupdate=FetchedValue(),
        comment="结案前扣除期限天数 (触发器维护)")
    extension_days: Mapped[int] = mapped_column(
        Integer, server_default=text("0"), server_onupdate=FetchedValue(),
        comment="延长期限天数 (触发器维护)")
    # The holder when the case closed (migration 0010): set by triggers when closed_on is
    # set, kept when the case is reassigned later, cleared on reopening. Never written by
    # the app; closure figures (结案/终本/执行完毕/用时) are credited to it.
    closed_team_id: Mapped[int | None] = mapped_column(
        Integer, server_default=FetchedValue(), server_onupdate=FetchedValue(),
        comment="结案时的承办团队 (触发器维护)")
    closed_officer_id: Mapped[int | None] = mapped_column(
        Integer, server_default=FetchedValue(), server_onupdate=FetchedValue(),
        comment="结案时的承办人 (触发器维护)")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )

    parties: Mapped[list[CaseParty]] = relationship(back_populates="case")


class CaseParty(Base):
    """当事人. Personal data: shown masked except to users whose scope holds the case."""

    __tablename__ = "case_parties"
    __table_args__ = {"comment": "当事人"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), comment="applicant/respondent")
    kind: Mapped[str] = mapped_column(String(16), default="natural", comment="natural/legal/organization")
    name: Mapped[str] = mapped_column(String(128), comment="姓名或名称")
    id_number: Mapped[str] = mapped_column(String(32), default="", comment="身份证号/统一社会信用代码")

    case: Mapped[Case] = relationship(back_populates="parties")


class CaseAssignment(Base):
    """Who held a case when (分案/改派记录); cases.team_id/officer_id is the current holder."""

    __tablename__ = "case_assignments"
    __table_args__ = {"comment": "分案与改派记录"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    assigned_on: Mapped[dt.date] = mapped_column(Date, comment="分案/改派日期")
    reason: Mapped[str] = mapped_column(String(128), default="")
