"""专项行动 (special actions) and the cases they target."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = {"comment": "专项行动"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("courts.id"), index=True)
    name: Mapped[str] = mapped_column(String(64), comment="行动名称")
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    # migration 0013: the case filter and the targets (JSON text, see db.campaigns.scope),
    # whether the wall shows it while it runs, and when the center ended it by hand
    scope: Mapped[str | None] = mapped_column(Text, comment="案件范围 (JSON)")
    targets: Mapped[str | None] = mapped_column(Text, comment="目标 {指标: 目标值} (JSON)")
    on_wall: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true(),
                                          comment="进行中时加入大屏轮播")
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, comment="结束操作时间 (UTC)")


class CampaignCase(Base):
    __tablename__ = "campaign_cases"
    __table_args__ = {"comment": "专项行动目标案件"}

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
