"""One refresher tick: cheap change check, recompute only when needed, publish, never raise."""
from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from db.models import Case, SnapshotChange
from db.session import begin_consistent_read, data_version, session_scope
from db.snapshot import changes, heap, history, store
from db.snapshot.builder import (
    CUMULATIVE_KEY,
    TREND_KEYS,
    IndicatorPort,
    Org,
    build_snapshot,
    trend_months,
)
from db.snapshot.check import check_report
from db.snapshot.incremental import CoreResult, IndicatorCore
from db.snapshot.jsonsafe import SafeCopies
from db.snapshot.nodes import NodeCore, NodeResult
from db.snapshot.store import CacheLike, RefreshState, iso
from db.timeouts import TIMEOUT_OPTION, server_statement_limit

log = logging.getLogger(__name__)

PUBLISHED, UNCHANGED, FAILED = "published", "unchanged", "failed"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def data_fingerprint(session: Session) -> str:
    """Return the data version, newest case update and whether the change log has rows
    (triggers fill it on any write to cases or payments, raw UPDATEs included): three
    primary-key/index lookups."""
    version, _changed = data_version(session)
    newest = session.scalar(select(func.max(Case.updated_at)))
    logged = session.scalar(select(SnapshotChange.id).limit(1)) is not None
    return f"{version}|{newest.isoformat() if newest else '-'}|{int(logged)}"


def consumed(fingerprint: str) -> str:
    """The fingerprint once a build consumed the change rows it read."""
    return fingerprint.rsplit("|", 1)[0] + "|0"


def build_timing(total_s: float, cpu_s: float, core_s: float, check_s: float,
                 nodes_s: float = 0.0) -> dict[str, int]:
    """Where a build's time went, in ms: `cpu_ms` is the building thread's own CPU time (the
    rest of `duration_ms` it waited: for the database, or for a core when the machine is busy),
    `core_ms` the indicator core (db/snapshot/incremental.py), `nodes_ms` the 节点管控 section
    (db/snapshot/nodes.py), `check_ms` the invariants, `other_ms` everything else (feed,
    campaigns, centre, the consistent read's setup)."""
    ms = {"cpu_ms": cpu_s, "core_ms": core_s, "nodes_ms": nodes_s, "check_ms": check_s,
          "other_ms": max(0.0, total_s - core_s - nodes_s - check_s)}
    return {k: round(v * 1000) for k, v in ms.items()}


def tune_build(session: Session, workers: int | None, work_mem_mb: int | None = None,
               jit: bool | None = None) -> None:
    """PostgreSQL settings of a build's transaction (this transaction only; None: the server's
    default). `workers` ≥ 0: at most that many parallel workers per query, so a build's scans do
    not take every core. `work_mem_mb` > 0: the memory each sort, hash and bitmap of the build
    may use before it spills to disk or, for a bitmap, turns lossy (every row of each page
    then checked again). `jit` False: no JIT compilation of the build's statements (the
    节点管控 full count is one large statement whose compilation took 2.8 s of 15.7 s at
    1,000,000 cases, more than it saved: docs/operations.md#pg-jit)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    if jit is not None:
        session.execute(text(f"SET LOCAL jit = {'on' if jit else 'off'}"))
    if workers is not None and workers >= 0:
        session.execute(text(f"SET LOCAL max_parallel_workers_per_gather = {int(workers)}"))
    if work_mem_mb:
        session.execute(text(f"SET LOCAL work_mem = '{int(work_mem_mb)}MB'"))


def describe(exc: BaseException) -> str:
    """Return a one-line cause for logs, the state record and /healthz."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:300]


DEFAULT_BUILDING_S = 300  # how long a build's "building" mark lasts without a refresh deadline


