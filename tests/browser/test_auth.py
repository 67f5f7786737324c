"""Sign-in in headless Chromium: the login page (screenshots), errors, the top bar, sign-out, wall
tokens, and no Content-Security-Policy violation on any page."""
from __future__ import annotations

from urllib.parse import urlsplit

from selenium.webdriver.common.by import By

from db.auth.wall_tokens import issue_wall_token
from db.session import make_engine, make_session_factory, session_scope
from tests.browser.harness import (
    BROWSER_PASSWORD,
    SHOTS_DIR,
    _plain_get,
    console_errors,
    ensure_user,
    screenshot,
    wait_for_dash,
    wait_for_fresh_data,
    wait_for_text,
    wait_until,
)

SHOTS = SHOTS_DIR
PAGES = ("/", "/wall?kiosk=1&screen=overview", "/wall?kiosk=1&screen=teams",
         "/analysis?preset=custom&start=2021-10-01&end=2022-09-30", "/team/2", "/officer/12",
         "/cases?indicator=closed&part=numerator&scope=team&id=2&start=2021-10-01&end=2022-09-30",
         "/case/1661")


def _path(driver) -> str:
    return urlsplit(driver.current_url).path


def _submit(driver, username: str, password: str) -> None:
    driver.find_element(By.ID, "username").clear()
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()


def test_login_page_errors_top_bar_and_sign_out(empty_server, driver) -> None:
    username, _ = ensure_user(empty_server.db_url, "leader")
    _plain_get(driver, empty_server.page("/analysis"))
    wait_until(lambda: _path(driver) == "/login", 20, "sent to /login")
    assert "登录" in driver.title and driver.find_element(By.ID, "login-submit").text == "登录"
    screenshot(driver, f"{SHOTS}/login-1920x1080.png", 1920, 1080, dash_page=False)
    screenshot(driver, f"{SHOTS}/login-3840x2160.png", 3840, 2160, dash_page=False)
    _submit(driver, username, "Wrong#pass-1")
    wait_for_text(driver, "#login-error", "用户名或密码错误")
    screenshot(driver, f"{SHOTS}/login-error-1920x1080.png", 1920, 1080, dash_page=False)
    _submit(driver, username, BROWSER_PASSWORD)
    wait_until(lambda: _path(driver) == "/analysis", 30, "back at the page asked for")
    wait_for_dash(driver, 60)
    box = wait_for_text(driver, ".user-box", "领导")
    assert username in box and "退出" in box
    driver.find_element(By.CSS_SELECTOR, ".user-logout").click()
    wait_until(lambda: _path(driver) == "/logout", 20, "sign-out page")
    screenshot(driver, f"{SHOTS}/logout-1920x1080.png", 1920, 1080, dash_page=False)
    driver.find_element(By.ID, "logout-submit").click()
    wait_until(lambda: _path(driver) == "/login", 20, "signed out")
    assert "已退出登录" in driver.find_element(By.TAG_NAME, "body").text
    _plain_get(driver, empty_server.page("/"))
    assert _path(driver) == "/login"
    assert not [e for e in console_errors(driver) if "Content Security Policy" in e]


def test_wall_token_link_opens_the_wall_without_a_password(empty_server, driver) -> None:
    engine = make_engine(empty_server.db_url)
    with session_scope(make_session_factory(engine)) as session:
        _id, token = issue_wall_token(session, "大厅主屏", None)
    engine.dispose()
    _plain_get(driver, empty_server.page(f"/wall/token/{token}"))
    wait_until(lambda: _path(driver) == "/wall", 20, "on the wall")
    assert "token" not in driver.current_url
    wait_for_dash(driver, 60)
    assert driver.get_cookie("dashboard_session")["httpOnly"] is True


def test_no_page_violates_the_content_security_policy(demo_server, driver) -> None:
    driver.get(demo_server.page("/"))  # signs in by itself
    wait_for_fresh_data(driver)  # a snapshot, so the pages draw their Plotly figures and grids
    console_errors(driver)
    for path in PAGES:
        driver.get(demo_server.page(path))
        wait_for_dash(driver, 90)
        assert _path(driver) == urlsplit(path).path, path
        if "screen=overview" in path:
            wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, "#wall-trend .main-svg"), 60,
                       "the trend figure drawn")
        refused = [e for e in console_errors(driver) if "Content Security Policy" in e or "Refused to" in e]
        assert not refused, (path, refused)
    driver.get(demo_server.page("/"))
    wait_for_dash(driver, 90)
    screenshot(driver, "/tmp/a1-home-signed-in.png", 1920, 1080)  # the top bar, for a look
    has_policy = driver.execute_script(
        "return fetch('/ping').then(r => r.headers.get('Content-Security-Policy'))")
    assert "script-src 'self'" in has_policy


def test_an_open_page_goes_to_login_when_the_user_is_disabled(app_server_factory, driver) -> None:
    from db.auth.users import set_active

    server = app_server_factory(overrides={"AUTH_RECHECK_S": 1, "POLL_INTERVAL_S": 1})
    username = server.login(driver, "leader")
    driver.get(server.page("/analysis"))
    wait_for_dash(driver, 60)
    engine = make_engine(server.db_url)
    with session_scope(make_session_factory(engine)) as session:
        set_active(session, username, False)
    engine.dispose()
    # the next version poll gets 401; assets/auth.js reloads and the server sends the page to /login
    wait_until(lambda: _path(driver) == "/login", 30, "sent to /login")
    assert "账号状态已变更" in driver.find_element(By.TAG_NAME, "body").text


def test_a_signed_in_browser_confirms_before_a_token_link_takes_it_over(empty_server, driver) -> None:
    """Finding 6 in the browser: a signed-in user opening a wall-token link sees a confirmation
    page (screenshot), stays signed in until the button is pressed, then the wall opens."""
    engine = make_engine(empty_server.db_url)
    with session_scope(make_session_factory(engine)) as session:
        _id, token = issue_wall_token(session, "大厅主屏", None)
    engine.dispose()
    empty_server.login(driver, "leader")
    _plain_get(driver, empty_server.page(f"/wall/token/{token}"))
    wait_for_text(driver, "body", "切换为大屏登录")
    assert "此浏览器已以" in driver.page_source and "browser-leader" in driver.page_source
    screenshot(driver, f"{SHOTS}/wall-token-confirm-1920x1080.png", 1920, 1080, dash_page=False)
    _plain_get(driver, empty_server.page("/analysis"))
    wait_until(lambda: _path(driver) == "/analysis", 20, "still signed in as the user")
    _plain_get(driver, empty_server.page(f"/wall/token/{token}"))
    driver.find_element(By.ID, "wall-token-confirm").click()
    wait_until(lambda: _path(driver) == "/wall", 20, "on the wall after confirming")
    wait_for_dash(driver, 60)
    assert not [e for e in console_errors(driver) if "Content Security Policy" in e]
