"""Write PNG screenshots of the app's pages into docs/screenshots/ (`make screenshots`).

Seeds the demo court into a temporary SQLite file through `seed-demo` (or uses --db, a database
that `make run` or `seed-demo` loaded), starts the app with its background work (refresher) on a
free port and opens every page in SHOTS in headless Chromium, signed in the way the app prints
at start-up: the demo users (演示指挥中心 for the desk pages, 演示管理员 for /admin/*), the demo
wall token for the wall, nobody for /login. Saves `<name>-<width>x<height>.png`. Add a page by
appending a Shot to SHOTS.
"""
from __future__ import annotations

import argparse
import base64
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.serving import WSGIRequestHandler

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.harness import (  # noqa: E402 - needs the repo on sys.path
    TEST_OVERRIDES,
    LiveServer,
    console_errors,
    make_driver,
    migrate_database,
    screenshot,
    seed_demo,
    set_viewport,
    sign_in,
    wait_for_dash,
    wait_for_fresh_data,
    wait_for_text,
    wait_until,
)

WALL_SIZES = ((1920, 1080), (3840, 2160))  # the wall and the start page: 3840×2160 CSS pixels
DESK_SIZES = ((1920, 1080),)
DESK_4K = ((1920, 1080), (3840, 2160))  # a desk page, and the same page at 200 % on a 4K screen
LAPTOP_SIZES = ((1920, 1080), (1366, 768))
ARTICLE = "preset=custom&start=2021-10-01&end=2022-09-30"  # the source article's period


@dataclass(frozen=True)
class Shot:
    """One page to photograph: file stem, URL path, viewport sizes, what to wait for, who is signed in.

    `path` may name {team}, {officer} (the demo lead's team, the demo officer), {order} (the
    demo 督办 with the longest history) and {campaign} (the demo's running 专项行动). `who`: center, admin, wall (the demo wall token) or
    nobody. A desk page with `hidpi` is taken at 3840×2160 as 1920×1080 CSS pixels at 200 %."""

    name: str
    path: str
    sizes: tuple[tuple[int, int], ...] = DESK_SIZES
    ready_css: str | tuple[str, ...] = ""  # elements that exist only once the page shows real data
    ready_text: tuple[str, str] | None = None  # (css, text) that must appear
    fresh: bool = True  # wait until the shell's stale/not-ready banner is gone
    settle_s: float = 1.0
    who: str = "center"
    hidpi: bool = False
    dash_page: bool = True
    media: str = ""  # "print": the page as printed (the desk's @media print sheet)
    file: str = ""  # file name instead of <name>-<w>x<h>.png
    pdf: bool = False  # print to PDF (CDP Page.printToPDF) and save each page as <name>-<n>.png (pdftoppm)
    keys: tuple[str, ...] = ()  # keys pressed once the page is ready (会议模式), each waited for


