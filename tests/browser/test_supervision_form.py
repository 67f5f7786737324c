"""The 下发督办 form in the browser: pre-filled from the link that opened it (also when the link is
followed inside the app), and never shown to a role that may not issue."""
from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By

from db.session import make_engine
from tests.browser.harness import LiveServer, wait_for_dash, wait_until
from tests.db.test_case_queries import seed_desk


@pytest.fixture
def desk(app_server_factory) -> tuple[LiveServer, dict[str, Any]]:
    """A server on the crafted desk court (teams, officers, cases)."""
    server = app_server_factory()
    engine = make_engine(server.db_url)
    ids = seed_desk(engine)
    engine.dispose()
    return server, ids


def _go(driver, path: str) -> None:
    """Follow an in-app link (what dcc.Link and the grids' links do): no page load."""
    driver.execute_script("window.history.pushState({}, '', arguments[0]);"
                          "window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));", path)


def _value(driver, dropdown_id: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, f"#{dropdown_id} .dash-dropdown-value").text


def test_in_app_link_prefills_kind_and_node(desk, driver) -> None:
    server, ids = desk
    server.login(driver, role="center")
    driver.get(server.page("/supervision"))
    wait_for_dash(driver, 60)
    wait_until(lambda: driver.find_element(By.ID, "supervision-new-link").is_displayed(), 20,
               "下发督办 offered to the command center")
    assert not driver.find_element(By.ID, "supervision-form").is_displayed()
    _go(driver, "/supervision?new=node&node=notice")
    wait_until(lambda: _value(driver, "supervision-new-node") == "发出执行通知书", 20, "节点 pre-filled")
    assert _value(driver, "supervision-new-kind") == "节点"
    assert driver.find_element(By.ID, "supervision-form").is_displayed()
    _go(driver, f"/supervision?new=team&team={ids['简案一组']}")  # same page, another target
    wait_until(lambda: _value(driver, "supervision-new-kind") == "团队", 20, "对象 follows the link")
    wait_until(lambda: _value(driver, "supervision-new-team") == "简案一组", 20, "团队 pre-filled")
    assert _value(driver, "supervision-new-node") in ("", "选择节点")


def test_no_issue_form_for_an_officer(desk, driver) -> None:
    server, ids = desk
    server.login(driver, role="officer", officer_id=ids["乙助理"], team_id=ids["简案一组"])
    driver.get(server.page("/supervision?new=node&node=notice"))
    wait_for_dash(driver, 60)
    wait_until(lambda: driver.find_element(By.ID, "supervision-summary").text, 20, "the list answered")
    assert not driver.find_element(By.ID, "supervision-form").is_displayed()
    assert not driver.find_element(By.ID, "supervision-new-link").is_displayed()
