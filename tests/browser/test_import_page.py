"""数据导入 in Chromium: download the template, upload a workbook through the file picker of the
drop zone, see the preview (recognised headers, the unknown column), the dry run's counts,
confirm, see the import's counts and the history, watch the wall's figures change after the
next refresh, then undo. Screenshot: docs/screenshots/admin-import-1920x1080.png."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By

from db.session import make_engine
from tests.browser.harness import (
    SHOTS_DIR,
    console_errors,
    migrate_database,
    screenshot,
    wait_for_dash,
    wait_for_text,
    wait_until,
)
from tests.browser.test_admin import _choose
from tests.db.imports.helpers import COURT, PEOPLE, with_court, workbook

SHOTS = SHOTS_DIR


def _workbook(path: Path) -> None:
    """Three cases filed this month (the wall counts the current year), one closed."""
    today = dt.date.today()
    number = f"（{today.year}）内0299执{{}}号"
    day = max(today - dt.timedelta(days=3), dt.date(today.year, 1, 1)).isoformat()
    cases = [["案号", "立案日期", "结案日期", "结案方式", "承办团队", "承办人", "申请执行标的金额（元）", "案由", "备注"],
             [number.format(1), day, day, "执行完毕", "执行一团队", "张法官", "10000", "民间借贷纠纷", "加急"],
             [number.format(2), day, "", "", "执行二团队", "李法官", "250000", "买卖合同纠纷", ""],
             [number.format(3), day, "", "", "执行一团队", "张法官", "5000", "劳动争议", ""]]
    path.write_bytes(workbook({"人员": PEOPLE, "案件": cases}))


def _wall_tiles(driver: Any, server: Any) -> str:
    driver.get(server.page("/wall?rotate=0"))
    wait_for_dash(driver)
    return wait_until(lambda: driver.find_element(By.ID, "wall-tiles").text.strip() or None, 60, "wall tiles")


def test_import_page_in_the_browser(app_server_factory, driver_factory, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/import.db"
    migrate_database(url)
    engine = make_engine(url)
    with_court(engine, COURT)
    engine.dispose()
    server = app_server_factory(url, {"REFRESH_INTERVAL_S": 2, "COURT_CODE": COURT}, background=True)
    admin = driver_factory()
    server.login(admin, "admin")
    before = _wall_tiles(admin, server)

    admin.get(server.page("/admin/import"))
    wait_for_dash(admin)
    template = admin.find_element(By.ID, "admin-import-template").get_attribute("href")
    assert template.endswith("/export/import-template.xlsx")
    fetched = admin.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.arrayBuffer().then(b => done([r.status, b.byteLength])))", template)
    assert fetched[0] == 200 and fetched[1] > 3000

    upload = tmp_path / "本院案件.xlsx"
    _workbook(upload)
    admin.find_element(By.CSS_SELECTOR, "#admin-import-upload input[type=file]").send_keys(str(upload))
    preview = wait_for_text(admin, "#admin-import-preview", "表头识别")
    assert "本院案件.xlsx" in preview and "未识别的列（不会导入）：备注" in preview and "张法官" in preview
    status = wait_for_text(admin, "#admin-import-status", "试导入完成", timeout=60)
    assert "没有发现问题" in status
    confirm = admin.find_element(By.ID, "admin-import-confirm")
    wait_until(lambda: confirm.is_enabled(), 10, "confirm enabled")
    confirm.click()
    wait_for_text(admin, "#admin-import-msg", "已提交导入")
    done = wait_for_text(admin, "#admin-import-status", "导入完成，批次", timeout=60)
    assert "合计" in done
    history = wait_for_text(admin, "#admin-import-history", "本院案件.xlsx")
    assert "有效" in history
    SHOTS.mkdir(parents=True, exist_ok=True)
    admin.execute_script("window.scrollTo(0, 0)")
    screenshot(admin, SHOTS / "admin-import-1920x1080.png", 1920, 1080)
    # the counts and the history: fold the preview away for the second picture
    admin.execute_script("document.getElementById('admin-import-preview').style.display = 'none';"
                         "window.scrollTo(0, 0)")
    screenshot(admin, SHOTS / "admin-import-result-1920x1080.png", 1920, 1080)

    after = wait_until(lambda: (t := _wall_tiles(admin, server)) != before and t, 60, "wall figures change")
    assert after != before

    admin.get(server.page("/admin/import"))
    wait_for_dash(admin)
    wait_for_text(admin, "#admin-import-history", "本院案件.xlsx")
    _choose(admin, "admin-import-pick", "本院案件.xlsx")
    admin.find_element(By.ID, "admin-import-undo").click()
    wait_until(lambda: admin.find_element(By.ID, "admin-import-undo-msg").text, 20, "undo message")
    assert "已撤销批次" in admin.find_element(By.ID, "admin-import-undo-msg").text, admin.find_element(By.ID, "admin-import-undo-msg").text
    wait_for_text(admin, "#admin-import-history", "已撤销")
    assert not [e for e in console_errors(admin) if "403" not in e], console_errors(admin)
    assert Path(SHOTS / "admin-import-1920x1080.png").stat().st_size > 10_000
