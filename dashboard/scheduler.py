"""APScheduler wiring: the refresh job and the leader-lease heartbeat.

Every scheduler process runs both jobs; only the lease holder refreshes, the others stand
by and take over within two intervals once the holder's lease runs out.
"""
from __future__ import annotations

import atexit
import datetime as dt
import functools
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from callbacks.wall import wall
from dashboard import sync_job
from dashboard.cache import is_redis
from db.context import AppContext
from db.snapshot.builder import default_port
from db.snapshot.lock import DatabaseLease, LeaderLease, RedisLease
from db.snapshot.refresh import Refresher
from db.supervision.sweep import OverdueSweep

log = logging.getLogger(__name__)

JOB_ID = "refresh_snapshot"
LEASE_JOB_ID = "leader_lease"


@dataclass
class RefreshService:
    """The leader's state in this process; both jobs call into it."""

    server: Flask
    lease: LeaderLease
    refresher: Refresher
    ttl_s: float
    scheduler: BackgroundScheduler | None = None
    sweep: OverdueSweep | None = None  # 督办逾期 step, once per court day / hour
    leading: bool = False
    _renewed: float = 0.0
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def renew(self) -> bool:
        """Take or renew the lease; a lease we hold stays valid if the lock store blips."""
        with self._guard:
            now = time.monotonic()
            try:
                ok = self.lease.acquire()
            except Exception:  # noqa: BLE001 - keep the job alive; retry next heartbeat
                log.warning("主控锁续期失败", exc_info=True)
                ok = self.leading and now - self._renewed < self.ttl_s
            else:
                if ok:
                    self._renewed = now
            became_leader = ok and not self.leading
            if self.leading and not ok:
                log.warning("失去主控锁，转为备用：%s", self.lease.holder)
            self.leading = ok
        if became_leader:
            log.info("取得主控锁，开始刷新：%s", self.lease.holder)
            self._run_now()
        return ok

    def tick(self) -> str | None:
        """The refresh job: do one refresher tick when this process leads."""
        if not self.renew():
            return None
        with self.server.app_context():
            if self.sweep is not None:
                self.sweep.run()  # own transaction; logs and swallows its failures
            return self.refresher.run()

    def _run_now(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.modify_job(JOB_ID, next_run_time=dt.datetime.now(dt.UTC))

    def stop(self) -> None:
        """Stop the jobs and hand the lease over at once."""
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        try:
            self.lease.release()
        except Exception:  # noqa: BLE001
            log.warning("释放主控锁失败（租约到期后自动失效）", exc_info=True)


def make_lease(state: AppContext, ttl_s: float) -> LeaderLease:
    """Redis lease when the cache is Redis, else a row in the database."""
    settings = state.settings
    if is_redis(settings["CACHE_URL"]):
        import redis

        client = redis.Redis.from_url(settings["CACHE_URL"])
        return RedisLease(client, f"{settings['CACHE_PREFIX']}leader:{JOB_ID}", ttl_s)
    return DatabaseLease(state.sessions, ttl_s)


def make_refresher(state: AppContext) -> Refresher:
    settings = state.settings
    return Refresher(
        sessions=state.sessions,
        cache=state.extras["cache"],
        port_factory=lambda: default_port(settings["INDICATOR_SETTINGS"], settings),
        tz=ZoneInfo(settings["TIMEZONE"]),
        court_code=settings["COURT_CODE"],
        history_days=settings["SNAPSHOT_HISTORY_DAYS"],
        history_interval_s=settings["SNAPSHOT_HISTORY_INTERVAL_S"],
        pg_parallel=settings["SNAPSHOT_PG_PARALLEL"],
        full_rebuild_s=settings["FULL_REBUILD_INTERVAL_S"],
    )


def _add_jobs(scheduler: BackgroundScheduler, service: RefreshService, interval: float) -> None:
    now = dt.datetime.now(dt.UTC)
    common: dict[str, Any] = {"max_instances": 1, "coalesce": True, "replace_existing": True,
                              "misfire_grace_time": max(1, int(interval))}
    scheduler.add_job(service.tick, "interval", seconds=interval, id=JOB_ID,
                      next_run_time=now, **common)
    # Renew three times per TTL so one late heartbeat never loses the lease.
    scheduler.add_job(service.renew, "interval", seconds=service.ttl_s / 3, id=LEASE_JOB_ID,
                      next_run_time=now, **common)


def start(server: Flask, *, force: bool = False) -> RefreshService | None:
    """Start the refresher in this process when SCHEDULER_ENABLED (or `force`)."""
    state: AppContext = server.extensions["dashboard"]
    if not (force or state.settings["SCHEDULER_ENABLED"]):
        return None
    interval = float(state.settings["REFRESH_INTERVAL_S"])
    service = RefreshService(server, make_lease(state, interval), make_refresher(state), interval)
    service.refresher.after_publish = functools.partial(wall.prerender, server)  # wall JSON
    service.sweep = OverdueSweep(state.sessions, ZoneInfo(state.settings["TIMEZONE"]))
    scheduler = BackgroundScheduler(executors={"default": ThreadPoolExecutor(2)},
                                    timezone=dt.UTC)
    service.scheduler = scheduler
    _add_jobs(scheduler, service, interval)
    sync_job.add_job(scheduler, service, state)  # the import sync sources (SYNC_SOURCES)
    scheduler.start()
    state.extras["scheduler"] = service
    atexit.register(service.stop)
    log.info("定时刷新已启动：每 %s 秒，进程 %s", interval, service.lease.holder)
    return service
