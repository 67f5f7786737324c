"""会议模式 in Chromium on the demo court: the keyboard path 全院 → 团队 → 承办人 → 案件 and back,
the breadcrumb, figures equal to /analysis, compare mode, 会议材料 (xlsx download, printed page's
text through CDP printToPDF + pdftotext) and screenshots at 1920×1080 and 3840×2160."""
from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.harness import (
    SHOTS_DIR,
    console_errors,
    screenshot,
    wait_for_dash,
    wait_for_text,
    wait_until,
)

pytestmark = pytest.mark.browser
ARTICLE = "preset=custom&start=2021-10-01&end=2022-09-30"
COURT = "包头市土默特右旗人民法院"


def _press(driver: Any, *keys: str) -> None:
    chain = ActionChains(driver)
    for key in keys:
        chain.send_keys(key)
    chain.perform()


# Read the page in one script each (atomic: no stale elements while Dash re-renders a level).
_SELECTED_JS = """
const row = document.querySelector('#meeting-view .meeting-row.is-selected');
return row && {text: row.innerText.trim(), id: row.dataset.id, index: row.dataset.index};
"""


def _selected(driver: Any) -> dict[str, str]:
    """The highlighted row: its text, data-id and data-index."""
    return wait_until(lambda: driver.execute_script(_SELECTED_JS), 30, "a selected row")


def _level(driver: Any, label: str) -> str:
    """Wait until the title shows this level's badge; return the title."""
    wait_for_text(driver, "#meeting-title", label, 60)
    wait_for_dash(driver, 60)
    return driver.execute_script("return document.getElementById('meeting-title').innerText")


def _crumbs(driver: Any) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#meeting-crumbs .crumb')).map(c => c.textContent.trim())")


def _meeting_kpis(driver: Any) -> dict[str, str]:
    return driver.execute_script("""
        const out = {};
        document.querySelectorAll('#meeting-view .meeting-kpi').forEach(k => {
            out[k.querySelector('.meeting-kpi-name').textContent] = k.querySelector('.meeting-kpi-value').textContent;
        });
        return out;""")


def _analysis_kpis(driver: Any) -> dict[str, str]:
    return {c.find_element(By.CLASS_NAME, "kpi-name").text: c.find_element(By.CLASS_NAME, "kpi-value").text
            for c in driver.find_elements(By.CSS_SELECTOR, "#analysis-kpis .kpi-card")}


def _select_row(driver: Any, name: str) -> dict[str, str]:
    """Arrow down until the selected row is `name` (the list starts at its first row)."""
    for _ in range(30):
        row = _selected(driver)
        if row["text"].startswith(name):
            return row
        _press(driver, Keys.ARROW_DOWN)
    raise AssertionError(f"{name} not reached with the arrow keys")


