"""Browser-test harness: a live app on a free port, headless Chromium, screenshots.

Plain functions (no pytest) so scripts/screenshots.py can reuse them; the fixtures in
tests/browser/conftest.py wrap them.
"""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import urlopen

import dash
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parents[2]
# Where browser tests write their screenshots: a scratch folder, so a test run never changes the
# tracked pictures in docs/. `DASHBOARD_SHOTS_DIR=docs/screenshots` regenerates those on purpose.
SHOTS_DIR = Path(os.environ.get("DASHBOARD_SHOTS_DIR") or Path(tempfile.gettempdir()) / "dashboard-browser-shots")
CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_BINARY", "/usr/bin/chromedriver")
CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-color-profile=srgb",
    "--lang=zh-CN",
)
# extras keys (db.context.AppContext.extras) of background services that have a stop()
BACKGROUND_SERVICES = ("simulator", "scheduler")
# Quiet, deterministic test defaults: no background work unless a test asks for it.
TEST_OVERRIDES: dict[str, Any] = {
    "SCHEDULER_ENABLED": False,
    "SIMULATE": False,
    "SEED_DEMO": False,
}


class _QuietHandler(WSGIRequestHandler):
    """Request handler that does not log every request to stderr."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


def browser_missing() -> str | None:
    """Return why Chromium cannot run here, or None when it can."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            return f"{path} not found (run scripts/ensure-browser.sh as root)"
    return None


@dataclass
class LiveServer:
    """The app served by a werkzeug thread on 127.0.0.1:<free port>."""

    app: dash.Dash
    db_url: str
    url: str
    _server: BaseWSGIServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)
    _stopped: bool = field(default=False, repr=False)

    def page(self, path: str) -> str:
        """Absolute URL of `path` on this server."""
        return self.url + path

    def login(self, driver: Any, role: str = "center", **binding: Any) -> str:
        """Sign `driver` in through /login as this server's browser user with `role` (created on
        first use; binding: team_id / officer_id for lead / officer); return the username."""
        username, password = ensure_user(self.db_url, role, **binding)
        sign_in(driver, self.url, username, password)
        return username

    def stop(self) -> None:
        """Stop serving, stop background work started with `background=True`, free the DB."""
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()
        state = self.app.server.extensions["dashboard"]
        for key in BACKGROUND_SERVICES:
            service = state.extras.get(key)
            if service is not None and hasattr(service, "stop"):
                service.stop()
        state.engine.dispose()


def migrate_database(db_url: str) -> None:
    """Bring `db_url` to the newest schema."""
    from db import migrate

    migrate.upgrade(db_url)


def seed_demo(db_url: str, *args: str, timeout: float = 1800) -> None:
    """Seed the demo court into `db_url` through the real CLI (`seed-demo`)."""
    env = {**os.environ, "DASHBOARD_DATABASE_URL": db_url}
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "seed-demo", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"seed-demo failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def start_server(
    db_url: str, overrides: Mapping[str, Any] | None = None, background: bool = False
) -> LiveServer:
    """Migrate `db_url`, build the app with test settings and serve it in a thread.

    `background=True` also starts the process's background work (the refresher, and the
    simulator if SIMULATE is overridden to True) as `python -m dashboard run` would.
    """
    from dashboard.app import create_app
    from dashboard.runtime import start_background

    migrate_database(db_url)
    settings = {**TEST_OVERRIDES, "SCHEDULER_ENABLED": background, "DATABASE_URL": db_url}
    app = create_app({**settings, **(overrides or {})})
    if background:
        start_background(app.server)
    server = make_server(
        "127.0.0.1", 0, app.server, threaded=True, request_handler=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, name="live-app", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    ACCOUNTS[url] = ensure_user(db_url, "center")
    return LiveServer(app=app, db_url=db_url, url=url, _server=server, _thread=thread)


# base URL of each live server → (username, password) of its 指挥中心 browser user: a driver that
# lands on /login signs in with these by itself (see SignedInChrome).
ACCOUNTS: dict[str, tuple[str, str]] = {}
BROWSER_PASSWORD = "Browser#test-2026"


def ensure_user(db_url: str, role: str = "center", **binding: Any) -> tuple[str, str]:
    """(username, password) of the browser user `browser-<role>[-<binding>]`, created if missing."""
    from sqlalchemy import select

    from db.auth.users import create_user
    from db.models import User
    from db.session import make_engine, make_session_factory, session_scope

    username = "-".join(["browser", role, *(str(v) for v in binding.values())])
    engine = make_engine(db_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            if session.scalars(select(User.id).where(User.username == username)).first() is None:
                create_user(session, username, BROWSER_PASSWORD, role, **binding)
    finally:
        engine.dispose()
    return username, BROWSER_PASSWORD


def sign_in(driver: Any, base_url: str, username: str, password: str) -> None:
    """Fill in and submit this server's /login form (the driver ends on the page it was sent to)."""
    from selenium.webdriver.common.by import By

    here = driver.current_url
    if urlsplit(here).path != "/login" or not here.startswith(base_url + "/"):
        _plain_get(driver, base_url + "/login")
    driver.find_element(By.ID, "username").clear()
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()
    wait_until(lambda: urlsplit(driver.current_url).path != "/login", 30, f"signed in as {username}")


def _plain_get(driver: Any, url: str) -> None:
    """Selenium's own get (no automatic sign-in)."""
    from selenium import webdriver

    webdriver.Chrome.get(driver, url)


def _signed_in_chrome():
    from selenium import webdriver

    class SignedInChrome(webdriver.Chrome):
        """Chromium that signs in by itself when a live server sends it to /login."""

        def get(self, url: str) -> None:
            super().get(url)
            here = self.current_url
            if urlsplit(url).path == "/login" or urlsplit(here).path != "/login":
                return
            base = next((b for b in ACCOUNTS if here.startswith(b + "/")), None)
            if base is not None:
                sign_in(self, base, *ACCOUNTS[base])

    return SignedInChrome


def make_driver(extra_args: tuple[str, ...] = (), width: int = 1920, height: int = 1080):
    """Start headless Debian Chromium through Selenium with the project's flags; it signs in by
    itself as the server's 指挥中心 user when a live server sends it to /login."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (*CHROME_FLAGS, f"--window-size={width},{height}", *extra_args):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = _signed_in_chrome()(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    set_viewport(driver, width, height)
    return driver


def set_viewport(driver: Any, width: int, height: int, scale: float = 1.0) -> None:
    """Make the page's viewport exactly width×height CSS pixels (like a wall screen)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": False},
    )


def wait_until(predicate: Callable[[], Any], timeout: float = 20, message: str = "") -> Any:
    """Poll `predicate` until it returns a truthy value; raise TimeoutError otherwise."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - stale elements etc. while Dash re-renders
            last_error = exc
        time.sleep(0.1)
    raise TimeoutError(f"timed out after {timeout}s: {message} (last error: {last_error})")


_DASH_BUSY_JS = """
const page = document.getElementById('_pages_content');
return !document.querySelector('#react-entry-point')
    || !!document.querySelector('._dash-loading')
    || !!document.querySelector('[data-dash-is-loading="true"]')
    || (!!page && !page.hasChildNodes());
"""


def wait_for_dash(driver: Any, timeout: float = 30) -> None:
    """Wait until the Dash renderer has mounted, the page's layout is in (Dash pages fills
    `_pages_content` by a callback after mounting) and no callback is pending."""
    wait_until(lambda: not driver.execute_script(_DASH_BUSY_JS), timeout, "Dash idle")


def wait_for_text(driver: Any, css: str, text: str, timeout: float = 20) -> str:
    """Wait until the element matching `css` contains `text`; return its full text."""
    from selenium.webdriver.common.by import By

    def _found() -> str | None:
        content = driver.find_element(By.CSS_SELECTOR, css).text
        return content if text in content else None

    return wait_until(_found, timeout, f"{css!r} contains {text!r}")


_STALE_JS = """
const banner = document.getElementById('shell-stale-banner');
return !!banner && !banner.hidden && getComputedStyle(banner).display !== 'none';
"""


def wait_for_fresh_data(driver: Any, timeout: float = 180) -> None:
    """Wait until the shell's stale/not-ready banner is gone (a snapshot is on screen)."""
    wait_until(lambda: not driver.execute_script(_STALE_JS), timeout, "snapshot ready")


