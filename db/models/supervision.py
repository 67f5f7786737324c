"""督办 (supervision orders) and their append-only step history."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class SupervisionOrder(Base):
    __tablename__ = "supervision_orders"
    __table_args__ = {"comment": "督办"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(16), comment="node/case/officer/team")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    node_key: Mapped[str | None] = mapped_column(String(64), comment="节点规则键")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"), index=True)
    subject: Mapped[str] = mapped_column(String(256), comment="督办事项")
    reason: Mapped[str] = mapped_column(Text, default="", comment="督办理由")
    due_on: Mapped[dt.date] = mapped_column(Date, comment="办理期限")
    status: Mapped[str] = mapped_column(String(16), default="issued", comment="issued/answered/closed")
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


class SupervisionStep(Base):
    """One step of a 督办's life cycle; rows are only ever added."""

    __tablename__ = "supervision_steps"
    __table_args__ = {"comment": "督办流转记录"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("supervision_orders.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