def test_keyboard_path_breadcrumb_compare_and_meeting_material(demo_server, driver, tmp_path: Path) -> None:
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    driver.get(demo_server.page(f"/meeting?{ARTICLE}"))
    wait_for_dash(driver, 60)
    _level(driver, "全院")
    assert _crumbs(driver) == [COURT]
    assert _selected(driver)["index"] == "0"

    # ↓ to 简案团队, Enter: the team level, breadcrumb 全院 › 团队
    team_id = _select_row(driver, "简案团队")["id"]
    _press(driver, Keys.ENTER)
    assert "简案团队" in _level(driver, "团队")
    assert _crumbs(driver) == [COURT, "简案团队"]
    team_kpis = _meeting_kpis(driver)
    assert team_kpis["结案数"] == "707件"  # the article's 简案团队 figure
    officer_row = _selected(driver)
    officer_name, officer_id = officer_row["text"].split()[0], officer_row["id"]

    # Enter into the officer, Enter into the officer's most pressing case
    _press(driver, Keys.ENTER)
    assert officer_name in _level(driver, "承办人")
    assert _crumbs(driver) == [COURT, "简案团队", officer_name]
    officer_kpis = _meeting_kpis(driver)
    _press(driver, Keys.ARROW_DOWN)
    wait_until(lambda: _selected(driver)["index"] == "1", 30, "the second case selected")
    case_row = _selected(driver)
    case_number, case_id = case_row["text"].split()[0], case_row["id"]
    _press(driver, Keys.ENTER)
    assert case_number in _level(driver, "案件")
    assert _crumbs(driver) == [COURT, "简案团队", officer_name, case_number]
    facts = driver.execute_script("return document.querySelector('#meeting-view .meeting-facts').innerText")
    assert "法定执行期限" in facts and "*" in facts  # party names masked

    # Esc: back to the officer with the case still selected; Backspace: back to the team
    _press(driver, Keys.ESCAPE)
    _level(driver, "承办人")
    wait_until(lambda: _selected(driver)["id"] == case_id, 30, "the case row selected again")
    assert _crumbs(driver) == [COURT, "简案团队", officer_name]
    _press(driver, Keys.BACKSPACE)
    _level(driver, "团队")
    assert _crumbs(driver) == [COURT, "简案团队"]
    wait_until(lambda: _selected(driver)["id"] == officer_id, 30, "the officer row selected again")

    # compare: Space marks the selected officer and the next one, C shows them side by side
    _press(driver, " ", Keys.ARROW_DOWN, " ", "c")
    title = _level(driver, "对比")
    assert officer_name in title and "对比" in _crumbs(driver)[-1]
    marks = driver.execute_script("""
        const t = document.querySelector('#meeting-view .meeting-compare');
        return [t.querySelectorAll('.cmp-better').length, t.querySelectorAll('.cmp-worse').length]""")
    assert marks[0] > 0 and marks[1] > 0  # better and worse sides highlighted
    first_column = driver.execute_script("""
        const out = {};
        document.querySelectorAll('#meeting-view .meeting-compare tbody tr').forEach(r => {
            out[r.cells[0].textContent] = r.cells[1].textContent;
        });
        return out;""")
    assert all(first_column[name] == value for name, value in officer_kpis.items())
    _press(driver, Keys.ESCAPE)
    _level(driver, "团队")

    # 会议材料: the xlsx arrives as a download; the printed page holds the path and its figures
    driver.find_element(By.ID, "meeting-export").click()
    wait_for_text(driver, "#meeting-msg", "已导出会议材料", 60)
    book_path = wait_until(lambda: [p for p in tmp_path.glob("会议材料-*.xlsx")], 60, "the downloaded workbook")[0]
    rows = list(load_workbook(book_path)["会议路径"].iter_rows(values_only=True))
    visits = [r for r in rows if isinstance(r[0], int)]
    assert [r[1] for r in visits] == ["全院", "团队", "承办人", "案件", "承办人", "团队", "对比", "团队"]
    assert visits[1][2] == "简案团队" and visits[3][2] == case_number
    header = next(r for r in rows if r[0] == "序号")
    assert visits[1][header.index("结案数（件）")] == 707
    pdf = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})["data"])
    if shutil.which("pdftotext"):
        (tmp_path / "material.pdf").write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "material.pdf"), "-"], capture_output=True,
                              text=True, timeout=60, check=True).stdout
        assert "会议材料" in text and "数据截至" in text and "浏览路径" in text
        assert case_number in text and officer_name in text and "707件" in text
        assert "返回上一级" not in text  # only the material is printed, not the screen
    else:
        assert pdf.startswith(b"%PDF")

    # 重新开始: the trail starts again at the top
    driver.find_element(By.ID, "meeting-reset").click()
    _level(driver, "全院")
    driver.find_element(By.ID, "meeting-export").click()
    wait_for_text(driver, "#meeting-msg", "已导出会议材料（1 个层级", 60)

    # the same figures on /analysis for the same team and period
    driver.get(demo_server.page(f"/analysis?{ARTICLE}&team={team_id}"))
    wait_for_dash(driver, 60)
    wait_for_text(driver, "#analysis-title", "简案团队", 60)
    analysis = wait_until(lambda: _analysis_kpis(driver) or None, 60, "analysis KPIs")
    assert analysis == team_kpis
    driver.get(demo_server.page(f"/analysis?{ARTICLE}&team={team_id}&officer={officer_id}"))
    wait_for_dash(driver, 60)
    wait_for_text(driver, "#analysis-title", officer_name, 60)
    assert wait_until(lambda: _analysis_kpis(driver) or None, 60, "officer KPIs") == officer_kpis
    # /analysis's 会议模式 link opens the meeting on the level /analysis shows
    wait_until(lambda: driver.find_element(By.ID, "analysis-meeting").is_displayed(), 30, "会议模式 link")
    driver.find_element(By.ID, "analysis-meeting").click()
    assert officer_name in _level(driver, "承办人")
    assert _crumbs(driver) == [COURT, "简案团队", officer_name]
    assert not console_errors(driver)


def test_meeting_screens_at_projector_sizes(demo_server, driver) -> None:
    driver.get(demo_server.page(f"/meeting?{ARTICLE}"))
    wait_for_dash(driver, 60)
    _level(driver, "全院")
    _select_row(driver, "简案团队")
    _press(driver, Keys.ENTER)
    _level(driver, "团队")
    sizes = {}
    for width, height in ((1920, 1080), (3840, 2160)):
        screenshot(driver, SHOTS_DIR / f"meeting-{width}x{height}.png", width, height)
        value = driver.find_element(By.CSS_SELECTOR, ".meeting-kpi-value")
        sizes[width] = float(value.value_of_css_property("font-size").removesuffix("px"))
        overflow = driver.execute_script("return document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"horizontal scroll at {width}×{height}"
    assert sizes[1920] >= 32 and sizes[3840] >= 1.9 * sizes[1920]  # large type that grows with the screen
    _press(driver, "f")  # full screen: the meeting root fills the screen (headless Chromium allows it)
    wait_until(lambda: driver.execute_script("return document.fullscreenElement && document.fullscreenElement.id"),
               30, "full screen")
    _press(driver, "f")
    wait_until(lambda: not driver.execute_script("return document.fullscreenElement"), 30, "full screen left")
