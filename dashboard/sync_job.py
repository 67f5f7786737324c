"""The scheduled sync job: on the leader only, run the sync sources through the import engine
(db/imports/sync.py) and publish their status to the cache for /healthz and the banner."""
from __future__ import annotations

import logging
from typing import Any

from db.context import AppContext
from db.imports.sync import (
    SyncConfigError,
    load_sources,
    publish_status,
    run_all,
    status,
)

log = logging.getLogger(__name__)
JOB_ID = "import_sync"


def tick(service: Any, state: AppContext) -> None:
    """One sync round when this process holds the leader lease; never raises."""
    if not service.leading:
        return
    settings = state.settings
    try:
        sources = load_sources(settings["SYNC_SOURCES"])
    except SyncConfigError as exc:
        log.error("同步源配置错误：%s", exc)
        publish_status(state.extras["cache"], [{"name": "配置", "failures": 1, "alert": True,
                                                "last_error": str(exc)}])
        return
    try:
        for outcome in run_all(state.sessions, sources, tz=settings["TIMEZONE"]):
            if outcome.ok:
                log.info("同步源“%s”完成：%s", outcome.name, outcome.result.as_dict() if outcome.result else "")
            else:
                log.warning("同步源“%s”失败（连续 %s 次），保留上次数据：%s", outcome.name, outcome.failures,
                            outcome.error)
        with state.sessions() as session:
            publish_status(state.extras["cache"], status(session, settings["SYNC_ALERT_FAILURES"]))
    except Exception:  # noqa: BLE001 - the scheduler must survive any failure
        log.exception("同步任务失败")


def add_job(scheduler: Any, service: Any, state: AppContext) -> None:
    """Add the sync job when SYNC_SOURCES names a file."""
    if not state.settings["SYNC_SOURCES"]:
        return
    scheduler.add_job(tick, "interval", args=(service, state), seconds=state.settings["SYNC_INTERVAL_S"],
                      id=JOB_ID, max_instances=1, coalesce=True, replace_existing=True,
                      misfire_grace_time=60)
