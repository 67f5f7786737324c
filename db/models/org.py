"""Courts, teams, officers and officers' team-membership history."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base

CENTER_KIND = "center"  # teams.kind of the 执行指挥中心: it does the center's work and holds no cases

class Court(Base):
    __tablename__ = "courts"
    __table_args__ = {"comment": "法院"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True, comment="法院代字, 如 内0221")
    name: Mapped[str] = mapped_column(String(64), comment="法院名称")
    short_name: Mapped[str] = mapped_column(String(32), default="", comment="简称")
    # the court tree (migration 0017): 高院 → 中院 → 基层法院; NULL parent: the installation's top
    parent_id: Mapped[int | None] = mapped_column(Integer, index=True, comment="上级法院 (courts.id)")
    # server defaults only: a row inserted without them (or into a database migrated to an older
    # revision, as the migration tests do) leaves the columns out of the INSERT
    level: Mapped[str] = mapped_column(String(16), server_default="basic",
                                       comment="法院层级 high/intermediate/basic")
    sort_order: Mapped[int] = mapped_column(Integer, server_default="0", comment="辖区内排序")

    teams: Mapped[list[Team]] = relationship(back_populates="court")


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = {"comment": "执行团队"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("courts.id"), index=True)
    name: Mapped[str] = mapped_column(String(64), comment="团队名称")
    kind: Mapped[str] = mapped_column(String(16), comment="center/simple/complex/preservation/other")
    founded_on: Mapped[dt.date | None] = mapped_column(Date, comment="成立日期")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    court: Mapped[Court] = relationship(back_populates="teams")
    officers: Mapped[list[Officer]] = relationship(back_populates="team")


class Officer(Base):
    __tablename__ = "officers"
    __table_args__ = {"comment": "干警 (承办人、助理、书记员、法警)"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("courts.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    name: Mapped[str] = mapped_column(String(32), comment="姓名")
    staff_no: Mapped[str | None] = mapped_column(String(32), comment="工号 (导入的键)")
    role: Mapped[str] = mapped_column(String(16), comment="judge/assistant/clerk/bailiff")
    # The center's 事务集约 duty (db.cases.vocab.OFFICER_DUTIES): 查控员/送达员/案款专管员/执行110;
    # NULL for case-handling officers. Center staff sit in a team of kind "center".
    duty: Mapped[str | None] = mapped_column(
        String(16), comment="指挥中心岗位 query/service/funds/dispatch (NULL: 办案人员)")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    team: Mapped[Team | None] = relationship(back_populates="officers")


class TeamMembership(Base):
    """An officer's membership of a team over time (执行组织成员变更记录)."""

    __tablename__ = "team_memberships"
    __table_args__ = {"comment": "团队成员变更记录"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