SHOTS: tuple[Shot, ...] = (
    Shot("home", "/", WALL_SIZES, ready_css=".court-card"),
    Shot("login", "/login", WALL_SIZES, ready_css="#login-submit", fresh=False, who="nobody", dash_page=False,
         settle_s=0.5),
    Shot("analysis", f"/analysis?{ARTICLE}", LAPTOP_SIZES, ready_css=".kpi-card .kpi-value"),
    Shot("analysis-print", f"/analysis?{ARTICLE}", ((1060, 1500),), ready_css=".kpi-card .kpi-value",
         media="print", file="analysis-print.png"),
    Shot("analysis-team", f"/analysis?{ARTICLE}&team=2", LAPTOP_SIZES, ready_css=".kpi-card .kpi-value"),
    Shot("meeting", f"/meeting?{ARTICLE}", WALL_SIZES, ready_css="#meeting-view .meeting-row.is-selected"),
    Shot("meeting-team", f"/meeting?{ARTICLE}", WALL_SIZES, ready_css="#meeting-view .meeting-row.is-selected",
         keys=("ARROW_DOWN", "ENTER")),
    Shot("meeting-compare", f"/meeting?{ARTICLE}", WALL_SIZES, ready_css="#meeting-view .meeting-row.is-selected",
         keys=("ARROW_DOWN", "ENTER", "SPACE", "ARROW_DOWN", "SPACE", "c")),
    Shot("meeting-fullscreen", f"/meeting?{ARTICLE}", WALL_SIZES, ready_css="#meeting-view .meeting-row.is-selected",
         keys=("ARROW_DOWN", "ENTER", "f")),
    Shot("meeting-case", f"/meeting?{ARTICLE}", DESK_SIZES, ready_css="#meeting-view .meeting-row.is-selected",
         keys=("ARROW_DOWN", "ENTER", "ENTER", "ENTER")),
    Shot("team", "/team/{team}", LAPTOP_SIZES, ready_css=(".queue-card", "#team-supervision .ag-row")),
    Shot("officer", "/officer/{officer}", LAPTOP_SIZES,
         ready_css=(".indicator-table", "#officer-supervision .ag-row")),
    Shot("cases", "/cases?indicator=closed&part=numerator&scope=team&id=2&start=2021-10-01&end=2022-09-30",
         LAPTOP_SIZES, ready_css=".desk-link"),
    Shot("case", "/case/1661", LAPTOP_SIZES, ready_css=".tl-item"),
    Shot("supervision", "/supervision", DESK_4K, ready_css="#supervision-grid .ag-row",
         ready_text=("#supervision-stats", "合计"), hidpi=True),
    Shot("triage", "/triage", DESK_4K, ready_css=".triage-row.selected",
         ready_text=("#triage-detail", "命中的规则"), hidpi=True),
    Shot("supervision-order", "/supervision?order={order}", DESK_SIZES,
         ready_text=("#supervision-steps", "办结")),
    Shot("center", "/center", DESK_4K, ready_css=("#center-people .ag-row", "#center-today .kpi-card"),
         hidpi=True),
    Shot("admin-users", "/admin/users", who="admin", ready_text=("#admin-users-table", "演示指挥中心")),
    Shot("admin-tokens", "/admin/tokens", who="admin", ready_text=("#admin-tokens-table", "演示大屏")),
    Shot("admin-audit", "/admin/audit", who="admin", ready_text=("#admin-audit-table", "登录")),
    Shot("admin-rules", "/admin/rules", who="admin", ready_text=("#admin-rules-rules", "发出执行通知书")),
    Shot("admin-triage-rules", "/admin/triage-rules", who="admin",
         ready_text=("#admin-triage-table", "查控有不动产")),
    Shot("wall-overview", "/wall?kiosk=1&screen=overview&rotate=0", WALL_SIZES,
         ready_css="#wall-trend .main-svg", settle_s=2.0, who="wall"),
    Shot("wall-teams", "/wall?kiosk=1&screen=teams&rotate=0", WALL_SIZES, ready_css=".w-rk-row", settle_s=2.0,
         who="wall"),
    Shot("wall-center", "/wall?kiosk=1&screen=center&rotate=0", WALL_SIZES, ready_css=".w-c-row",
         settle_s=2.0, who="wall"),
    Shot("wall-nodes", "/wall?kiosk=1&screen=nodes&rotate=0", WALL_SIZES, ready_css=".w-nh, .w-plan-card",
         settle_s=2.0, who="wall"),
    Shot("wall-feed", "/wall?kiosk=1&screen=feed&rotate=0", WALL_SIZES, ready_css=".w-fd-row", settle_s=2.0,
         who="wall"),
    Shot("campaigns", "/campaigns", DESK_SIZES, ready_css=".cp-table"),
    Shot("campaign", "/campaigns/{campaign}", DESK_SIZES, ready_css=".cp-measures", settle_s=1.5),
    Shot("wall-campaign", "/wall?kiosk=1&screen=campaign&rotate=0", WALL_SIZES, ready_css=".w-cps-big",
         settle_s=2.0, who="wall"),
    Shot("campaign-report", "/export/campaign/{campaign}/report", ((1240, 1754),), ready_css="h1", fresh=False,
         dash_page=False, pdf=True, settle_s=0.5),
)


def _ready(driver: Any, shot: Shot) -> None:
    from selenium.webdriver.common.by import By

    if shot.dash_page:
        wait_for_dash(driver, timeout=60)
    if shot.fresh:
        wait_for_fresh_data(driver)
    for css in (shot.ready_css,) if isinstance(shot.ready_css, str) else shot.ready_css:
        if css:
            wait_until(lambda css=css: driver.find_elements(By.CSS_SELECTOR, css), 120, f"{css} on {shot.path}")
    if shot.ready_text:
        wait_for_text(driver, *shot.ready_text, 120)
    _press(driver, shot.keys)
    time.sleep(shot.settle_s)


def _print_pdf(driver: Any, shot: Shot, out: Path) -> Path:
    """The page as Chromium prints it (A4), each PDF page as a PNG: <name>-1.png, <name>-2.png …"""
    import subprocess

    data = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True})
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / f"{shot.name}.pdf"
        pdf.write_bytes(base64.b64decode(data["data"]))
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "110", str(pdf), str(out / shot.name)], check=True, timeout=120)
    return out / f"{shot.name}-1.png"
