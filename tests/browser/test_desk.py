"""Drive the meeting drill-down in Chromium: court → team → case list → case timeline; back/forward."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.harness import (
    console_errors,
    wait_for_dash,
    wait_for_text,
    wait_until,
)

ARTICLE = "/analysis?preset=custom&start=2021-10-01&end=2022-09-30"


def _click_grid_link(driver: Any, grid_id: str, col: str, row_text: str | None = None) -> str:
    """Click the link in column `col` of the first row (or the row containing `row_text`)."""
    def _link() -> Any:
        rows = driver.find_elements(By.CSS_SELECTOR, f"#{grid_id} .ag-center-cols-container .ag-row, "
                                                     f"#{grid_id} .ag-pinned-left-cols-container .ag-row")
        for row in rows:
            if row_text is None or row_text in row.text:
                found = row.find_elements(By.CSS_SELECTOR, f'[col-id="{col}"] a.desk-link')
                if found:
                    return found[0]
        return None
    link = wait_until(_link, 30, f"link in {grid_id}/{col}")
    text = link.text
    link.click()
    return text


def _number(text: str) -> int:
    return int(re.sub(r"[^0-9]", "", text))


def test_drill_from_court_to_a_case_timeline(demo_server, driver) -> None:
    driver.get(demo_server.page(ARTICLE))
    wait_for_dash(driver, 60)
    wait_for_text(driver, "#analysis-title", "包头市土默特右旗人民法院", 60)
    assert "2021-10-01 至 2022-09-30" in driver.find_element(By.ID, "analysis-period").text

    # court → 简案团队 (name link in the team grid; navigation stays inside the app)
    _click_grid_link(driver, "analysis-grid", "name", "简案团队")
    wait_for_text(driver, "#analysis-title", "简案团队", 60)
    wait_for_dash(driver, 60)
    query = dict(parse_qsl(urlsplit(driver.current_url).query))
    assert query["team"] and query["start"] == "2021-10-01"
    crumbs = driver.find_element(By.ID, "analysis-crumbs").text
    assert "包头市土默特右旗人民法院" in crumbs and "简案团队" in crumbs

    # the team's 结案数 KPI → its case list, as long as the number clicked
    kpi = wait_until(lambda: [c for c in driver.find_elements(By.CSS_SELECTOR, ".kpi-card")
                              if c.text.startswith("结案数")], 30, "结案数 card")[0]
    link = kpi.find_element(By.CSS_SELECTOR, "a.kpi-value")
    shown = _number(link.text)
    link.click()
    wait_for_text(driver, "#cases-title", "结案数", 60)
    wait_for_dash(driver, 60)
    count = wait_for_text(driver, ".list-count", "共", 30)
    assert _number(count) == shown == 707  # the article's 简案团队 figure

    # a case number → the case page with its timeline
    _click_grid_link(driver, "cases-grid", "case_number")
    wait_until(lambda: "/case/" in driver.current_url, 30, "case page URL")
    wait_for_dash(driver, 60)
    wait_for_text(driver, "#case-title", "内0221", 30)
    items = wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, "#case-timeline .tl-item"), 30, "timeline")
    assert any("立案" in i.text for i in items) and any("结案" in i.text for i in items)
    assert driver.find_element(By.ID, "case-parties").text.count("*") == 0  # full names here

    # back → the same list; back again → the team view
    driver.back()
    wait_for_text(driver, "#cases-title", "结案数", 60)
    driver.back()
    wait_for_text(driver, "#analysis-title", "简案团队", 60)
    driver.forward()
    wait_for_text(driver, "#cases-title", "结案数", 60)
    assert not [e for e in console_errors(driver) if "favicon" not in e]


def test_url_alone_restores_the_view_and_bad_urls_explain(demo_server, driver) -> None:
    driver.get(demo_server.page(ARTICLE + "&cmp=none&team=2"))
    wait_for_dash(driver, 60)
    title = wait_for_text(driver, "#analysis-title", "团队", 60)
    assert "对比期间 不对比" in driver.find_element(By.ID, "analysis-period").text
    assert driver.find_element(By.CSS_SELECTOR, ".chip.active").text in ("本年至今", "不对比") or title

    driver.get(demo_server.page("/analysis?preset=custom&start=2022-09-30&end=2022-01-01"))
    wait_for_dash(driver, 60)
    assert "晚于结束日期" in wait_for_text(driver, "#analysis-error", "无法显示", 30)
    driver.get(demo_server.page("/team/999"))
    wait_for_dash(driver, 60)
    assert "团队编号 999 不存在" in wait_for_text(driver, "#team-error", "无法显示", 30)
    driver.get(demo_server.page("/cases?indicator=closure_rate&start=2022-1-1&end=2022-02-01"))
    wait_for_dash(driver, 60)
    assert "格式不正确" in wait_for_text(driver, "#cases-error", "无法显示", 30)


def test_custom_dates_apply_into_the_url(demo_server, driver) -> None:
    driver.get(demo_server.page("/analysis"))
    wait_for_dash(driver, 60)
    for id_, value in (("analysis-start", "2022-01-01"), ("analysis-end", "2022-09-30")):
        # the page's layout arrives after Dash itself is ready: wait for the field
        field = wait_until(lambda i=id_: driver.find_elements(By.ID, i), 30, f"#{id_}")[0]
        field.click()
        field.send_keys(value, Keys.ENTER)
    driver.find_element(By.ID, "analysis-apply").click()
    wait_until(lambda: "start=2022-01-01" in driver.current_url, 30, "URL has the custom start")
    wait_for_text(driver, "#analysis-period", "2022-01-01 至 2022-09-30", 60)
    kpi = wait_until(lambda: [c for c in driver.find_elements(By.CSS_SELECTOR, ".kpi-card")
                              if c.text.startswith("结案率")], 30, "结案率 card")[0]
    assert "81.21%" in kpi.text  # the article's court figure for 2022-01-01..2022-09-30
