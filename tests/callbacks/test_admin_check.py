"""/admin/check: the refresher checks every snapshot it builds; the admin page shows the outcome
(all consistent, or each violation) from the cache alone; only ADMIN may open it."""
from __future__ import annotations

import datetime as dt
import json

from flask import g

from callbacks.admin.check import render_check
from dashboard.app import create_app
from dashboard.scheduler import make_refresher
from db.auth.access import Principal
from db.snapshot import store
from layouts.access import RULES_BY_KEY
from tests.db.test_case_queries import TODAY, seed_desk

ADMIN = Principal(user_id=None, username="admin-test", display_name="管理员（测试）", role="admin")


def _text(components) -> str:
    return json.dumps([c.to_plotly_json() if c is not None else None for c in components],
                      default=str, ensure_ascii=False)


def test_admin_check_shows_the_snapshots_own_check(sqlite_engine, migrated_urls) -> None:
    seed_desk(sqlite_engine)
    app = create_app({"DATABASE_URL": migrated_urls["sqlite"], "CACHE_URL": "simple://",
                      "SCHEDULER_ENABLED": False, "TODAY": TODAY.isoformat()})
    try:
        state = app.server.extensions["dashboard"]
        with app.server.test_request_context():
            g.principal = ADMIN
            assert "暂无快照" in _text(render_check({}))
            refresher = make_refresher(state)
            refresher.clock = lambda: dt.datetime.combine(TODAY, dt.time(4), tzinfo=dt.UTC)
            assert refresher.run() == "published"
            snap = store.current_snapshot(state.extras["cache"])
            assert snap["check"]["violations"] == [] and "团队合计" in snap["check"]["rules"]
            shown = _text(render_check({}))
            assert "全部一致" in shown and f"快照第 {snap['version']} 版" in shown
            # a contradiction in the stored report is listed, rule by rule
            bad = {**snap, "check": {**snap["check"], "violations": [
                {"rule": "趋势末点", "where": "全院 · closed", "detail": "趋势最后一点 3 ≠ 本月数值 4"}]}}
            state.extras["cache"].set(store.snapshot_key(snap["version"]), bad)
            store._LOCAL.__init__()  # forget the process-local copy of the immutable version
            shown = _text(render_check({}))
            assert "发现 1 处不一致" in shown and "趋势最后一点 3 ≠ 本月数值 4" in shown
    finally:
        state.engine.dispose()
    assert RULES_BY_KEY["admin_check"].any_of == frozenset({"admin"})