def _press(driver: Any, keys: tuple[str, ...]) -> None:
    """Press each key (a selenium Keys name such as ENTER, or a character) and wait for Dash."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    for key in keys:
        ActionChains(driver).send_keys(getattr(Keys, key) if len(key) > 1 else key).perform()
        time.sleep(0.4)  # the key's callback starts
        wait_for_dash(driver, timeout=60)


def _capture(driver: Any, shot: Shot, path: Path, width: int, height: int) -> Path:
    if shot.pdf:
        return _print_pdf(driver, shot, path.parent)
    if shot.media:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": shot.media})
    try:
        if not (shot.hidpi and width > 1920):
            return screenshot(driver, path, width, height, dash_page=shot.dash_page)
        data = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})["data"]  # 2 px per CSS px
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        set_viewport(driver, 1920, 1080)
        return path
    finally:
        if shot.media:
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


class Browsers:
    """One Chromium per kind of sign-in, started and signed in on first use."""

    def __init__(self, server: LiveServer):
        self.server, self.drivers = server, {}

    def get(self, who: str) -> Any:
        if who not in self.drivers:
            driver = make_driver()
            self.drivers[who] = driver
            self._sign_in(driver, who)
        return self.drivers[who]

    def _sign_in(self, driver: Any, who: str) -> None:
        from db.demo.users import DEMO_USERS, DEMO_WALL_TOKEN

        if who == "nobody":
            return
        if who == "wall":
            driver.get(self.server.page(f"/wall/token/{DEMO_WALL_TOKEN}"))
            wait_until(lambda: "/wall" in driver.current_url and "/token/" not in driver.current_url, 30,
                       "the demo wall token signs in")
            return
        demo = next(d for d in DEMO_USERS if d.role == who)
        sign_in(driver, self.server.url, demo.username, demo.password)

    def quit(self) -> None:
        for driver in self.drivers.values():
            driver.quit()


def _placeholders(db_url: str) -> dict[str, int]:
    """The demo lead's team, the demo officer, and the demo 督办 with the most steps."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from db.models import Campaign, SupervisionStep, User
    from db.session import make_engine

    engine = make_engine(db_url)
    try:
        with Session(engine) as s:
            users = {u.username: u for u in s.scalars(select(User).where(User.username.in_(["lead", "officer"])))}
            order = s.execute(select(SupervisionStep.order_id).group_by(SupervisionStep.order_id)
                              .order_by(func.count().desc(), SupervisionStep.order_id).limit(1)).scalar()
            campaign = s.scalar(select(Campaign.id).order_by(Campaign.started_on.desc()).limit(1))
    finally:
        engine.dispose()
    if len(users) < 2 or order is None:
        raise SystemExit("数据库中没有演示用户或演示督办：请用 seed-demo（或 make run）载入的演示法院")
    return {"team": users["lead"].team_id, "officer": users["officer"].officer_id, "order": order,
            "campaign": campaign or 0}


def take(server: LiveServer, shots: list[Shot], out: Path) -> list[Path]:
    """Photograph each shot at each of its sizes; return the files written."""
    written: list[Path] = []
    fill = _placeholders(server.db_url)
    browsers = Browsers(server)
    try:
        for shot in shots:
            driver = browsers.get(shot.who)
            for width, height in shot.sizes:
                double = shot.hidpi and width > 1920
                set_viewport(driver, width // 2 if double else width, height // 2 if double else height,
                             scale=2 if double else 1)
                driver.execute_script("try { window.sessionStorage.clear(); } catch (e) {}")  # 会议模式's focus
                driver.get(server.page(shot.path.format(**fill)))
                _ready(driver, shot)
                target = out / (shot.file or f"{shot.name}-{width}x{height}.png")
                path = _capture(driver, shot, target, width, height)
                errors = console_errors(driver)
                print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
                      + (f"  (console errors: {errors})" if errors else ""), flush=True)
                written.append(path)
    finally:
        browsers.quit()
    return written


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


def serve(db_url: str) -> LiveServer:
    """The app with its refresher on a free loopback port (no extra test user: the demo users sign in)."""
    from werkzeug.serving import make_server

    from dashboard.app import create_app
    from dashboard.runtime import start_background

    migrate_database(db_url)
    app = create_app({**TEST_OVERRIDES, "SCHEDULER_ENABLED": True, "DATABASE_URL": db_url,
                      "REFRESH_INTERVAL_S": 5})
    start_background(app.server)
    server = make_server("127.0.0.1", 0, app.server, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, name="screenshots-app", daemon=True)
    thread.start()
    return LiveServer(app=app, db_url=db_url, url=f"http://127.0.0.1:{server.server_port}",
                      _server=server, _thread=thread)


def _database(db: str | None) -> str:
    if db:
        return db
    url = f"sqlite:///{tempfile.mkdtemp(prefix='screens-')}/demo.db"
    print("载入演示法院（seed-demo，含演示账号与演示督办）…", flush=True)
    migrate_database(url)
    seed_demo(url)
    return url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="use this database URL instead of seeding a temporary one")
    parser.add_argument("--only", nargs="*", help="shot names to take (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    shots = [s for s in SHOTS if not args.only or s.name in args.only]
    if not shots:
        parser.error(f"no shot named {args.only}; known: {[s.name for s in SHOTS]}")

    server = serve(_database(args.db))
    try:
        take(server, shots, args.out)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
