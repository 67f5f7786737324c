"""分流台 in Chromium, keyboard only: confirm one case (Enter), 分案 it (1, Enter), override the
next with a reason (o, typing, Ctrl+Enter), move with j; the database holds each decision."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEntry, Case, CaseTriage
from db.session import make_engine
from db.triage import refresh
from tests.browser.harness import (
    migrate_database,
    wait_for_dash,
    wait_for_text,
    wait_until,
)
from tests.db import triage_data as data


def _seed(url: str) -> dict[str, Any]:
    migrate_database(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            ids = data.org(session)
            data.simple_rules(session)
            for key, filed, amount in (("small", "2026-03-02", 5000), ("other", "2026-03-03", 8000),
                                       ("big", "2026-03-05", 900000)):
                ids[key] = data.add_case(session, ids, filed, amount).id
            refresh(session)
            session.commit()
    finally:
        engine.dispose()
    return ids


def _press(driver: Any, *keys: str) -> None:
    driver.switch_to.active_element.send_keys(*keys)


def _selected(driver: Any) -> int:
    row = driver.find_element(By.CSS_SELECTOR, "tr.triage-row.selected")
    return int(row.get_attribute("data-case"))


def test_keyboard_flow_confirm_assign_override(app_server_factory, driver, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/triage.db"
    ids = _seed(url)
    server = app_server_factory(url, {"TODAY": "2026-03-10"})
    driver.get(server.page("/triage"))
    wait_for_dash(driver, 60)
    wait_until(lambda: _selected(driver) == ids["small"], 60, "oldest case selected")
    wait_for_text(driver, "#triage-primary", "采纳建议：简案", 60)

    _press(driver, Keys.ENTER)  # confirm the suggestion
    wait_for_text(driver, "#triage-msg", "已确认为简案", 60)
    wait_for_text(driver, "#triage-primary", "分案", 60)
    wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, "#triage-officer input[type=radio]"), 30,
               "officers offered")
    wait_for_text(driver, "#triage-officer", "甲法官", 60)
    _press(driver, "1")  # the first (least busy) officer of the suggested team
    _press(driver, Keys.ENTER)  # 分案
    wait_for_text(driver, "#triage-msg", "已分案", 60)
    wait_until(lambda: _selected(driver) == ids["other"], 60, "next case selected")
    wait_for_text(driver, "#triage-primary", "采纳建议：简案", 60)

    _press(driver, "o")  # override: the reason box takes focus, the other track is preset
    wait_until(lambda: driver.switch_to.active_element.get_attribute("id") == "triage-reason", 10,
               "reason focused")
    _press(driver, "申请人提供被执行人房产线索")
    _press(driver, Keys.CONTROL, Keys.ENTER)
    wait_for_text(driver, "#triage-msg", "改判", 60)

    _press(driver, Keys.ESCAPE)
    _press(driver, "j")
    wait_until(lambda: _selected(driver) == ids["big"], 60, "j moves down")
    wait_for_text(driver, "#triage-detail", "规则建议", 60)

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            small = session.get(Case, ids["small"])
            assert (small.team_id, small.officer_id, small.track) == (ids["simple"], ids["jia"], "simple")
            other = session.scalar(select(CaseTriage).where(CaseTriage.case_id == ids["other"]))
            assert (other.track, other.overridden) == ("complex", True)
            assert other.override_reason == "申请人提供被执行人房产线索"
            actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    finally:
        engine.dispose()
    assert [a for a in actions if a.startswith("triage")] == ["triage_confirm", "triage_assign",
                                                              "triage_override"]
