"""专项行动 pages in Chromium on the demo court (read only): the list by status, the running
campaign's page with its charts, the 明细 equal to the number, and the form shown to 指挥中心."""
from __future__ import annotations

import re
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.harness import (
    console_errors,
    wait_for_dash,
    wait_for_text,
    wait_until,
)


def test_list_page_and_explain(demo_server, driver: Any) -> None:
    driver.get(demo_server.page("/campaigns"))
    wait_for_dash(driver, 60)
    wait_for_text(driver, "#campaigns-list", "雷霆攻坚", 60)
    headings = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "#campaigns-list h2")]
    assert headings == ["进行中（1）", "未开始（0）", "已结束（1）"]
    assert driver.find_element(By.ID, "campaigns-form").is_displayed()  # 指挥中心 may launch
    driver.find_element(By.LINK_TEXT, "雷霆攻坚").click()
    wait_for_text(driver, "#campaign-title", "雷霆攻坚", 60)
    wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, ".cp-measures td"), 60, "measures table")
    images = driver.find_elements(By.CSS_SELECTOR, "img.cp-chart")
    assert len(images) == 2 and all(driver.execute_script("return arguments[0].naturalWidth", i) > 0 for i in images)
    closed = driver.find_element(By.CSS_SELECTOR, ".cp-measures td[data-key=closed]").text
    count = int(re.sub(r"[^0-9]", "", closed))
    assert count > 0
    # 明细: the list behind 执结案件数 has as many rows as the number, each a link to its case
    driver.find_element(By.ID, "campaign-explain-key").click()
    option = wait_until(lambda: [o for o in driver.find_elements(By.CSS_SELECTOR, "[role='option']")
                                 if o.text.startswith("执结案件数")], 10, "option 执结案件数")
    option[0].click()
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    wait_for_text(driver, "#campaign-explain", f"合计 {count:,} 条", 60)
    links = driver.find_elements(By.CSS_SELECTOR, "#campaign-explain a[href^='/case/']")
    assert len(links) == count
    assert console_errors(driver) == []
