"""Wall callbacks as functions: they read only the cached snapshot and skip unchanged versions."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dash
import pytest
from dash.exceptions import PreventUpdate
from sqlalchemy import event

from callbacks import render_cache
from callbacks.wall import wall
from dashboard.app import create_app
from db.snapshot.store import RefreshState, publish, write_state
from tests.layouts.wall_sample import sample_snapshot


@pytest.fixture
def wall_app(tmp_path: Path) -> Iterator[tuple[dash.Dash, Any, list[str]]]:
    """(app, cache, SQL statements seen) with version 7 of the sample snapshot published."""
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/w.db", "SCHEDULER_ENABLED": False,
                      "WALL_ROTATE_S": 30, "WALL_SCREENS": "总览,动态"})
    state = app.server.extensions["dashboard"]
    cache = state.extras["cache"]
    publish(cache, sample_snapshot(7), RefreshState())
    write_state(cache, RefreshState(version=7, checked_at="2022-09-30T02:42:07+00:00"))
    statements: list[str] = []
    event.listen(state.engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))
    with app.server.test_request_context():
        yield app, cache, statements
    state.engine.dispose()


def test_frame_renders_a_new_version_and_skips_the_shown_one(wall_app: tuple) -> None:
    _app, _cache, statements = wall_app
    shown, court, updated, period = wall.render_frame(7, None)
    assert shown == 7 and court == "包头市土默特右旗人民法院"
    assert "10:42:07" in str(updated)  # computed_at 02:42:07 UTC in Asia/Shanghai
    assert period.startswith("统计期间：本年至今 2022-01-01 至 2022-09-30")
    with pytest.raises(PreventUpdate):
        wall.render_frame(7, 7)
    assert statements == []  # the wall never queries the database


def test_screens_render_from_the_snapshot_only(wall_app: tuple) -> None:
    _app, _cache, statements = wall_app
    tiles, trend, month = wall.render_overview(7)  # plain JSON data, as Dash sends it
    assert len(tiles) == 10 and trend["layout"]["uirevision"] == "wall-trend" and month
    table, chart, ranking = wall.render_teams(7)
    assert [t["name"] for t in chart["data"]] == ["结案率", "执行完毕率"] and ranking
    assert wall.render_nodes(7) and all(wall.render_feed(7))
    assert statements == []


def test_no_snapshot_yet_says_so(tmp_path: Path) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/e.db", "SCHEDULER_ENABLED": False})
    with app.server.test_request_context():
        shown, court, updated, period = wall.render_frame(None, None)
    assert shown == 0 and court == "—" and updated == ["数据尚未就绪"]
    assert "等待首次数据刷新" in period


def test_config_merges_url_over_server_settings(wall_app: tuple) -> None:
    config, errors = wall.resolve_config({"kiosk": "1", "rotate": None, "screen": None})
    assert config["kiosk"] and config["rotate_s"] == 30 and config["screens"] == ["overview", "feed"]
    assert errors == []
    _config, errors = wall.resolve_config({"rotate": "x"})
    assert "参数 rotate 应为秒数" in str(errors)


def test_each_screen_is_built_once_per_version(wall_app: tuple, monkeypatch) -> None:
    """Later requests get the stored JSON; a new version is built anew; old ones are dropped."""
    _app, cache, _statements = wall_app
    calls: list[int] = []
    real = wall.nodes.content

    def counting(snap):
        calls.append(snap["version"])
        return real(snap)

    monkeypatch.setitem(wall.SCREENS, "nodes", counting)
    monkeypatch.setattr(wall.nodes, "content", counting)
    first = wall.render_nodes(7)
    assert wall.render_nodes(7) == first and calls == [7]
    assert cache.get(render_cache.shared_key("nodes", 7))  # shared with the other workers
    publish(cache, sample_snapshot(8), RefreshState(version=7))
    wall.render_nodes(8)
    assert calls == [7, 8]
    memo = render_cache.memo_for(cache)
    for version in (9, 10, 11):
        publish(cache, sample_snapshot(version), RefreshState(version=version - 1))
        wall.render_nodes(version)
    assert memo.versions() == [9, 10, 11]  # bounded: only the newest versions stay


def test_a_worker_reuses_what_another_process_built(wall_app: tuple, monkeypatch) -> None:
    """The shared entry (e.g. the refresher's prerender) is used as is; nothing is built."""
    app, cache, _statements = wall_app
    wall.prerender(app.server, 7)
    render_cache._MEMOS.pop(cache)  # a fresh process: empty local memo, same shared cache

    def fail(_snap):
        raise AssertionError("built again")

    for name in wall.SCREENS:
        monkeypatch.setitem(wall.SCREENS, name, fail)
    monkeypatch.setattr(wall.nodes, "content", fail)
    assert wall.render_nodes(7)
    assert render_cache.memo_for(cache).versions() == [7]


def test_concurrent_requests_build_an_entry_once(wall_app: tuple) -> None:
    _app, cache, _statements = wall_app
    memo, calls, gate = render_cache.memo_for(cache), [], threading.Event()

    def slow():
        calls.append(1)
        gate.wait(5)
        return {"ok": True}

    results: list = []
    threads = [threading.Thread(target=lambda: results.append(memo.get("x", 7, slow)))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join()
    assert calls == [1] and results == [{"ok": True}] * 8


def test_a_version_gone_from_the_cache_is_built_but_not_kept(wall_app: tuple) -> None:
    _app, cache, _statements = wall_app
    tiles, _trend, _month = wall.render_overview(99)  # not in the cache: the current one
    assert len(tiles) == 10
    assert 99 not in render_cache.memo_for(cache).versions()


def test_one_request_fills_every_screen(wall_app: tuple) -> None:
    """A new version costs a wall two callbacks: the frame and all five screens together."""
    app, _cache, statements = wall_app
    outputs = [key for key in app.callback_map if "wall-tiles.children" in key]
    assert len(outputs) == 1 and outputs[0].count("...") == 13  # fourteen outputs
    screens = wall.render_screens(7)
    assert list(screens) == [*wall.render_overview(7), *wall.render_teams(7), wall.render_center(7),
                             wall.render_nodes(7), *wall.render_feed(7), *wall.render_campaign(7),
                             *wall.render_region(7)]
    assert statements == []
