"""Refresher ticks on every backend: change check, publish, history, failures, versions."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from cachelib import SimpleCache
from sqlalchemy import func, select, text

from db import migrate
from db.models import IndicatorHistory
from db.session import (
    bump_data_version,
    make_engine,
    make_session_factory,
    session_scope,
)
from db.snapshot import store
from db.snapshot.builder import build_snapshot, default_port
from db.snapshot.refresh import FAILED, PUBLISHED, UNCHANGED, Refresher, build_timing
from db.snapshot.store import RefreshState
from tests.db.snapshot_data import seed

TZ = ZoneInfo("Asia/Shanghai")


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += dt.timedelta(**kw)


class CountingBuild:
    """The real builder, counted; `fail` makes the next calls raise."""

    def __init__(self) -> None:
        self.calls, self.fail = 0, None

    def __call__(self, *args, **kwargs) -> dict:
        self.calls += 1
        if self.fail:
            raise self.fail
        return build_snapshot(*args, **kwargs)


def _refresher(engine, cache=None, **kw) -> tuple[Refresher, CountingBuild, Clock]:
    build, clock = CountingBuild(), Clock()
    refresher = Refresher(sessions=make_session_factory(engine), cache=cache or SimpleCache(),
                          port_factory=lambda: default_port(None), tz=TZ, clock=clock,
                          build=build, **kw)
    return refresher, build, clock


def _history_rows(engine) -> int:
    with session_scope(make_session_factory(engine)) as s:
        return s.scalar(select(func.count()).select_from(IndicatorHistory))


def test_recompute_only_when_data_or_day_changes(engine) -> None:
    with session_scope(make_session_factory(engine)) as s:
        seed(s)
    refresher, build, clock = _refresher(engine)
    assert refresher.run() == PUBLISHED
    snap = store.current_snapshot(refresher.cache)
    assert snap["version"] == 1 and snap["status"] == "ok" and snap["court"]["code"] == "内0221"
    assert snap["duration_ms"] >= 0 and snap["computed_at"].endswith("+00:00")
    timing = snap["timing"]  # where the build's time went (no figures asserted: no timing tests)
    assert set(timing) == {"cpu_ms", "core_ms", "nodes_ms", "check_ms", "other_ms"}
    assert all(isinstance(v, int) and v >= 0 for v in timing.values())
    clock.advance(seconds=30)
    assert refresher.run() == UNCHANGED and build.calls == 1
    assert store.read_state(refresher.cache).checked_at == clock.now.isoformat(timespec="seconds")
    with session_scope(refresher.sessions) as s:
        bump_data_version(s)
    assert refresher.run() == PUBLISHED and build.calls == 2
    clock.now = dt.datetime(2026, 11, 20, 16, 0, 1, tzinfo=dt.UTC)  # 00:00:01 in Beijing
    assert refresher.run() == PUBLISHED and build.calls == 3
    assert store.current_snapshot(refresher.cache)["periods"]["mtd"]["end"] == "2026-11-21"


def test_failure_keeps_the_last_good_snapshot(engine) -> None:
    with session_scope(make_session_factory(engine)) as s:
        seed(s)
    refresher, build, clock = _refresher(engine)
    refresher.run()
    with session_scope(refresher.sessions) as s:
        bump_data_version(s)
    build.fail = ValueError("第 3 行：结案日期早于立案日期")
    assert refresher.run() == FAILED
    snap = store.current_snapshot(refresher.cache)
    assert snap["version"] == 1 and snap["status"] == "error"
    assert snap["last_error"] == "ValueError: 第 3 行：结案日期早于立案日期"
    build.fail = None
    assert refresher.run() == PUBLISHED
    snap = store.current_snapshot(refresher.cache)
    assert snap["version"] == 2 and snap["status"] == "ok" and snap["last_error"] is None


def test_unreachable_database_is_recorded_not_raised(tmp_path) -> None:
    broken = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    cache = SimpleCache()
    store.write_state(cache, RefreshState(version=5, checked_at="2026-11-20T02:00:00+00:00"))
    refresher, _build, _clock = _refresher(broken, cache)
    assert refresher.run() == FAILED
    state = store.read_state(cache)
    assert state.version == 5 and state.status == "error"
    assert state.last_error.startswith("OperationalError")


def test_history_is_throttled_and_pruned(engine) -> None:
    with session_scope(make_session_factory(engine)) as s:
        seed(s)
    refresher, _build, clock = _refresher(engine, history_interval_s=3600, history_days=1)
    refresher.run()
    first = _history_rows(engine)
    assert first > 0
    for _ in range(2):  # data changes, but within the hour: no new history rows
        clock.advance(minutes=10)
        with session_scope(refresher.sessions) as s:
            bump_data_version(s)
        assert refresher.run() == PUBLISHED
    assert _history_rows(engine) == first
    clock.advance(days=2)
    with session_scope(refresher.sessions) as s:
        bump_data_version(s)
    refresher.run()
    assert _history_rows(engine) == first  # old rows pruned, new ones appended
    with session_scope(refresher.sessions) as s:
        versions = set(s.scalars(select(IndicatorHistory.snapshot_version)))
    assert versions == {4}


def test_versions_stay_monotonic_when_the_cache_is_flushed(engine) -> None:
    with session_scope(make_session_factory(engine)) as s:
        seed(s)
    refresher, _build, _clock = _refresher(engine)
    refresher.run()
    with session_scope(refresher.sessions) as s:
        bump_data_version(s)
    refresher.run()
    refresher.cache.clear()
    assert refresher.run() == PUBLISHED
    assert store.current_snapshot(refresher.cache)["version"] == 3


def test_a_refresh_in_progress_is_announced_and_prerendered_before_the_switch(tmp_path) -> None:
    """During the build the state says `computing_since`; the after-publish hook sees the new
    snapshot stored but pages still on the old version; afterwards the state is clean."""
    engine = make_engine(f"sqlite:///{tmp_path}/r.db")
    migrate.upgrade(engine.url.render_as_string(hide_password=False))
    with session_scope(make_session_factory(engine)) as s:
        seed(s)
    seen: dict = {}
    refresher, build, clock = _refresher(engine)
    real = refresher.build

    def watching(*args, **kwargs):
        seen["during"] = store.read_state(refresher.cache)
        clock.advance(seconds=40)  # a long computation
        return real(*args, **kwargs)

    def hook(version: int) -> None:
        seen["hook"] = (version, store.read_state(refresher.cache).version,
                        store.read_snapshot(refresher.cache, version) is not None)
        raise RuntimeError("prerender broke")  # logged; the refresh still publishes

    refresher.build, refresher.after_publish = watching, hook
    assert refresher.run() == PUBLISHED
    assert seen["during"].computing_since == "2026-11-20T02:00:00+00:00"
    assert seen["hook"] == (1, None, True)
    state = store.read_state(refresher.cache)
    assert state.version == 1 and state.computing_since is None and state.status == "ok"
    assert state.duration_ms is not None and state.checked_at == "2026-11-20T02:00:40+00:00"
    engine.dispose()


def test_a_build_on_postgresql_uses_the_configured_parallelism(engine) -> None:
    """SNAPSHOT_PG_PARALLEL = 0: the build's transaction runs without parallel workers;
    SNAPSHOT_PG_WORK_MEM_MB = 48: with 48 MB of work_mem; SNAPSHOT_PG_JIT off: no JIT (that
    transaction only)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("max_parallel_workers_per_gather is a PostgreSQL setting")
    with session_scope(make_session_factory(engine)) as s:
        seed(s)
    seen: list[tuple[str, str]] = []
    refresher, _build, _clock = _refresher(engine, pg_parallel=0, pg_work_mem_mb=48, pg_jit=False)
    real = refresher.build

    def watching(session, *args, **kwargs):
        seen.append((session.scalar(text("SHOW max_parallel_workers_per_gather")),
                     session.scalar(text("SHOW work_mem")), session.scalar(text("SHOW jit"))))
        return real(session, *args, **kwargs)

    refresher.build = watching
    assert refresher.run() == PUBLISHED
    with session_scope(make_session_factory(engine)) as s:  # only that transaction
        after = (s.scalar(text("SHOW max_parallel_workers_per_gather")), s.scalar(text("SHOW work_mem")),
                 s.scalar(text("SHOW jit")))
    assert seen == [("0", "48MB", "off")] and after[0] != "0" and after[1] != "48MB"
    assert after[2] == "on"  # PostgreSQL's default: the setting changed the build's transaction only


