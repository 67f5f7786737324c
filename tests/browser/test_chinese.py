"""Nothing English on screen: the 404 page (typed address and in-app navigation) and the date
pickers' month and weekday names (assets/datepicker-zh.js), whatever the browser's language
(headless Chromium reports en-US)."""
from __future__ import annotations

from selenium.webdriver.common.by import By

from tests.browser.harness import wait_for_dash, wait_for_text, wait_until

ENGLISH = ("Not Found", "Page not found", "January", "December", "Mon", "Sun", "Select Date")


def test_unknown_address_is_a_chinese_page(empty_server, driver) -> None:
    empty_server.login(driver, role="center")
    driver.get(empty_server.page("/print"))
    body = driver.find_element(By.TAG_NAME, "body").text
    assert "未找到该页面" in body and "/print" in body and "返回首页" in body
    assert not any(word in body for word in ENGLISH), body
    driver.get(empty_server.page("/"))
    wait_for_dash(driver, 60)
    # an in-app link to a path no page serves: Dash's router shows the not_found_404 page
    driver.execute_script("window.history.pushState({}, '', '/no-such-page');"
                          "window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));")
    shown = wait_for_text(driver, "#_pages_content", "未找到该页面", 20)
    assert "返回首页" in shown and "404" not in shown
    wait_until(lambda: driver.title.startswith("未找到该页面"), 10, "page title")


def test_date_picker_months_and_weekdays_are_chinese(empty_server, driver) -> None:
    empty_server.login(driver, role="admin")
    driver.get(empty_server.page("/admin/audit"))
    wait_for_dash(driver, 60)
    wait_until(lambda: driver.find_elements(By.ID, "admin-audit-since"), 60, "the audit page's date field")[0].click()
    calendar = wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, ".dash-datepicker-content"), 10,
                          "calendar opens")[0]
    def heads() -> list[str]:
        return [th.text for th in calendar.find_elements(By.CSS_SELECTOR, "thead th")]

    # assets/datepicker-zh.js rewrites the names once the calendar is drawn: wait for it under load
    wait_until(lambda: heads() == ["一", "二", "三", "四", "五", "六", "日"], 20, f"Chinese weekdays {heads()}")
    month = calendar.find_element(By.CSS_SELECTOR, ".dash-dropdown-value").text
    assert month.endswith("月") and 1 <= int(month[:-1]) <= 12, month
    labels = [b.get_attribute("aria-label") for b in calendar.find_elements(By.CSS_SELECTOR, "button[aria-label]")]
    assert "上一月" in labels and "下一月" in labels and not any(a.isascii() for a in labels), labels
    assert not any(word in calendar.text for word in ENGLISH)
    calendar.find_elements(By.CSS_SELECTOR, "td.dash-datepicker-calendar-date-inside")[0].click()
    value = wait_until(lambda: driver.find_element(By.ID, "admin-audit-since").get_attribute("value"), 20,
                       "the picked date in the field")
    assert len(value) == 10 and value[4] == "-" and value.endswith("-01"), value  # YYYY-MM-DD
