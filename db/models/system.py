"""Bookkeeping the refresher reads cheaply: a data-change counter."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class DataState(Base):
    """One row per key; writers bump `version` in the same transaction as their change."""

    __tablename__ = "data_state"
    __table_args__ = {"comment": "数据版本计数"}

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
