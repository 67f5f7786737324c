"""The video wall in headless Chromium on a published sample snapshot.

Fit at 1920×1080 and 3840×2160, rotation and pinning, kiosk behaviour, live updates
without reload, highlights, memory over many refresh cycles, and offline rendering.
The real refresher (stale banner, figure equality) is covered in test_wall_live.py.
"""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from db.snapshot.store import RefreshState, publish, write_state
from tests.browser.harness import (
    LiveServer,
    console_errors,
    heap_object_counts,
    set_viewport,
    start_server,
    wait_for_dash,
    wait_until,
)
from tests.layouts.wall_sample import sample_snapshot

SCREENS = ("overview", "teams", "center", "nodes", "feed")
CYCLES = 20  # refresh cycles driven for the memory check (each re-renders all five screens)
BOXES = (".w-kpi, .w-panel, .w-nh, .w-cp-cell, .w-fd-row, .w-rk-row, .w-team-table, .wall-header, "
         ".wall-footer, .w-clock, .w-tab:not(.is-hidden)")


def publish_sample(server: LiveServer, version: int, bump: int = 0) -> dict[str, Any]:
    """Publish a sample snapshot as the refresher would, confirmed current now."""
    cache = server.app.server.extensions["dashboard"].extras["cache"]
    snap = sample_snapshot(version, bump)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    publish(cache, snap, RefreshState())
    write_state(cache, RefreshState(version=version, computed_at=snap["computed_at"],
                                    as_of=snap["as_of"], checked_at=now))
    return snap


