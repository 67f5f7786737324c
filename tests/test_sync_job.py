"""The sync job runs only on the leader, publishes the sources' status to the cache, and a
source that keeps failing shows on /healthz and in the banner the wall mirrors."""
from __future__ import annotations

from types import SimpleNamespace

from cachelib import SimpleCache

from dashboard import sync_job
from db.context import AppContext
from db.imports.sync import cached_status, notice_text
from db.session import make_session_factory
from tests.db.imports.helpers import with_court


def _state(engine, tmp_path, failures_before_alert: int = 2):
    path = tmp_path / "sync.toml"
    path.write_text('[[sources]]\nname = "旧系统"\nurl = "postgresql+psycopg://nobody@127.0.0.1:1/none"\n'
                    'timeout_s = 5\n[sources.sheets]\n"案件" = "SELECT 1"\n', encoding="utf-8")
    settings = {"SYNC_SOURCES": str(path), "TIMEZONE": "Asia/Shanghai", "SYNC_ALERT_FAILURES": failures_before_alert,
                "SYNC_INTERVAL_S": 600}
    return AppContext(settings=settings, engine=engine, sessions=make_session_factory(engine),
                      extras={"cache": SimpleCache()})


def test_only_the_leader_syncs_and_failures_reach_the_banner(sqlite_engine, tmp_path) -> None:
    with_court(sqlite_engine)
    state = _state(sqlite_engine, tmp_path)
    cache = state.extras["cache"]
    sync_job.tick(SimpleNamespace(leading=False), state)
    assert cached_status(cache) == []
    sync_job.tick(SimpleNamespace(leading=True), state)
    first = cached_status(cache)
    assert first[0]["name"] == "旧系统" and first[0]["failures"] == 1 and not first[0]["alert"]
    assert notice_text(cache) is None
    sync_job.tick(SimpleNamespace(leading=True), state)
    assert cached_status(cache)[0]["alert"]
    assert "“旧系统”已连续失败 2 次" in notice_text(cache)


def test_healthz_shows_the_sync_status(sqlite_engine, tmp_path) -> None:
    from dashboard.app import create_app

    app = create_app({"DATABASE_URL": sqlite_engine.url.render_as_string(hide_password=False),
                      "SCHEDULER_ENABLED": False, "SEED_DEMO": False})
    cache = app.server.extensions["dashboard"].extras["cache"]
    cache.set("import_sync_status", [{"name": "旧系统", "failures": 3, "alert": True, "last_error": "连接被拒绝"}])
    body = app.server.test_client().get("/healthz").get_json()
    assert body["sync"][0]["last_error"] == "连接被拒绝"
