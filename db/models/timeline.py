"""What happens in a case: events, clock pauses, extensions and money."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Date,
    DateTime,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Money


class CaseEvent(Base):
    """One procedural or field event; `kind` is a key of db.cases.event_kinds.EVENT_KINDS."""

    __tablename__ = "case_events"
    __table_args__ = (
        Index("ix_case_events_case_kind", "case_id", "kind"),
        Index("ix_case_events_occurred_at", "occurred_at"),
        # 续封 measures expiring in a period (center 续封及时率, node rules): a range on one kind
        Index("ix_case_events_kind_expires", "kind", "expires_on"),
        {"comment": "案件事件 (查控、查封、拘留、执行110…)"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime, comment="发生时间 (UTC)")
    expires_on: Mapped[dt.date | None] = mapped_column(Date, comment="查封/冻结届满日期")
    amount: Mapped[Decimal | None] = mapped_column(Money, comment="金额")
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    detail: Mapped[str] = mapped_column(Text, default="", comment="说明")
    media_ref: Mapped[str] = mapped_column(String(256), default="", comment="现场照片/视频引用")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


class CasePause(Base):
    """扣除执行期限记录: a period that does not count toward the execution limit."""

    __tablename__ = "case_pauses"
    __table_args__ = {"comment": "扣除执行期限记录"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32), comment="db.vocab.PAUSE_KINDS")
    reason: Mapped[str] = mapped_column(String(256), default="")
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)


class CaseExtension(Base):
    """延长执行期限记录: an approved extension of the execution limit."""

    __tablename__ = "case_extensions"
    __table_args__ = {"comment": "延长执行期限记录"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    reason: Mapped[str] = mapped_column(String(256), default="")
    approved_on: Mapped[dt.date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer, comment="延长天数")


class Payment(Base):
    """案款: one receipt (到账) and its disbursement (发放) once paid out."""

    __tablename__ = "payments"
    # Columns the database triggers write are expired after a flush and read back when next
    # used: RETURNING would give SQLite's values from before its AFTER triggers ran.
    __mapper_args__ = {"eager_defaults": False}
    __table_args__ = (
        Index("ix_payments_received_on", "received_on"),
        Index("ix_payments_paid_out_on", "paid_out_on"),
        Index("ix_payments_team_id", "team_id"),  # the incremental refresh (0015)
        {"comment": "案款到账与发放"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    ref: Mapped[str | None] = mapped_column(String(64), comment="案款编号/流水号 (导入的键)")
    received_on: Mapped[dt.date] = mapped_column(Date, comment="到账日期")
    amount: Mapped[Decimal] = mapped_column(Money, comment="到账金额")
    paid_out_on: Mapped[dt.date | None] = mapped_column(Date, comment="发放日期")
    paid_amount: Mapped[Decimal | None] = mapped_column(Money, comment="发放金额")
    # The 案款专管员 who handles the receipt (an officer of the center); no foreign key, so
    # adding the column leaves SQLite's payment triggers in place (migration 0012).
    clerk_id: Mapped[int | None] = mapped_column(Integer, comment="案款专管员 (officers.id)")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    # The case's holder and category, copied by database triggers (migration 0005) so the
    # 案款 indicators group payments without joining `cases`. Never written by the app.
    court_id: Mapped[int | None] = mapped_column(
        Integer, server_default=FetchedValue(), server_onupdate=FetchedValue(),
        comment="案件所属法院 (触发器从 cases 复制)")
    team_id: Mapped[int | None] = mapped_column(
        Integer, server_default=FetchedValue(), server_onupdate=FetchedValue(),
        comment="案件承办团队 (触发器从 cases 复制)")
    officer_id: Mapped[int | None] = mapped_column(
        Integer, server_default=FetchedValue(), server_onupdate=FetchedValue(),
        comment="案件承办人 (触发器从 cases 复制)")
    category: Mapped[str | None] = mapped_column(
        String(16), server_default=FetchedValue(), server_onupdate=FetchedValue(),
        comment="案件类别 (触发器从 cases 复制)")
