"""The admin pages in Chromium: add a user, refuse a bad one, issue a wall token (shown once) and
sign a second browser in with it, revoke it, find it all in the audit log; a team lead gets 无权查看.
Screenshots: docs/screenshots/admin-{users,tokens,audit}-1920x1080.png."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from db.session import make_engine
from tests.browser.harness import (
    SHOTS_DIR,
    console_errors,
    screenshot,
    sign_in,
    wait_for_dash,
    wait_for_text,
    wait_until,
)
from tests.db.test_case_queries import seed_desk

SHOTS = SHOTS_DIR


def _type(driver: Any, element_id: str, text: str) -> None:
    box = driver.find_element(By.ID, element_id)
    box.send_keys(Keys.CONTROL, "a")  # select and overwrite: clear() bypasses React's onChange
    box.send_keys(Keys.DELETE)
    box.send_keys(text)


def _choose(driver: Any, element_id: str, text: str) -> None:
    """Pick the option whose label contains `text` in a dcc.Dropdown."""
    driver.find_element(By.ID, element_id).click()
    def _option() -> Any:
        for option in driver.find_elements(By.CSS_SELECTOR, "[role='option']"):
            if text in option.text:
                return option
        return None
    wait_until(_option, 10, f"option {text} in {element_id}").click()
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)


def _click(driver: Any, element_id: str) -> None:
    driver.find_element(By.ID, element_id).click()


def test_admin_pages_in_the_browser(app_server_factory, driver_factory) -> None:
    server = app_server_factory()
    engine = make_engine(server.db_url)
    seed_desk(engine)
    engine.dispose()
    admin = driver_factory()
    server.login(admin, "admin")

    admin.get(server.page("/admin/users"))
    wait_for_dash(admin)
    wait_for_text(admin, "#admin-users-table", "admin")
    _type(admin, "admin-users-username", "zhao-lead")
    _type(admin, "admin-users-display", "赵团队长")
    _type(admin, "admin-users-password", "Lead#pass-2026x")
    _choose(admin, "admin-users-role", "团队长")
    _click(admin, "admin-users-add")
    assert "团队：团队长必须指定所在团队" in wait_for_text(admin, "#admin-users-msg", "团队长必须指定")
    _choose(admin, "admin-users-team", "简案一组")
    _type(admin, "admin-users-password", "Lead#pass-2026x")
    _click(admin, "admin-users-add")
    wait_for_text(admin, "#admin-users-msg", "已新增用户“zhao-lead”")
    wait_for_text(admin, "#admin-users-table", "赵团队长")
    SHOTS.mkdir(parents=True, exist_ok=True)
    screenshot(admin, SHOTS / "admin-users-1920x1080.png", 1920, 1080)

    admin.get(server.page("/admin/tokens"))
    wait_for_dash(admin)
    _type(admin, "admin-tokens-screen", "指挥中心主屏")
    _click(admin, "admin-tokens-issue")
    url = wait_for_text(admin, ".token-url", "/wall/token/").strip()
    wait_for_text(admin, "#admin-tokens-table", "指挥中心主屏")
    screenshot(admin, SHOTS / "admin-tokens-1920x1080.png", 1920, 1080)
    wall = driver_factory()
    wall.get(url)
    wait_until(lambda: "/wall" in wall.current_url and "/wall/token/" not in wall.current_url, 20, "wall sign-in")
    admin.get(server.page("/admin/tokens"))  # the plaintext is not shown again
    wait_for_dash(admin)
    wait_for_text(admin, "#admin-tokens-table", "指挥中心主屏")
    assert url.rsplit("/", 1)[1] not in admin.page_source
    _choose(admin, "admin-tokens-pick", "指挥中心主屏")
    _click(admin, "admin-tokens-revoke")
    wait_for_text(admin, "#admin-tokens-msg", "已吊销令牌")
    wait_for_text(admin, "#admin-tokens-table", "已吊销")

    lead = driver_factory()
    sign_in(lead, server.url, "zhao-lead", "Lead#pass-2026x")  # the user added above
    lead.get(server.page("/admin/users"))
    assert "无权查看" in lead.page_source and "admin-users-table" not in lead.page_source

    admin.get(server.page("/admin/audit"))
    wait_for_dash(admin)
    for text in ("签发大屏令牌", "吊销大屏令牌", "用户变更", "大屏令牌登录", "越权访问被拒"):
        wait_for_text(admin, "#admin-audit-table", text)
    assert "zhao-lead" in admin.find_element(By.ID, "admin-audit-table").text
    screenshot(admin, SHOTS / "admin-audit-1920x1080.png", 1920, 1080)
    assert admin.find_element(By.ID, "admin-audit-export").get_attribute("href").endswith("/export/audit.xlsx")
    assert not [e for e in console_errors(admin) if "403" not in e], console_errors(admin)
    assert Path(SHOTS / "admin-audit-1920x1080.png").stat().st_size > 10_000