@dataclass
class Refresher:
    """Everything a tick needs; the scheduler calls `run()` on the leader only.

    `sessions` is the primary: every write (snapshot version, history, consumed change rows)
    goes there. `read_sessions`, when given, takes every read of the change check and the build
    (a streaming replica, DASHBOARD_READ_DATABASE_URL); None reads the primary too."""

    sessions: sessionmaker[Session]
    cache: CacheLike
    port_factory: Callable[[], IndicatorPort]
    tz: dt.tzinfo = dt.UTC
    court_code: str = ""
    history_days: int = 400
    history_interval_s: int = 3600
    clock: Callable[[], dt.datetime] = utcnow
    build: Callable[..., dict[str, Any]] = build_snapshot
    # called with each new version after its snapshot is stored and before pages learn of
    # it (the web layer prerenders the wall there); its failures are logged, never raised
    after_publish: Callable[[int], None] | None = None
    # PostgreSQL: parallel workers per query of a build (None or < 0: the server's default)
    pg_parallel: int | None = None
    # PostgreSQL: work_mem of the build's transaction in MB (None or 0: the server's default)
    pg_work_mem_mb: int | None = None
    # PostgreSQL: JIT compilation in the build's transaction (None: the server's default)
    pg_jit: bool | None = None
    # Rebuild at least this often even when the fingerprint did not move: a raw UPDATE by
    # another program that touches neither data_state nor cases.updated_at still reaches
    # the wall within this many seconds (0: never force).
    full_rebuild_s: int = 600
    # the build's statements may run this long (the web's statement timeout is shorter)
    deadline_s: float | None = None
    # asked right before anything is written: False (lease lost, refresh abandoned) drops it
    may_write: Callable[[], bool] | None = None
    may_record: Callable[[], bool] | None = None  # … and before a failure is recorded
    # Recompute only the teams the change log names (db/snapshot/incremental.py); a full
    # build on the first run, a new day, an org change, every `full_rebuild_s` and on demand
    incremental: bool = True
    read_sessions: sessionmaker[Session] | None = None
    _port: IndicatorPort | None = field(default=None, init=False)
    _core: IndicatorCore | None = field(default=None, init=False)
    _nodes: NodeCore | None = field(default=None, init=False)
    # the published build's JSON-safe copies of its entity rows, for the next build's
    # rows handed in again (db/snapshot/jsonsafe.py SafeCopies)
    _copies: dict[int, tuple[Any, Any]] = field(default_factory=dict, init=False)
    last_mode: str | None = field(default=None, init=False)  # "full"/"incremental"/None
    last_node_mode: str | None = field(default=None, init=False)  # … of the 节点管控 section
    last_reused: int = field(default=0, init=False)  # entity rows whose JSON copy was reused

    def reads(self) -> sessionmaker[Session]:
        """Sessions for the change check and the build: the read URL's, else the primary's."""
        return self.read_sessions or self.sessions

    def _allowed(self) -> bool:
        return self.may_write is None or self.may_write()

    def run(self, *, full: bool = False) -> str:
        """Check, maybe recompute and publish; log and record any failure.

        `full`: build everything now, whatever the fingerprint (`python -m dashboard rebuild`)."""
        now = self.clock()
        state = store.read_state(self.cache) or RefreshState()
        try:
            if full:
                with session_scope(self.reads()) as session:
                    fingerprint = data_fingerprint(session)
                self._publish(state, now, fingerprint,
                              now.astimezone(self.tz).date(), full=True)
                return PUBLISHED
            return self._refresh(state, now)
        except Exception as exc:  # noqa: BLE001 - the scheduler must survive any failure
            cause = describe(exc)
            if state.last_error == cause:  # the same failure again: one line, no traceback
                log.warning("快照刷新仍然失败：%s", cause)
            else:
                log.exception("快照刷新失败，继续使用上一份快照：%s", cause)
            if self.may_record is None or self.may_record():
                self._record_failure(state, now, exc)
            return FAILED

    def _refresh(self, state: RefreshState, now: dt.datetime) -> str:
        with session_scope(self.reads()) as session:
            fingerprint = data_fingerprint(session)
        today = now.astimezone(self.tz).date().isoformat()
        if (state.fingerprint == fingerprint and state.day == today and not self._rebuild_due(state, now)
                and store.has_snapshot(self.cache, state.version)):
            if not self._allowed():
                return FAILED
            store.write_state(self.cache, state.confirmed(now))
            return UNCHANGED
        self._publish(state, now, fingerprint, dt.date.fromisoformat(today),
                      full=self._rebuild_due(state, now))
        return PUBLISHED

    def _rebuild_due(self, state: RefreshState, now: dt.datetime) -> bool:
        """The last snapshot is older than `full_rebuild_s`: build again whatever the fingerprint."""
        if not self.full_rebuild_s or not state.computed_at:
            return False
        computed = dt.datetime.fromisoformat(state.computed_at)
        if computed.tzinfo is None:
            computed = computed.replace(tzinfo=dt.UTC)
        return (now - computed).total_seconds() >= self.full_rebuild_s

    def port(self) -> IndicatorPort:
        if self._port is None:
            self._port = self.port_factory()
        return self._port

    def core(self) -> IndicatorCore:
        if self._core is None:
            port = self.port()
            self._core = IndicatorCore(port.settings, port.keys, TREND_KEYS, CUMULATIVE_KEY[1])
        return self._core

    def node_core(self) -> NodeCore | None:
        """The kept 节点管控 parts (None: the port has no node rules, no section)."""
        if self._nodes is None and self.port().node_rules is not None:
            self._nodes = NodeCore(self.port().node_rules)
        return self._nodes

    def _publish(self, state: RefreshState, now: dt.datetime, fingerprint: str,
                 today: dt.date, full: bool = False) -> None:
        started, cpu_started = time.perf_counter(), time.thread_time()
        # a full build's collections see every object again (db/snapshot/heap.py)
        heap.thaw(full or self._core is None or self._core.state is None)
        store.write_state(self.cache, state.computing(now))  # not stale while it computes
        found: list[CoreResult] = []
        counted: list[NodeResult] = []
        core_s = nodes_s = 0.0
        with self._building(now), session_scope(self.reads()) as session:
            # every pass of the build reads the same instant of the database (issue #15 §1)
            begin_consistent_read(session)
            self._allow_long(session)
            self._tune_build(session)
            seen = changes.pending(session)
            core = self.core()

            def indicator_core(s: Session, org: Org, periods: dict[str, dict[str, Any]],
                               day: dt.date) -> tuple[dict[str, Any], dict[str, Any]]:
                nonlocal core_s
                began = time.perf_counter()
                result = core.compute(s, org, periods, day, trend_months(day),
                                      None if full or not self.incremental else seen.teams,
                                      version=state.version)
                found.append(result)
                core_s += time.perf_counter() - began
                return result.views, result.trend

            node_core = self.node_core()

            def node_section(s: Session, day: dt.date,
                             courts: tuple[int, ...]) -> dict[str, Any] | None:
                nonlocal nodes_s
                if node_core is None:
                    return None
                began = time.perf_counter()
                teams = None if full or not self.incremental or seen.teams is None \
                    else (lambda: changes.node_teams(s, seen))
                result = node_core.compute(s, day, courts, teams, version=state.version,
                                           cases=seen.node_cases)
                counted.append(result)
                nodes_s += time.perf_counter() - began
                return result.section

            copies = SafeCopies(before={} if full else self._copies)
            body = self.build(session, self.port(), today=today,
                              court_code=self.court_code, tz=self.tz, core=indicator_core,
                              nodes=node_section, copies=copies)
        if not self._allowed():
            raise RuntimeError("不再持有主控锁，本次刷新结果未写入")
        with session_scope(self.sessions) as session:  # written by the leader: read where written
            floor = max(state.version or 0, history.last_version(session))
        # the invariants inside the snapshot, checked on every build (the admin page shows them;
        # `python -m dashboard check` adds the CLI, drill-down and export comparisons)
        checking = time.perf_counter()
        body["check"] = check_report(body, iso(self.clock()))
        done = time.perf_counter()
        snapshot = {"version": floor + 1, **body, "computed_at": iso(self.clock()),
                    "duration_ms": round((done - started) * 1000),
                    "timing": build_timing(done - started, time.thread_time() - cpu_started,
                                           core_s, done - checking, nodes_s),
                    "status": "ok", "last_error": None}
        self._persist(snapshot, now)
        store.publish(self.cache, snapshot, state)
        # the groups behind this snapshot are the base of the next incremental build; the
        # change rows it read are done with (rows committed since stay for the next build)
        core.state = None
        self.last_mode = found[-1].mode if found else None
        if found:
            found[-1].state.version = snapshot["version"]
            core.state = found[-1].state
        self._keep_nodes(counted, snapshot["version"])
        self._copies, self.last_reused = copies.now, copies.reused
        with session_scope(self.sessions) as session:
            changes.consume(session, seen.ids)
        self._after_publish(snapshot["version"])
        store.write_state(self.cache, RefreshState(
            version=snapshot["version"], previous_version=state.version,
            fingerprint=consumed(fingerprint), day=today.isoformat(),
            computed_at=snapshot["computed_at"], as_of=snapshot["as_of"],
            checked_at=iso(self.clock()), duration_ms=snapshot["duration_ms"]))
        # after the pages learn of the new version: what outlives this build is skipped by
        # the next one's collections (db/snapshot/heap.py)
        heap.settle()
        timing = snapshot["timing"]
        log.info("快照 %s 已发布，用时 %s 毫秒（本线程 CPU %s 毫秒；指标核心 %s、节点管控 %s、核对 %s、"
                 "其余 %s）", snapshot["version"], snapshot["duration_ms"], timing["cpu_ms"],
                 timing["core_ms"], timing["nodes_ms"], timing["check_ms"], timing["other_ms"])

    def _keep_nodes(self, counted: list[NodeResult], version: int) -> None:
        """The node parts behind the published snapshot: the next build's base."""
        self.last_node_mode = counted[-1].mode if counted else None
        if self._nodes is not None:
            self._nodes.state = None
            if counted:
                counted[-1].state.version = version
                self._nodes.state = counted[-1].state

    @contextmanager
    def _building(self, now: dt.datetime) -> Iterator[None]:
        """While the build reads the primary, the desk pages' queries there take turns
        (DASHBOARD_DESK_BUILD_SLOTS, callbacks/desk/data.py); a build on a read replica leaves
        them alone. The mark expires with the refresh deadline should this process die."""
        if self.read_sessions is not None:
            yield
            return
        store.mark_building(self.cache, now, self.deadline_s or DEFAULT_BUILDING_S)
        try:
            yield
        finally:
            store.clear_building(self.cache)

    def _allow_long(self, session: Session) -> None:
        """Give the build's transaction the refresh deadline instead of a page's statement limit."""
        if self.deadline_s:
            conn = session.connection()
            conn.execution_options(**{TIMEOUT_OPTION: self.deadline_s})  # this transaction's connection
            server_statement_limit(conn, self.deadline_s)

    def _tune_build(self, session: Session) -> None:
        tune_build(session, self.pg_parallel, self.pg_work_mem_mb, self.pg_jit)

    def _after_publish(self, version: int) -> None:
        if self.after_publish is None:
            return
        try:
            self.after_publish(version)
        except Exception:  # noqa: BLE001 - pages then build what they need themselves
            log.exception("快照 %s 的预渲染失败（页面将自行渲染）", version)

    def _persist(self, snapshot: dict[str, Any], now: dt.datetime) -> None:
        naive = now.astimezone(dt.UTC).replace(tzinfo=None)
        with session_scope(self.sessions) as session:
            history.record_version(session, snapshot["version"], naive)
            last = history.last_history_at(session)
            due = last is None or (naive - last).total_seconds() >= self.history_interval_s
            if due or (last is not None and last.date() != naive.date()):
                history.append_history(session, snapshot, naive)
                history.prune_history(session, naive, self.history_days)

    def _record_failure(self, state: RefreshState, now: dt.datetime, exc: Exception) -> None:
        try:
            store.write_state(self.cache, state.failed(now, describe(exc)))
        except Exception:  # noqa: BLE001
            log.exception("缓存不可用，无法记录刷新失败")
