"""Snapshot store and freshness: versioned entries, the state record, banner and health."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from cachelib import SimpleCache
from flask import Flask

from dashboard.cache import cache_config, init_cache
from db.snapshot import store
from db.snapshot.freshness import assess, banner_text, health_report
from db.snapshot.store import RefreshState, iso
from tests.redis_backend import REDIS_URL, redis_prefix  # noqa: F401 (fixture)

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)


def _snap(version: int) -> dict:
    return {"version": version, "as_of": None, "computed_at": iso(NOW), "status": "ok",
            "last_error": None, "court": {"id": 1}}


def _publish(cache, version: int, state: RefreshState) -> RefreshState:
    store.publish(cache, _snap(version), state)
    new = RefreshState(version=version, previous_version=state.version, checked_at=iso(NOW))
    store.write_state(cache, new)
    return new


def test_current_snapshot_follows_the_state() -> None:
    cache = SimpleCache()
    assert store.current_snapshot(cache) is None
    state = _publish(cache, 1, RefreshState())
    assert store.current_snapshot(cache)["version"] == 1
    store.write_state(cache, state.failed(NOW, "OperationalError: 数据库不可用"))
    snap = store.current_snapshot(cache)
    assert snap["version"] == 1 and snap["status"] == "error"
    assert snap["last_error"] == "OperationalError: 数据库不可用"


def test_only_current_and_previous_versions_are_kept() -> None:
    cache = SimpleCache()
    state = RefreshState()
    for version in (1, 2, 3):
        state = _publish(cache, version, state)
    assert not cache.has(store.snapshot_key(1))
    assert cache.has(store.snapshot_key(2)) and cache.has(store.snapshot_key(3))


def test_unreachable_cache_reads_as_no_data() -> None:
    class Down:
        def get(self, key: str) -> None:
            raise ConnectionError("cache down")

    assert store.read_state(Down()) is None
    assert store.current_snapshot(Down()) is None
    assert store.building(Down()) is False  # no turns for the desk queries, the page still answers


def test_the_building_mark_expires_and_a_down_cache_does_not_fail_the_build() -> None:
    class Recording(SimpleCache):
        def set(self, key, value, timeout=None):  # noqa: ANN001
            self.timeout = timeout
            return super().set(key, value, timeout)

    cache = Recording()
    store.mark_building(cache, dt.datetime(2026, 12, 6, tzinfo=dt.UTC), 300)
    assert store.building(cache) and cache.timeout == 300  # a dead refresher's mark goes away
    store.clear_building(cache)
    assert not store.building(cache)

    class Down:
        def set(self, *_args, **_kw) -> None:
            raise ConnectionError("cache down")

        delete = set

    store.mark_building(Down(), dt.datetime(2026, 12, 6, tzinfo=dt.UTC), 300)  # logged, not raised
    store.clear_building(Down())


def test_freshness_rules() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    assert assess(None, NOW, 2).stale
    state = RefreshState(version=4, checked_at=iso(NOW - dt.timedelta(seconds=5)),
                         computed_at=iso(NOW))
    fresh = assess(state, NOW, 2)
    assert not fresh.stale and fresh.age_s == 5 and banner_text(fresh, tz) is None
    old = assess(state, NOW + dt.timedelta(seconds=2), 2)  # 7 s > 3 intervals of 2 s
    assert old.stale
    assert banner_text(old, tz) == "数据已过期：最后成功更新于 09:59:55"
    failed = assess(state.failed(NOW, "boom"), NOW, 2)
    assert failed.stale
    body, code = health_report(failed)
    assert code == 503 and body["status"] == "stale" and body["last_error"] == "boom"
    assert body["snapshot_version"] == 4 and body["age_s"] == 5.0
    assert health_report(fresh)[1] == 200
    assert banner_text(assess(None, NOW, 2), tz) == "数据尚未就绪：正在等待首次数据刷新"


@pytest.mark.parametrize(("url", "kind"), [
    ("simple://", "SimpleCache"), ("filesystem:///tmp/x", "FileSystemCache"),
    ("redis://127.0.0.1:6379/3", "dashboard.cache.FailoverRedisCache"), ("null://", "NullCache")])
def test_cache_url_picks_the_backend(url: str, kind: str) -> None:
    config = cache_config(url, "p:")
    assert config["CACHE_TYPE"] == kind and config["CACHE_KEY_PREFIX"] == "p:"
    if kind == "FileSystemCache":
        assert config["CACHE_DIR"] == "/tmp/x"


def test_bad_cache_url_is_explained_in_chinese() -> None:
    with pytest.raises(ValueError, match="DASHBOARD_CACHE_URL“memcached://x”无法识别"):
        cache_config("memcached://x")


def test_redis_cache_round_trip(redis_prefix) -> None:  # noqa: F811
    client, prefix = redis_prefix
    server = Flask(__name__)
    server.config.update(CACHE_URL=REDIS_URL, CACHE_PREFIX=prefix)
    cache = init_cache(server)
    state = _publish(cache, 7, RefreshState())
    assert client.exists(f"{prefix}snapshot:v:7") and client.ttl(f"{prefix}snapshot:v:7") == -1
    assert store.read_state(cache) == state
    assert store.current_snapshot(cache)["court"] == {"id": 1}


def test_filesystem_cache_round_trip(tmp_path) -> None:
    server = Flask(__name__)
    server.config.update(CACHE_URL=f"filesystem://{tmp_path}", CACHE_PREFIX="fs:")
    cache = init_cache(server)
    state = _publish(cache, 1, RefreshState())
    state = _publish(cache, 2, state)
    state = _publish(cache, 3, state)
    assert store.read_state(cache) == state
    assert store.current_snapshot(cache)["version"] == 3
    assert not store.has_snapshot(cache, 1) and store.has_snapshot(cache, 2)
