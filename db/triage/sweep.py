"""The refresher's 分流 step: `TriageSweep.run()` (called on every scheduler tick, before the
snapshot is built) runs db.triage.refresh at most once per `interval_s`, so new cases enter the
分流 queue (and 待分流数 on the wall) without anyone opening the 分流台, and a 查控 result that
arrived re-evaluates their suggestion. Its own transaction; a failure is logged and retried."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from db.session import session_scope
from db.triage.desk import refresh

log = logging.getLogger(__name__)


@dataclass
class TriageSweep:
    sessions: sessionmaker[Session]
    interval_s: float = 60.0
    monotonic: Callable[[], float] = time.monotonic
    _last_run: float | None = field(default=None, init=False)

    def run(self) -> dict[str, int] | None:
        """Refresh the suggestions when due; the counts, or None when not due or it failed."""
        now = self.monotonic()
        if self._last_run is not None and now - self._last_run < self.interval_s:
            return None
        self._last_run = now
        try:
            with session_scope(self.sessions) as session:
                return refresh(session)
        except Exception:  # noqa: BLE001 - the refresh job must survive any failure
            log.exception("繁简分流建议更新失败（下次刷新时重试）")
            return None
