"""The scheduled 逾期 sweep: records 逾期 steps for 督办 past their due date, once per court day
(and again every `interval_s`), in its own transaction, logged, never raising into the job."""
from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from db.session import session_scope
from db.supervision.orders import sweep_overdue

log = logging.getLogger(__name__)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class OverdueSweep:
    """Call `run()` from every scheduler tick; it works only when the court day changed since the
    last successful sweep or `interval_s` has passed, so a tick every few seconds costs nothing."""

    sessions: sessionmaker[Session]
    tz: dt.tzinfo = dt.UTC
    interval_s: float = 3600.0
    clock: Callable[[], dt.datetime] = _utcnow
    monotonic: Callable[[], float] = time.monotonic
    last_day: dt.date | None = field(default=None, init=False)
    _last_run: float | None = field(default=None, init=False)
    _failing: str | None = field(default=None, init=False)

    def due(self, today: dt.date) -> bool:
        if self.last_day != today or self._last_run is None:
            return True
        return self.monotonic() - self._last_run >= self.interval_s

    def run(self) -> list[int] | None:
        """Sweep when due; returns the ids marked 逾期, or None when not due or it failed."""
        now = self.clock()
        today = now.astimezone(self.tz).date()
        if not self.due(today):
            return None
        try:
            with session_scope(self.sessions) as session:
                ids = sweep_overdue(session, today, now=now.astimezone(dt.UTC).replace(tzinfo=None))
        except Exception as exc:  # noqa: BLE001 - the refresh job must survive any failure
            cause = f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:300]
            if cause != self._failing:
                log.exception("督办逾期检查失败（下次刷新时重试）：%s", cause)
            else:
                log.warning("督办逾期检查仍然失败：%s", cause)
            self._failing = cause
            return None
        self._failing = None
        self.last_day, self._last_run = today, self.monotonic()
        if ids:
            log.info("督办逾期检查（%s）：%d 件记为逾期：%s", today, len(ids), ids)
        else:
            log.info("督办逾期检查（%s）：无新增逾期", today)
        return ids
