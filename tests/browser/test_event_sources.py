"""The field-event API end to end in Chromium: a 管理员 issues a source token on 事件接口 (shown
once), a reporting system posts an event with it over HTTP, and the wall's 实时动态 shows the event
at the next refresh with the party's name and phone number masked.
Screenshot: docs/screenshots/admin-sources-1920x1080.png."""
from __future__ import annotations

import datetime as dt
import json
import urllib.request
from pathlib import Path

from selenium.webdriver.common.by import By
from sqlalchemy import select

from db.models import Case
from db.session import make_engine, make_session_factory, session_scope
from tests.browser.harness import (
    SHOTS_DIR,
    migrate_database,
    screenshot,
    wait_for_dash,
    wait_for_text,
)
from tests.browser.test_admin import _click, _type
from tests.db.snapshot_data import seed

SHOTS = SHOTS_DIR


def test_token_event_and_the_masked_feed(app_server_factory, driver_factory, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/events.db"
    migrate_database(url)
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        code = seed(session)["court"].code
        number = session.scalars(select(Case.case_number).order_by(Case.id)).first()
    engine.dispose()
    server = app_server_factory(url, {"REFRESH_INTERVAL_S": 2, "COURT_CODE": code}, background=True)
    admin = driver_factory()
    server.login(admin, "admin")
    admin.get(server.page("/admin/sources"))
    wait_for_dash(admin)
    _type(admin, "admin-sources-name", "执行110")
    _click(admin, "admin-sources-issue")
    token = wait_for_text(admin, ".token-url", "").strip()
    assert len(token) >= 40
    wait_for_text(admin, "#admin-sources-table", "执行110")
    SHOTS.mkdir(parents=True, exist_ok=True)
    screenshot(admin, SHOTS / "admin-sources-1920x1080.png", 1920, 1080)

    moment = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    body = {"external_id": "110-0001", "case_number": number, "kind": "到场", "occurred_at": moment,
            "detail": "被执行人张三丰在场，联系电话13912345678"}
    request = urllib.request.Request(server.page("/api/v1/events"), data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert reply.status == 201

    admin.get(server.page("/wall?screen=feed&rotate=0"))
    wait_for_dash(admin)
    feed = wait_for_text(admin, "#wall-feed", "执行110到达现场", timeout=60)
    assert "张*" in feed and "张三丰" not in feed
    assert "13912345678" not in feed and "139********" in feed
    assert admin.find_element(By.ID, "wall-feed").is_displayed()
