"""/supervision follows the 「当前法院」 switcher in Chromium: a 中院 user sees its 辖区's 督办,
after switching to a basic court only that court's, with the 「范围：…」 line on the screen and on
the printed page; screenshot docs/screenshots/supervision-court-1920x1080.png (with
DASHBOARD_SHOTS_DIR=docs/screenshots)."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Case, User
from db.session import make_engine
from db.supervision import orders as sv
from tests.browser.harness import (
    ACCOUNTS,
    SHOTS_DIR,
    console_errors,
    screenshot,
    wait_for_dash,
    wait_for_text,
    wait_until,
)
from tests.browser.test_desk_print import _print_pdf
from tests.region_data import TODAY, bind_user, seed_region

SUBJECTS = {"内02": "中院本院督办", "内0221": "土右旗督办", "内0222": "固阳督办", "内0223": "达茂旗督办",
            "内0121": "呼市辖区督办"}


def _seed(db_url: str, username: str) -> None:
    engine = make_engine(db_url)
    try:
        tree = seed_region(engine)
        with Session(engine) as session, session.begin():
            user_id = session.scalar(select(User.id).where(User.username == username))
            for code, subject in SUBJECTS.items():
                case_id = session.scalar(select(Case.id).where(Case.court_id == tree[code])
                                         .order_by(Case.id).limit(1))
                sv.issue(session, target_kind="case", subject=subject, actor_id=user_id,
                         due_on=dt.date.fromisoformat(TODAY) + dt.timedelta(days=20),
                         case_id=case_id, today=dt.date.fromisoformat(TODAY))
        bind_user(engine, user_id, tree["内02"])
    finally:
        engine.dispose()


def _listed(driver) -> set[str]:
    return {s for s in SUBJECTS.values()
            if s in driver.find_element("id", "supervision-grid").text}


def test_the_supervision_list_follows_the_switcher(app_server_factory, driver, tmp_path: Path) -> None:
    server = app_server_factory(overrides={"TODAY": TODAY}, background=True)
    username, _password = ACCOUNTS[server.url]
    _seed(server.db_url, username)
    driver.get(server.page("/supervision"))
    wait_for_dash(driver, 60)
    wait_for_text(driver, "#supervision-summary", "范围：包头市中级人民法院及其辖区法院的督办", 30)
    wanted = {SUBJECTS[c] for c in ("内02", "内0221", "内0222", "内0223")}
    wait_until(lambda: _listed(driver) == wanted, 30, "the 辖区's 督办")
    driver.get(server.page(f"/court/{quote('内0222')}?next=/supervision"))
    wait_until(lambda: driver.current_url.split("?")[0].endswith("/supervision"), 20, "back on /supervision")
    wait_for_dash(driver, 60)
    wait_for_text(driver, "#supervision-summary", "范围：固阳县人民法院的督办", 30)
    wait_until(lambda: _listed(driver) == {SUBJECTS["内0222"]}, 30, "only 固阳's 督办")
    wait_for_text(driver, ".court-menu summary", "当前法院：固阳县人民法院", 30)
    screenshot(driver, SHOTS_DIR / "supervision-court-1920x1080.png", 1920, 1080, settle=1.0)
    _text, raw = _print_pdf(driver, tmp_path / "supervision-court.pdf")
    flat = re.sub(r"\s+", "", raw)
    assert "范围：固阳县人民法院的督办" in flat and SUBJECTS["内0222"] in flat, raw[:400]
    assert not any(SUBJECTS[c] in flat for c in SUBJECTS if c != "内0222"), raw[:400]
    assert not [e for e in console_errors(driver) if "favicon" not in e]
