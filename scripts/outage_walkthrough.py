"""The outage walkthrough of docs/operations.md (故障与恢复) in headless Chromium, with screenshots.

A throw-away PostgreSQL database (TEST_PG_URL's server) is put behind the fault proxy of
tests/faults, the app serves it with its refresher, a signed-in 指挥中心 browser opens the home
page; then the "database" stops (the proxy refuses), the notices are photographed (the start page
keeps its last figures, greyed), and it comes back: the open start page recovers without a
reload. Writes docs/screenshots/outage-*-1920x1080.png (or --out DIR) and prints each step.

    .venv/bin/python scripts/outage_walkthrough.py
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.harness import (  # noqa: E402 - needs the repo on sys.path
    ensure_user,
    make_driver,
    screenshot,
    sign_in,
    start_server,
    wait_for_dash,
    wait_until,
)

NOTICE = "数据库暂不可用，显示"
SIGN_IN_DOWN = "现在无法核对密码"
W, H = 1920, 1080


def _text(driver) -> str:  # noqa: ANN001
    return driver.find_element("tag name", "body").text


def _healthy(url: str) -> bool:
    import json
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as reply:  # noqa: S310 - the local app
            return json.loads(reply.read())["status"] == "ok"
    except urllib.error.HTTPError:
        return False


def walkthrough(out: Path) -> dict[str, Path]:
    from sqlalchemy.engine import make_url

    from db import migrate
    from db.session import make_engine, make_session_factory, session_scope
    from tests.backends import server_database
    from tests.db.snapshot_data import seed
    from tests.faults.proxy import FaultProxy

    shots: dict[str, Path] = {}
    with server_database("postgresql", tempfile.mkdtemp()) as direct:
        migrate.upgrade(direct)
        engine = make_engine(direct)
        with session_scope(make_session_factory(engine)) as session:
            seed(session)
        engine.dispose()
        parsed = make_url(direct)
        proxy = FaultProxy(parsed.host or "127.0.0.1", parsed.port or 5432)
        url = proxy.url_for(direct)
        server = start_server(url, {"REFRESH_INTERVAL_S": 2, "LEASE_TTL_S": 4, "DB_CONNECT_TIMEOUT_S": 2,
                                    "DB_STATEMENT_TIMEOUT_S": 3, "POLL_INTERVAL_S": 1,
                                    "TIMEZONE": "Asia/Shanghai"}, background=True)
        desk = make_driver()
        stranger = make_driver()
        try:
            username, password = ensure_user(direct, "center")
            sign_in(desk, server.url, username, password)
            desk.get(server.page("/"))
            wait_for_dash(desk)
            wait_until(lambda: "土默特右旗" in _text(desk), 30, "home page data")
            # the notice names the time of the kept snapshot: the refresher must have published one
            # (the home page's court name shows before that; a loaded machine builds it later)
            wait_until(lambda: _healthy(server.page("/healthz")), 60, "first snapshot (/healthz ok)")
            print("1. 首页正常显示", flush=True)

            proxy.set_mode("refuse")
            print("2. 数据库停止（代理拒绝连接）", flush=True)
            try:
                wait_until(lambda: NOTICE in _text(desk), 30, "outage banner")
            except TimeoutError:
                raise TimeoutError(f"no outage banner; the page shows: {_text(desk)[:300]}") from None
            # the start page reads the database: it switches to its last kept figures, greyed
            wait_until(lambda: desk.find_elements("css selector", ".home-outage-note")
                       and "土默特右旗" in _text(desk), 30, "home page kept figures")
            shots["home"] = screenshot(desk, out / f"outage-home-{W}x{H}.png", W, H)
            print(f"   首页横幅：{next(line for line in _text(desk).splitlines() if NOTICE in line)}", flush=True)

            desk.get(server.page("/officer/1"))
            wait_until(lambda: NOTICE in _text(desk), 30, "outage page")
            shots["page"] = screenshot(desk, out / f"outage-page-{W}x{H}.png", W, H, dash_page=False)
            print("   需要数据库的页面：503 与提示（30 秒后自动重试）", flush=True)

            stranger.get(server.page("/login"))
            stranger.find_element("id", "username").send_keys(username)
            stranger.find_element("id", "password").send_keys(password)
            stranger.find_element("id", "login-submit").click()
            wait_until(lambda: SIGN_IN_DOWN in _text(stranger), 30, "sign-in notice")
            shots["login"] = screenshot(stranger, out / f"outage-login-{W}x{H}.png", W, H, dash_page=False)
            print("   登录：数据库暂不可用，现在无法核对密码", flush=True)

            desk.get(server.page("/"))  # (a 503 page retries by itself every 30 s)
            wait_for_dash(desk)
            wait_until(lambda: desk.find_elements("css selector", ".home-outage-note")
                       and "土默特右旗" in _text(desk), 30, "home page kept figures")
            proxy.set_mode("pass")
            back = time.monotonic()
            wait_until(lambda: _healthy(server.page("/healthz")), 30, "/healthz ok")
            try:  # no reload: the start page reads the database again once the banner clears
                wait_until(lambda: NOTICE not in _text(desk) and "土默特右旗" in _text(desk)
                           and not desk.find_elements("css selector", ".home-outage-note"), 30, "recovery")
            except TimeoutError:
                raise TimeoutError(f"no recovery; the page shows: {_text(desk)[:300]}") from None
            print(f"3. 数据库恢复，{time.monotonic() - back:.1f} 秒后页面恢复正常（无需重启）", flush=True)
        finally:
            desk.quit()
            stranger.quit()
            server.stop()
            proxy.close()
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    for name, path in walkthrough(args.out).items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