def test_build_timing_splits_the_duration() -> None:
    """core + nodes + check + other = the duration; CPU is reported beside it, not part of
    the split."""
    assert build_timing(2.0, 0.5, 1.2, 0.3) == {"cpu_ms": 500, "core_ms": 1200, "nodes_ms": 0,
                                                "check_ms": 300, "other_ms": 500}
    assert build_timing(2.0, 0.5, 1.0, 0.3, 0.4) == {"cpu_ms": 500, "core_ms": 1000,
                                                     "nodes_ms": 400, "check_ms": 300,
                                                     "other_ms": 300}
    assert build_timing(1.0, 1.0, 0.7, 0.4)["other_ms"] == 0  # rounding never goes negative


def test_a_build_marks_its_reads_for_the_desk_queries_turns(engine) -> None:
    """The desk pages' queries take turns while the build reads (callbacks/desk/data.py): the
    mark is there during the build only, also when the build fails."""
    with session_scope(make_session_factory(engine)) as s:
        seed(s)
    refresher, build, _clock = _refresher(engine, deadline_s=120)
    seen: list[bool] = []
    counted = refresher.build

    def watching(*args, **kwargs) -> dict:
        seen.append(store.building(refresher.cache))
        return counted(*args, **kwargs)

    refresher.build = watching
    assert refresher.run() == PUBLISHED
    assert seen == [True] and not store.building(refresher.cache)
    with session_scope(refresher.sessions) as s:
        bump_data_version(s)
    build.fail = ValueError("第 3 行：结案日期早于立案日期")
    assert refresher.run() == FAILED
    assert seen == [True, True] and not store.building(refresher.cache)