def console_errors(driver: Any) -> list[str]:
    """Severe browser-console messages since the last call (JS errors, failed loads)."""
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def screenshot(driver: Any, path: str | Path, width: int, height: int, settle: float = 0.5,
               dash_page: bool = True) -> Path:
    """Save a PNG of the current page at exactly width×height CSS pixels (`dash_page=False` for
    plain Flask pages such as /login: no Dash renderer to wait for)."""
    set_viewport(driver, width, height)
    driver.execute_script("window.dispatchEvent(new Event('resize'));")
    time.sleep(settle)  # let resize handlers and CSS transitions finish
    if dash_page:
        wait_for_dash(driver)
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {"format": "png", "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}},
    )
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(base64.b64decode(shot["data"]))
    return out


def heap_snapshot(driver: Any) -> tuple[Counter[str], Counter[str]]:
    """Objects of each class in the page's heap and their bytes (self sizes), from a heap
    snapshot (which collects garbage first): V8's and Blink's (`blink::MediaQuerySet` …), keyed
    by class name. Speaks CDP over the DevTools websocket, because the snapshot arrives as
    events, which Selenium's execute_cdp_cmd drops. Blink's C++ objects count here and not in
    `Performance.getMetrics`' JSHeapUsedSize (V8's heap only)."""
    import websocket  # websocket-client, pinned in requirements-dev.txt

    address = driver.capabilities["goog:chromeOptions"]["debuggerAddress"]
    with urlopen(f"http://{address}/json", timeout=10) as answer:
        targets = json.load(answer)
    page = next(t for t in targets if t["type"] == "page")
    socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=120, suppress_origin=True)
    chunks: list[str] = []
    try:
        socket.send(json.dumps({"id": 1, "method": "HeapProfiler.takeHeapSnapshot",
                                "params": {"reportProgress": False}}))
        while True:
            message = json.loads(socket.recv())
            if message.get("method") == "HeapProfiler.addHeapSnapshotChunk":
                chunks.append(message["params"]["chunk"])
            elif message.get("id") == 1:
                break
    finally:
        socket.close()
    snapshot = json.loads("".join(chunks))
    fields = snapshot["snapshot"]["meta"]["node_fields"]
    step, name_at, size_at = len(fields), fields.index("name"), fields.index("self_size")
    names, nodes = snapshot["strings"], snapshot["nodes"]
    counts: Counter[str] = Counter()
    sizes: Counter[str] = Counter()
    for i in range(0, len(nodes), step):
        name = names[nodes[i + name_at]]
        counts[name] += 1
        sizes[name] += nodes[i + size_at]
    return counts, sizes


def heap_object_counts(driver: Any, prefix: str = "") -> Counter[str]:
    """How many objects of each class whose name starts with `prefix` the page's heap holds
    (`heap_snapshot`). Object counts, not bytes or time: a leak of a few hundred small C++
    objects shows here long before it shows in any total."""
    counts, _ = heap_snapshot(driver)
    return Counter({name: n for name, n in counts.items() if name.startswith(prefix)})
