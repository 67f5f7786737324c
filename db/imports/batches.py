"""Batches: the row images an import records, the history, and undo."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Numeric,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.base import Base
from db.errors import ValidationError
from db.models import Court, ImportBatch
from db.session import bump_data_version

# Written by database triggers or by the database clock: never imaged, never restored.
NOT_IMAGED = {"paused_days", "extension_days", "created_at", "updated_at"}
TRIGGER_KEPT = {"payments": {"court_id", "team_id", "officer_id", "category"}}
CHANGES = Base.metadata.tables["import_changes"]
BATCHES = Base.metadata.tables["import_batches"]


class UndoError(ValidationError):
    """The batch cannot be undone; the message says why in Chinese."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def imaged_columns(table: str) -> list[str]:
    skip = NOT_IMAGED | TRIGGER_KEPT.get(table, set())
    return [c.name for c in Base.metadata.tables[table].columns if c.name not in skip]


def encode(row: dict[str, Any]) -> str:
    def plain(v: Any) -> Any:
        if isinstance(v, dt.date | dt.datetime):
            return v.isoformat()
        if isinstance(v, Decimal):
            return str(v)
        return v
    return json.dumps({k: plain(v) for k, v in row.items()}, ensure_ascii=False)


def decode(table: str, text: str) -> dict[str, Any]:
    columns = Base.metadata.tables[table].columns
    out = {}
    for key, value in json.loads(text).items():
        kind = columns[key].type
        if value is not None:
            if isinstance(kind, DateTime):
                value = dt.datetime.fromisoformat(value)
            elif isinstance(kind, Date):
                value = dt.date.fromisoformat(value)
            elif isinstance(kind, Numeric):
                value = Decimal(value)
            elif isinstance(kind, Boolean):
                value = bool(value)
        out[key] = value
    return out


def runs(ids: Iterable[int]) -> list[tuple[int, int]]:
    """[(first, last)] runs of consecutive ids."""
    if isinstance(ids, range) and ids.step == 1:
        return [(ids.start, ids.stop - 1)] if ids else []
    out: list[tuple[int, int]] = []
    for row_id in sorted(ids):
        if out and row_id == out[-1][1] + 1:
            out[-1] = (out[-1][0], row_id)
        else:
            out.append((row_id, row_id))
    return out


class Recorder:
    """Buffers the batch's row changes and writes them in bulk."""

    def __init__(self, session: Session, batch_id: int) -> None:
        self.session = session
        self.batch_id = batch_id
        self.buffer: list[dict[str, Any]] = []
        self.count = 0

    def inserted(self, table: str, ids: Iterable[int]) -> None:
        """New rows, recorded as runs of consecutive ids (one record per run)."""
        for low, high in runs(ids):
            self._add(table, low, "insert", None, high)

    def updated(self, table: str, row_id: int, before: dict[str, Any]) -> None:
        self._add(table, row_id, "update", encode(before))

    def deleted(self, table: str, row_id: int, before: dict[str, Any]) -> None:
        self._add(table, row_id, "delete", encode(before))

    def _add(self, table: str, row_id: int, action: str, before: str | None, last: int | None = None) -> None:
        self.buffer.append({"batch_id": self.batch_id, "table_name": table, "row_id": row_id,
                            "last_row_id": last, "action": action, "before": before})
        self.count += 1
        if len(self.buffer) >= 5000:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.session.execute(insert(CHANGES), self.buffer)
            self.buffer = []


def history(session: Session, limit: int = 100) -> list[dict[str, Any]]:
    """The latest batches, newest first: court (its 法院代字), who, when, file, SHA-256, counts, status."""
    rows = session.execute(select(ImportBatch, Court.code).outerjoin(Court, Court.id == ImportBatch.court_id)
                           .order_by(ImportBatch.id.desc()).limit(limit)).all()
    out = []
    for b, court in rows:
        counts = json.loads(b.counts or "{}")
        total = {k: sum(s.get(k, 0) for s in counts.values())
                 for k in ("new", "updated", "unchanged", "rejected", "deleted")}
        out.append({"id": b.id, "court_id": b.court_id, "court": court or "",
                    "actor": b.actor, "origin": b.origin, "file_name": b.file_name,
                    "sha256": b.sha256, "started_at": b.started_at, "finished_at": b.finished_at,
                    "status": b.status, "undone_at": b.undone_at, "undone_by": b.undone_by,
                    "sheets": counts, **total})
    return out


def undo(session: Session, batch_id: int, actor: str) -> dict[str, int]:
    """Restore every row batch `batch_id` changed to its image from before the batch.

    Refused (UndoError) when the batch is unknown or already undone, or when a later batch
    that is not undone changed one of the same rows. All or nothing; the caller commits.
    Returns {table: rows restored}.
    """
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise UndoError(f"导入批次 {batch_id} 不存在")
    if batch.status == "undone":
        raise UndoError(f"导入批次 {batch_id} 已于 {batch.undone_at:%Y-%m-%d %H:%M} 撤销")
    mine = CHANGES.alias("mine")
    later = CHANGES.alias("later")
    blocker = session.execute(
        select(later.c.batch_id, mine.c.table_name).select_from(
            mine.join(later, (later.c.table_name == mine.c.table_name) & (later.c.row_id >= mine.c.row_id)
                      & (later.c.row_id <= func.coalesce(mine.c.last_row_id, mine.c.row_id)))
            .join(BATCHES, BATCHES.c.id == later.c.batch_id))
        .where(mine.c.batch_id == batch_id, later.c.batch_id > batch_id,
               BATCHES.c.status == "done")
        .order_by(later.c.batch_id.desc()).limit(1)).first()
    if blocker is not None:
        raise UndoError(f"导入批次 {batch_id} 之后的批次 {blocker[0]} 又改动了同一些数据，"
                        f"请先撤销批次 {blocker[0]}")
    restored: dict[str, int] = {}
    try:
        with session.begin_nested():
            changes = session.execute(select(CHANGES.c.table_name, CHANGES.c.row_id, CHANGES.c.last_row_id,
                                             CHANGES.c.action, CHANGES.c.before)
                                      .where(CHANGES.c.batch_id == batch_id)
                                      .order_by(CHANGES.c.id.desc()))
            for table_name, row_id, last_row_id, action, before in changes.all():
                table = Base.metadata.tables[table_name]
                if action == "insert":
                    last = last_row_id or row_id
                    session.execute(delete(table).where(table.c.id.between(row_id, last)))
                elif action == "update":
                    session.execute(update(table).where(table.c.id == row_id)
                                    .values(decode(table_name, before)))
                else:
                    session.execute(insert(table).values(decode(table_name, before)))
                count = (last - row_id + 1) if action == "insert" else 1
                restored[table_name] = restored.get(table_name, 0) + count
            session.execute(update(BATCHES).where(BATCHES.c.id == batch_id)
                            .values(status="undone", undone_at=utcnow(), undone_by=actor))
            bump_data_version(session)
    except IntegrityError:
        raise UndoError(f"导入批次 {batch_id} 新增的案件或人员已被其他数据引用（如督办、事件、后来录入的记录），"
                        "无法撤销") from None
    session.expire_all()
    return restored
