"""Users of the dashboard (roles and scope are enforced by dashboard.auth)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class User(Base):
    __tablename__ = "users"
    __table_args__ = {"comment": "用户"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64), default="")
    password_hash: Mapped[str] = mapped_column(String(256), default="")
    role: Mapped[str] = mapped_column(String(16), comment="admin/center/lead/officer/leader/wall")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    # the court the user belongs to: sees it and the courts below it (NULL: every court)
    court_id: Mapped[int | None] = mapped_column(Integer, comment="所属法院 (courts.id; NULL: 本系统的全部法院)")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
