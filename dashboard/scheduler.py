"""APScheduler wiring: the refresh job, and the leader-lease heartbeat on a thread of its own.

Every scheduler process runs both; only the lease holder refreshes, the others stand by and
take over once the holder's lease runs out (TTL + one heartbeat: docs/faults.md).
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
from sqlalchemy.orm import Session, sessionmaker

from callbacks.desk import live
from callbacks.wall import wall
from dashboard import sync_job
from dashboard.app import timeouts_of
from dashboard.cache import is_redis
from dashboard.config import lease_ttl_s
from db.context import AppContext
from db.session import make_engine, make_session_factory
from db.snapshot import store
from db.snapshot.builder import default_port
from db.snapshot.lock import DatabaseLease, LeaderLease, RedisLease
from db.snapshot.refresh import Refresher, describe
from db.supervision.sweep import OverdueSweep
from db.triage.sweep import TriageSweep

log = logging.getLogger(__name__)

JOB_ID = "refresh_snapshot"


class RefreshDeadline(TimeoutError):
    """A refresh ran past REFRESH_DEADLINE_S and was abandoned."""


@dataclass
class _Run:
    """One refresh in flight on its own thread."""

    thread: threading.Thread
    started: float
    abandoned: bool = False
    slow_noted: bool = False


@dataclass
class RefreshService:
    """The leader's state in this process.

    A heartbeat thread of its own (never queued behind a refresh in a pool) renews the lease
    every TTL/4. The scheduled job only starts a refresh on its own thread when none is running,
    so a slow refresh never piles up runs or warnings; a refresh slower than its interval is
    noted, and one past its deadline is abandoned: its writes are refused, the lease is released
    and not renewed until that thread ends, and the failure is recorded for /healthz.
    """

    server: Flask
    lease: LeaderLease
    refresher: Refresher
    ttl_s: float
    scheduler: BackgroundScheduler | None = None
    sweep: OverdueSweep | None = None  # 督办逾期 step, once per court day / hour
    triage_sweep: TriageSweep | None = None  # 繁简分流 suggestions for new cases, once a minute
    interval_s: float = 30.0
    deadline_s: float = 300.0
    leading: bool = False
    _renewed: float = 0.0
    _guard: threading.Lock = field(default_factory=threading.Lock)  # renewals, one at a time
    _run_lock: threading.Lock = field(default_factory=threading.Lock)
    _run: _Run | None = None
    _stopping: threading.Event = field(default_factory=threading.Event)
    _heartbeat: threading.Thread | None = None
    _renew_error: str = ""

    def __post_init__(self) -> None:
        if getattr(self.refresher, "may_write", False) is None:
            self.refresher.may_write = self.may_write
            self.refresher.may_record = self.may_record

    # -- the lease -------------------------------------------------------------------------
    def renew(self) -> bool:
        """Take or renew the lease unless a refresh of ours is stuck past its deadline."""
        if self._abandon_if_overdue() or self._stuck():
            return False
        with self._guard:
            now = time.monotonic()
            try:
                ok = self.lease.acquire()
            except Exception as exc:  # noqa: BLE001 - keep the heartbeat alive; retry next beat
                cause = describe(exc)
                if not self._renew_error:  # once per state change, no traceback
                    log.warning("主控锁续期失败：%s", cause)
                    self._renew_error = cause
                ok = self.leading and now - self._renewed < self.ttl_s
                if self.leading and not ok:
                    self._record(lambda state: state.failed(dt.datetime.now(dt.UTC), cause))
            else:
                if self._renew_error:
                    log.info("主控锁存储已恢复")
                    self._renew_error = ""
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

    def holds_lease(self) -> bool:
        """Leading, and the last renewal is younger than the TTL (by this process's clock)."""
        return self.leading and time.monotonic() - self._renewed < self.ttl_s

    def may_write(self) -> bool:
        """Called by the refresher before it writes: still the leader, confirmed with the store."""
        run = self._run
        if run is not None and run.thread is threading.current_thread() and run.abandoned:
            log.warning("刷新已超时放弃，不写入结果")
            return False
        if not self.holds_lease():
            log.warning("主控锁已失效，放弃本次刷新的写入：%s", self.lease.holder)
            return False
        try:
            ok = self.lease.acquire()
        except Exception as exc:  # noqa: BLE001
            log.warning("无法确认主控锁，放弃本次刷新的写入：%s", describe(exc))
            return False
        if ok:
            self._renewed = time.monotonic()
        else:
            self.leading = False
            log.warning("主控锁已被其他实例取得，放弃本次刷新的写入：%s", self.lease.holder)
        return ok

    def may_record(self) -> bool:
        """May a failure be recorded: this process's clock says it still leads, and the refresh
        recording it was not abandoned (no store round trip: the store may be what failed)."""
        run = self._run
        if run is not None and run.thread is threading.current_thread() and run.abandoned:
            return False
        return self.holds_lease()

    def _stuck(self) -> bool:
        run = self._run
        return run is not None and run.abandoned and run.thread.is_alive()

    def _abandon_if_overdue(self) -> bool:
        run = self._run
        if run is None or run.abandoned or not run.thread.is_alive():
            return False
        if time.monotonic() - run.started <= self.deadline_s:
            return False
        run.abandoned = True
        self.leading = False
        cause = f"RefreshDeadline: 刷新超过 {self.deadline_s:g} 秒未完成，已放弃，由其他实例接替"
        log.error("%s（%s）", cause, self.lease.holder)
        self._record(lambda state: state.failed(dt.datetime.now(dt.UTC), cause))
        try:
            self.lease.release()
        except Exception as exc:  # noqa: BLE001 - it then runs out by itself
            log.warning("释放主控锁失败（租约到期后自动失效）：%s", describe(exc))
        return True

    def _record(self, change: Any) -> None:
        cache = self.refresher.cache
        try:
            state = store.read_state(cache) or store.RefreshState()
            store.write_state(cache, change(state))
        except Exception as exc:  # noqa: BLE001
            log.warning("缓存不可用，无法记录刷新状态：%s", describe(exc))

    def _beat(self) -> None:
        period = self.ttl_s / 4
        while not self._stopping.is_set():
            self.renew()
            self._stopping.wait(period)

    def start_heartbeat(self) -> None:
        self._heartbeat = threading.Thread(target=self._beat, name="leader-heartbeat", daemon=True)
        self._heartbeat.start()

    # -- the refresh -----------------------------------------------------------------------
    def tick(self) -> str | None:
        """One refresh, here and now, when this process leads (tests call it directly)."""
        if not (self.holds_lease() or self.renew()):
            return None
        with self.server.app_context():
            if self.sweep is not None:
                self.sweep.run()  # own transaction; logs and swallows its failures
            if self.triage_sweep is not None:
                self.triage_sweep.run()  # the same
            return self.refresher.run()

    def dispatch(self) -> None:
        """The scheduled job: start a refresh on its own thread unless one is still running."""
        if self._stopping.is_set() or not self.holds_lease():
            return
        with self._run_lock:  # never the lease's lock: a renewal may be waiting on the store
            run = self._run
            if run is not None and run.thread.is_alive():
                self._note_slow(run)
                return
            thread = threading.Thread(target=self._refresh_thread, name="snapshot-refresh",
                                      daemon=True)
            self._run = _Run(thread, time.monotonic())
            thread.start()

    def _refresh_thread(self) -> None:
        try:
            self.tick()
        except Exception:  # noqa: BLE001 - never kill the service
            log.exception("刷新线程异常结束")

    def _note_slow(self, run: _Run) -> None:
        took = time.monotonic() - run.started
        if took > self.interval_s and not run.slow_noted:
            run.slow_noted = True
            log.warning("本次刷新已用 %.0f 秒，超过刷新间隔 %s 秒；其间不再排队新的刷新",
                        took, f"{self.interval_s:g}")

    def _run_now(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.modify_job(JOB_ID, next_run_time=dt.datetime.now(dt.UTC))

    def halt(self) -> None:
        """Stop at once without releasing the lease, as a killed process would (tests)."""
        self._stopping.set()
        self.leading = False
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def stop(self) -> None:
        """Stop the jobs and hand the lease over at once (once; later calls do nothing)."""
        if self._stopping.is_set() and not self.leading:
            return
        self._stopping.set()
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        run = self._run
        if run is not None and run.thread.is_alive():
            run.thread.join(timeout=5)
        if self._heartbeat is not None:
            self._heartbeat.join(timeout=5)
        self.leading = False
        try:
            self.lease.release()
        except Exception:  # noqa: BLE001
            log.warning("释放主控锁失败（租约到期后自动失效）", exc_info=True)


def make_lease(state: AppContext, ttl_s: float) -> LeaderLease:
    """Redis lease when the cache is Redis, else a row in the database."""
    settings = state.settings
    if is_redis(settings["CACHE_URL"]):
        import redis

        seconds = float(settings["CACHE_TIMEOUT_S"])
        client = redis.Redis.from_url(settings["CACHE_URL"], socket_timeout=seconds,
                                      socket_connect_timeout=seconds)
        return RedisLease(client, f"{settings['CACHE_PREFIX']}leader:{JOB_ID}", ttl_s)
    return DatabaseLease(state.sessions, ttl_s)


def read_sessions(state: AppContext) -> sessionmaker[Session] | None:
    """Sessions on DASHBOARD_READ_DATABASE_URL (a streaming replica) for the snapshot build's
    reads, with the primary's timeouts; None when it is unset or the primary's URL. The engine is
    made once per process and kept in `state.extras["read_engine"]`."""
    url = state.settings.get("READ_DATABASE_URL") or ""
    if not url or url == state.settings["DATABASE_URL"]:
        return None
    engine = state.extras.get("read_engine")
    if engine is None:
        engine = make_engine(url, timeouts_of(state.settings))
        state.extras["read_engine"] = engine
    return make_session_factory(engine)


def make_refresher(state: AppContext) -> Refresher:
    settings = state.settings
    return Refresher(
        sessions=state.sessions,
        read_sessions=read_sessions(state),  # the build's reads; every write stays on the primary
        cache=state.extras["cache"],
        port_factory=lambda: default_port(settings["INDICATOR_SETTINGS"], settings),
        tz=ZoneInfo(settings["TIMEZONE"]),
        court_code=settings["COURT_CODE"],
        history_days=settings["SNAPSHOT_HISTORY_DAYS"],
        history_interval_s=settings["SNAPSHOT_HISTORY_INTERVAL_S"],
        pg_parallel=settings["SNAPSHOT_PG_PARALLEL"],
        pg_work_mem_mb=settings["SNAPSHOT_PG_WORK_MEM_MB"],
        pg_jit=settings["SNAPSHOT_PG_JIT"],
        full_rebuild_s=settings["FULL_REBUILD_INTERVAL_S"],
        deadline_s=float(settings["REFRESH_DEADLINE_S"]),
        may_write=None,  # RefreshService puts its lease check here
    )


def _add_jobs(scheduler: BackgroundScheduler, service: RefreshService, interval: float) -> None:
    # The job returns at once (the refresh runs on its own thread), so runs never overlap;
    # missed runs collapse into one and a late run still counts within one interval.
    scheduler.add_job(service.dispatch, "interval", seconds=interval, id=JOB_ID,
                      next_run_time=dt.datetime.now(dt.UTC), max_instances=1, coalesce=True,
                      replace_existing=True, misfire_grace_time=max(1, int(interval)))


def _after_publish(server: Flask, version: int) -> None:
    """Before pages learn `version`: the wall's JSON, then the desk views opened lately."""
    wall.prerender(server, version)
    live.prewarm(server, version)


def start(server: Flask, *, force: bool = False) -> RefreshService | None:
    """Start the refresher in this process when SCHEDULER_ENABLED (or `force`)."""
    state: AppContext = server.extensions["dashboard"]
    if not (force or state.settings["SCHEDULER_ENABLED"]):
        return None
    interval = float(state.settings["REFRESH_INTERVAL_S"])
    ttl = lease_ttl_s(state.settings)
    service = RefreshService(server, make_lease(state, ttl), make_refresher(state), ttl,
                             interval_s=interval,
                             deadline_s=float(state.settings["REFRESH_DEADLINE_S"]))
    service.refresher.after_publish = functools.partial(_after_publish, server)  # wall JSON, desk memo
    service.sweep = OverdueSweep(state.sessions, ZoneInfo(state.settings["TIMEZONE"]))
    service.triage_sweep = TriageSweep(state.sessions)
    scheduler = BackgroundScheduler(executors={"default": ThreadPoolExecutor(1)},
                                    timezone=dt.UTC)
    service.scheduler = scheduler
    _add_jobs(scheduler, service, interval)
    sync_job.add_job(scheduler, service, state)  # the import sync sources (SYNC_SOURCES)
    scheduler.start()
    service.start_heartbeat()
    state.extras["scheduler"] = service
    atexit.register(service.stop)
    log.info("定时刷新已启动：每 %s 秒，主控锁租期 %s 秒，进程 %s", interval, f"{ttl:g}",
             service.lease.holder)
    return service
