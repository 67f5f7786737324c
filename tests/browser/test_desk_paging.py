"""/cases with a long list in Chromium: the paged grid (infinite row model) loads its blocks from
the server, sorts on the server, and printing prints the first rows with the 「仅打印前 N 行」 note.
The thresholds are lowered so that a demo list counts as long (the server runs in this process)."""
from __future__ import annotations

import re
from pathlib import Path

from selenium.webdriver.common.by import By

from callbacks.desk import cases
from tests.browser.harness import screenshot, wait_for_dash, wait_until
from tests.browser.test_desk_print import _ids, _print_pdf

PAGED_ROWS_JS = """
const api = window.dash_ag_grid.getApi('cases-paged-grid');
const out = [];
api.forEachNode(n => { if (n.data) out.push(n.data.case_number); });
return out;
"""


def test_a_long_list_pages_sorts_on_the_server_and_prints_its_first_rows(
        demo_server, driver, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(cases, "SMALL_LIST", 10)
    monkeypatch.setattr(cases, "PRINT_ROWS", 12)
    team = _ids(demo_server.db_url)["team"]
    driver.get(demo_server.page(f"/cases?queue=unpaid&scope=team&id={team}"))
    wait_for_dash(driver, 60)
    wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, ".cases-lists.cases-paged"), 60, "paged list")
    count = int(re.sub(r"[^0-9]", "", driver.find_element(By.CSS_SELECTOR, ".list-count").text))
    assert count > 12
    wait_until(lambda: len(driver.execute_script(PAGED_ROWS_JS)) == count, 60, "every block loaded")
    first = driver.execute_script(PAGED_ROWS_JS)
    assert len(set(first)) == count
    header = driver.find_element(By.CSS_SELECTOR, "#cases-paged-grid .ag-header-cell[col-id='case_number']")
    header.click()  # ascending, then descending: both sorted by the server
    header.click()
    wait_until(lambda: driver.execute_script(PAGED_ROWS_JS) == sorted(first, reverse=True), 60, "sorted desc")
    screenshot(driver, tmp_path / "cases-paged-1920x1080.png", 1920, 1080)  # to look at (--basetemp)
    wait_for_dash(driver, 60)
    text, raw = _print_pdf(driver, tmp_path / "cases.pdf")
    flat = re.sub(r"\s+", "", raw)
    assert "仅打印前12行，完整清单请导出Excel" in flat
    printed = set(re.findall(r"（\d{4}）内0221[^号\s]{1,8}号", text))
    assert len(printed) == 12 and printed < set(first), (len(printed), sorted(printed)[:3])
