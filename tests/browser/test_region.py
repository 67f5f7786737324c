"""The court hierarchy in Chromium: the switcher → /region 辖区法院排名 → click a court → /analysis
shows that court; screenshots of /region at 1920×1080 and 3840×2160 (docs/screenshots/region-*.png
with DASHBOARD_SHOTS_DIR=docs/screenshots)."""
from __future__ import annotations

import re
from pathlib import Path

from selenium.webdriver.common.by import By

from db.session import make_engine
from tests.browser.harness import (
    ACCOUNTS,
    SHOTS_DIR,
    console_errors,
    screenshot,
    wait_for_dash,
    wait_for_fresh_data,
    wait_for_text,
    wait_until,
)
from tests.browser.test_desk_print import _print_pdf
from tests.region_data import TODAY, bind_user, seed_region


def _user_id(db_url: str, username: str) -> int:
    from sqlalchemy import select

    from db.models import User

    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(User.id).where(User.username == username)).scalar_one()
    finally:
        engine.dispose()


def _rows(driver) -> list[str]:
    """The court names of the ranking grid, top to bottom."""
    return driver.execute_script("""
        const rows = [...document.querySelectorAll('#region-grid .ag-center-cols-container .ag-row')];
        rows.sort((a, b) => Number(a.getAttribute('row-index')) - Number(b.getAttribute('row-index')));
        return rows.map(r => r.querySelector('[col-id="name"]').innerText.trim());
    """)


def test_switcher_region_and_drill(app_server_factory, driver, tmp_path: Path) -> None:
    server = app_server_factory(overrides={"TODAY": TODAY, "REFRESH_INTERVAL_S": 5}, background=True)
    engine = make_engine(server.db_url)
    try:
        tree = seed_region(engine)
        username, _password = ACCOUNTS[server.url]
        bind_user(engine, _user_id(server.db_url, username), tree["内02"])
    finally:
        engine.dispose()
    driver.get(server.page("/analysis"))
    wait_for_dash(driver, 60)
    wait_for_fresh_data(driver)  # the snapshot exists: no 「数据尚未就绪」 banner on the pictures
    summary = wait_for_text(driver, ".court-menu summary", "当前法院：包头市中级人民法院", 30)
    assert "包头市中级人民法院" in summary
    driver.find_element(By.CSS_SELECTOR, ".court-menu summary").click()
    options = [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".court-list .court-option")]
    assert options == ["包头市中级人民法院", "土默特右旗人民法院", "固阳县人民法院", "达尔罕茂明安联合旗人民法院"]
    screenshot(driver, SHOTS_DIR / "region-switcher-1920x1080.png", 1920, 1080)
    driver.find_element(By.CSS_SELECTOR, ".court-list .court-region").click()
    wait_until(lambda: driver.current_url.split("?")[0].endswith("/region"), 20, "on /region")
    wait_for_dash(driver, 60)
    wait_until(lambda: len(_rows(driver) or []) == 4, 60, "four courts ranked")
    assert _rows(driver) == ["达茂旗法院", "土右旗法院", "包头中院（本院）", "固阳法院"]
    assert "包头市中级人民法院 · 辖区法院排名" in driver.find_element(By.ID, "region-title").text
    for width, height in ((1920, 1080), (3840, 2160)):
        screenshot(driver, SHOTS_DIR / f"region-{width}x{height}.png", width, height, settle=1.0)
    driver.set_window_size(1920, 1080)
    # 打印 like the other desk pages: the header on every sheet, every court in the plain table
    _text, raw = _print_pdf(driver, tmp_path / "region.pdf")
    flat = re.sub(r"\s+", "", raw)
    assert "辖区法院排名｜范围：" in flat and "数据截至" in flat, raw[:300]
    assert all(name in flat for name in ("达茂旗法院", "土右旗法院", "包头中院（本院）", "固阳法院"))
    link = driver.find_element(By.XPATH, "//div[@id='region-grid']//a[contains(., '土右旗法院')]")
    link.click()
    wait_until(lambda: driver.current_url.split("?")[0].endswith("/analysis"), 20, "on /analysis")
    wait_for_dash(driver, 60)
    wait_for_text(driver, "#analysis-title", "土默特右旗人民法院", 30)
    crumbs = driver.find_element(By.ID, "analysis-crumbs").text
    assert crumbs.startswith("包头市中级人民法院辖区") and "土默特右旗人民法院" in crumbs
    wait_for_text(driver, ".court-menu summary", "当前法院：土默特右旗人民法院", 30)
    assert not [e for e in console_errors(driver) if "favicon" not in e]