@pytest.fixture(scope="module")
def sample_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with version polling every second and the sample snapshot as version 7."""
    db = tmp_path_factory.mktemp("wall") / "wall.db"
    server = start_server(f"sqlite:///{db}", {"POLL_INTERVAL_S": 1, "REFRESH_INTERVAL_S": 600})
    publish_sample(server, 7)
    yield server
    server.stop()


def open_wall(driver: Any, server: LiveServer, query: str) -> None:
    driver.get(server.page(f"/wall?{query}"))
    wait_for_dash(driver)
    wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, ".w-kpi[data-key='closed'] .w-num-n"),
               30, "KPI tiles filled")


def active_screen(driver: Any) -> str:
    return driver.execute_script(
        "var s = document.querySelectorAll('.w-screen.is-active');"
        "return s.length === 1 ? s[0].getAttribute('data-screen') : 'many:' + s.length;")


_FIT_JS = """
const W = window.innerWidth, H = window.innerHeight, out = [];
const doc = document.documentElement;
if (doc.scrollWidth > W || doc.scrollHeight > H) out.push('page scrolls ' + doc.scrollWidth + 'x' + doc.scrollHeight);
const screen = document.querySelector('.w-screen.is-active');
if (screen.scrollHeight > screen.clientHeight + 1) out.push('screen overflows ' + screen.scrollHeight);
for (const el of document.querySelectorAll(arguments[0])) {
  if (el.closest('.w-screen') && !el.closest('.w-screen.is-active')) continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0) continue;
  if (r.left < -0.5 || r.top < -0.5 || r.right > W + 0.5 || r.bottom > H + 0.5)
    out.push(el.className + ' at ' + [r.left, r.top, r.right, r.bottom].map(Math.round));
}
for (const panel of screen.querySelectorAll('.w-panel')) {
  if (panel.scrollHeight > panel.clientHeight + 1) out.push('panel cut off: ' + panel.textContent.slice(0, 20));
}
for (const cell of screen.querySelectorAll('.w-rank-table th, .w-rank-table td, .w-tt-name')) {
  if (cell.scrollWidth > cell.clientWidth + 1) out.push('text cut: ' + cell.textContent);
}
return out;
"""


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)], ids=["1080p", "4k"])
def test_every_screen_fits_without_scrollbars(sample_server: LiveServer, driver: Any,
                                              size: tuple[int, int]) -> None:
    width, height = size
    set_viewport(driver, width, height)
    for screen in SCREENS:
        open_wall(driver, sample_server, f"kiosk=1&screen={screen}")
        time.sleep(1.0)  # cross-fade
        assert active_screen(driver) == screen
        assert driver.execute_script(_FIT_JS, BOXES) == [], f"{screen} at {width}×{height}"
    # 4K scales the design up instead of shrinking it: twice the root font size
    root_px = driver.execute_script("return parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert root_px == pytest.approx(20 * width / 1920, rel=0.01)
    assert console_errors(driver) == []


def test_rotation_pinning_and_kiosk(sample_server: LiveServer, driver: Any) -> None:
    open_wall(driver, sample_server, "kiosk=1&rotate=5")
    assert not driver.find_element(By.CSS_SELECTOR, ".topnav").is_displayed()
    assert not driver.find_elements(By.CSS_SELECTOR, ".wall-home")
    # the screens follow each other in order (a loaded CI machine may be late, never out of order)
    first = active_screen(driver)
    assert first in SCREENS
    following = SCREENS[(SCREENS.index(first) + 1) % len(SCREENS)]
    wait_until(lambda: active_screen(driver) != first, 20, "rotated")
    assert active_screen(driver) == following
    # pinned: one screen, one tab; Esc and clicks (on a tab or anywhere) change nothing
    open_wall(driver, sample_server, "kiosk=1&rotate=5&screen=团队")
    url = driver.current_url
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    driver.execute_script("document.querySelector('.w-tab[data-screen=overview]').click();"
                          "document.querySelector('.w-screen.is-active').click();")
    time.sleep(7)
    assert driver.current_url == url and active_screen(driver) == "teams"
    assert "wall--kiosk" in driver.find_element(By.ID, "wall-root").get_attribute("class")
    visible = [t.text for t in driver.find_elements(By.CSS_SELECTOR, ".w-tab") if t.is_displayed()]
    assert visible == ["团队"]


def test_controls_outside_kiosk_and_bad_parameters(sample_server: LiveServer, driver: Any) -> None:
    open_wall(driver, sample_server, "rotate=0")
    assert driver.find_element(By.CSS_SELECTOR, ".wall-home").is_displayed()
    driver.find_element(By.CSS_SELECTOR, ".w-tab[data-screen=feed]").click()
    wait_until(lambda: active_screen(driver) == "feed", 5, "tab switches screen")
    assert driver.find_element(By.CSS_SELECTOR, ".w-resume").is_displayed()

    open_wall(driver, sample_server, "kiosk=1&rotate=abc&screen=天气")
    errors = wait_until(lambda: driver.find_element(By.ID, "wall-errors").text, 10, "parameter errors")
    assert "参数 rotate 应为秒数" in errors and "“天气”不是大屏页面" in errors


def _tile_text(driver: Any, key: str) -> str:
    return driver.execute_script(
        "const el = document.querySelector(arguments[0]); return el ? el.textContent : null;",
        f".w-kpi[data-key='{key}'] .w-kpi-value")


def show_version(driver: Any, server: LiveServer, version: int) -> None:
    """Publish `version` (figures bumped by version % 7) and wait until the wall shows it."""
    publish_sample(server, version, bump=version % 7)
    wait_until(lambda: driver.execute_script(
        "return document.getElementById('wall-root').getAttribute('data-shown')") == str(version)
               and _tile_text(driver, "closed") == f"{1065 + version % 7}件", 60, f"v{version}")


def test_new_version_updates_in_place_and_highlights_changes(
        sample_server: LiveServer, driver: Any) -> None:
    open_wall(driver, sample_server, "kiosk=1&screen=overview")
    assert _tile_text(driver, "closed") == "1065件"
    driver.execute_script(
        "window.__wallMarker = 42; window.__trendNode = document.getElementById('wall-trend');"
        "window.__flashed = [];"
        "document.addEventListener('animationstart', e => { if (e.animationName === 'wall-flash') {"
        "  const tile = e.target.closest('[data-key]'); window.__flashed.push(tile ? tile.dataset.key : e.target.className);"
        "}}, true);")
    publish_sample(sample_server, 8, bump=5)
    wait_until(lambda: _tile_text(driver, "closed") == "1070件", 60, "tile updated")
    # the chart box and the tiles start their highlight in separate frames: wait for the tile's
    flashed = wait_until(lambda: (found := driver.execute_script("return window.__flashed"))
                         and "closed" in found and found, 5, "the changed tile lights up")
    assert "accepted" not in flashed  # only changed figures light up
    assert driver.execute_script(
        "return window.__wallMarker === 42 && window.__trendNode === document.getElementById('wall-trend')")
    assert _tile_text(driver, "accepted") == "1312件"  # unchanged figures stay


@pytest.mark.slow  # each cycle re-renders all five screens (minutes on a loaded 2-core machine)
def test_js_heap_does_not_grow_with_refresh_cycles(sample_server: LiveServer, driver: Any) -> None:
    open_wall(driver, sample_server, "kiosk=1&screen=overview")

    def heap() -> float:
        # let in-flight callbacks finish first: under load their responses would count as growth
        wait_for_dash(driver, 60)
        time.sleep(1)
        values = []
        for _ in range(3):
            driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
            metrics = driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
            values.append(next(m["value"] for m in metrics if m["name"] == "JSHeapUsedSize"))
        return min(values)

    driver.execute_cdp_cmd("Performance.enable", {})

    for version in range(100, 105):  # warm-up: first renders of every screen fill caches
        show_version(driver, sample_server, version)
    before = heap()
    for version in range(105, 105 + CYCLES):
        show_version(driver, sample_server, version)
    after = heap()
    # Dash records every browser-side input change (each poll tick, each figure) for undo, without
    # a limit; assets/dash-history.js empties that every 5 s (unbounded: > 100 entries by now)
    past = driver.execute_script("return window.store.getState().history.past.length")
    assert past < 50, past
    print(f"JS heap after GC: before {before / 1e6:.2f} MB, after {CYCLES} refresh cycles {after / 1e6:.2f} MB")
    assert after - before < 2_000_000, (before, after)


_TEXT_CHANGES = 50
_CHANGE_TEXT_JS = f"""
const clock = document.querySelector('.w-clock-time');
for (let i = 0; i < {_TEXT_CHANGES}; i++) {{ clock.textContent = '00:00:' + i; void document.body.offsetWidth; }}
"""


def test_text_changes_keep_no_style_objects(sample_server: LiveServer, driver: Any) -> None:
    """A wall changes text all day (the clock every second, figures every refresh): a style
    recalculation must leave nothing behind. A `:has()` before a combinator with a `*` subject
    in any loaded style sheet (base.css had `.section-grid:has(> :nth-child(6)) > *`) made
    Chromium keep two media-query objects per text change (≈ 160 bytes each, no GC frees them)."""
    open_wall(driver, sample_server, "kiosk=1&screen=overview")
    wait_for_dash(driver, 60)
    before = heap_object_counts(driver, "blink::MediaQuery")
    driver.execute_script(_CHANGE_TEXT_JS)
    after = heap_object_counts(driver, "blink::MediaQuery")
    grown = after["blink::MediaQuerySet"] - before["blink::MediaQuerySet"]
    print(f"blink::MediaQuerySet {before['blink::MediaQuerySet']} -> {after['blink::MediaQuerySet']} "
          f"after {_TEXT_CHANGES} text changes (and the clock's own ticks)")
    assert before["blink::MediaQuerySet"] > 0  # the snapshot sees Blink's objects at all
    assert grown < _TEXT_CHANGES // 5, (before, after)


_VERSIONS = 10


def test_new_versions_keep_no_style_objects(sample_server: LiveServer, driver: Any) -> None:
    """Every version replaces the wall's tables whole (Dash mounts a callback's children
    afresh), and Chromium keeps one media-query object per `<table>` with a `<thead>` it lays
    out: two a version on the 团队 screen, all day. The wall's tables put their head row in a
    `<tbody>` of its own (layouts/table.py)."""
    open_wall(driver, sample_server, "kiosk=1&screen=teams")

    for version in range(300, 303):
        show_version(driver, sample_server, version)
    assert active_screen(driver) == "teams"
    assert driver.find_elements(By.CSS_SELECTOR, ".w-team-table th, .w-rank-table th")
    wait_for_dash(driver, 60)
    before = heap_object_counts(driver, "blink::MediaQuerySet")["blink::MediaQuerySet"]
    for version in range(303, 303 + _VERSIONS):
        show_version(driver, sample_server, version)
    wait_for_dash(driver, 60)
    after = heap_object_counts(driver, "blink::MediaQuerySet")["blink::MediaQuerySet"]
    print(f"blink::MediaQuerySet {before} -> {after} after {_VERSIONS} versions on the 团队 screen")
    assert before > 0
    assert after - before < _VERSIONS // 2, (before, after)


def test_renders_completely_offline(sample_server: LiveServer, driver_factory: Any) -> None:
    driver = driver_factory("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")
    open_wall(driver, sample_server, "kiosk=1&screen=overview")
    hosts = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => new URL(e.name).hostname)")
    assert hosts and set(hosts) == {"127.0.0.1"}
    assert console_errors(driver) == []
    # the blocking works: another host is unreachable from this browser
    reached = driver.execute_async_script(
        "const done = arguments[0]; fetch('http://example.com/').then(() => done(true), () => done(false));")
    assert reached is False
    fonts = driver.execute_async_script(
        "const done = arguments[0]; document.fonts.load('700 40px \"Wall Numerals\"', '0123')"
        ".then(f => done(f.map(x => x.status)), e => done(String(e)));")
    assert fonts and set(fonts) == {"loaded"}
    assert driver.find_element(By.CSS_SELECTOR, "#wall-trend .main-svg")
    assert driver.find_element(By.ID, "wall-court").text == "包头市土默特右旗人民法院"
    assert len(driver.find_elements(By.CSS_SELECTOR, ".w-kpi")) == 10


def test_periodic_reload_only_when_the_server_answers(app_server_factory: Any, driver: Any) -> None:
    server = app_server_factory(None, {"POLL_INTERVAL_S": 1, "WALL_RELOAD_H": 8 / 3600})  # every 8 s
    publish_sample(server, 7)
    court = "包头市土默特右旗人民法院"

    def court_shown() -> bool:
        return driver.find_element(By.ID, "wall-court").text == court

    open_wall(driver, server, "kiosk=1")
    driver.execute_script("window.__beforeReload = 1;")
    wait_until(lambda: driver.execute_script("return window.__beforeReload === undefined"), 60, "reloaded")
    # on the reloaded page: figures on screen, then the server goes away right after a reload
    wait_until(court_shown, 60, "court shown after the reload")
    driver.execute_script("window.__beforeReload = 1;")
    server.stop()  # the wall keeps what it shows instead of reloading onto an error page
    time.sleep(12)  # longer than one reload period
    assert driver.execute_script("return window.__beforeReload") == 1
    assert court_shown()
