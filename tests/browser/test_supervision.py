"""/supervision in Chromium on a copy of the demo court: issue one 督办 through the form, see it
in the list with its history; the wall's 节点 screen shows the snapshot's 督办 counts.
Screenshots of these crafted states go to a temporary folder; the book's (docs/) come from the demo
court through `make screenshots` (scripts/screenshots.py)."""
from __future__ import annotations

import base64
import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models import Case, Officer, SupervisionOrder, SupervisionStep, Team, User
from db.session import make_engine
from db.snapshot import current_snapshot
from db.supervision import orders as sv
from tests.browser.harness import (
    ensure_user,
    screenshot,
    set_viewport,
    wait_for_dash,
    wait_for_fresh_data,
    wait_for_text,
    wait_until,
)

SHOTS = Path(tempfile.gettempdir()) / "dashboard-browser-shots"
TZ = ZoneInfo("Asia/Shanghai")


def _copy_demo(demo_db_url: str, tmp_path: Path) -> str:
    source = Path(demo_db_url.removeprefix("sqlite:///"))
    target = tmp_path / "supervision-demo.db"
    shutil.copy(source, target)
    # the demo court's own 督办 (db/demo/supervision.py) go, so these tests count only their own
    engine = make_engine(f"sqlite:///{target}")
    with engine.begin() as conn:
        conn.execute(delete(SupervisionStep))
        conn.execute(delete(SupervisionOrder))
    engine.dispose()
    return f"sqlite:///{target}"


def _seed_orders(db_url: str) -> dict[str, Any]:
    """A realistic mix: answered, closed, sent back, overdue (issued earlier, due passed), open."""
    ensure_user(db_url, "center")
    engine = make_engine(db_url)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    today = dt.datetime.now(TZ).date()
    try:
        with Session(engine) as s:
            center = s.scalar(select(User).where(User.role == "center"))
            teams = {t.name: t.id for t in s.scalars(select(Team))}
            open_cases = s.scalars(select(Case).where(Case.closed_on.is_(None), Case.team_id.is_not(None))
                                   .order_by(Case.filed_on).limit(6)).all()
            officer = s.scalar(select(Officer).where(Officer.team_id == teams["繁案一团队"]))
            week_ago = now - dt.timedelta(days=9)
            made = [
                sv.issue(s, target_kind="node", case_id=open_cases[0].id, node_key="notice", subject="执行通知书超期未发出",
                         reason="节点超期 12 天", due_on=today - dt.timedelta(days=3), actor_id=center.id,
                         now=week_ago, today=today - dt.timedelta(days=9)),
                sv.issue(s, target_kind="case", case_id=open_cases[1].id, subject="超12个月未结，约谈申请执行人",
                         reason="长期未结", due_on=today + dt.timedelta(days=5), actor_id=center.id, now=week_ago),
                sv.issue(s, target_kind="team", team_id=teams["保全团队"], subject="保全率低于目标，说明原因",
                         due_on=today + dt.timedelta(days=10), actor_id=center.id, now=now),
                sv.issue(s, target_kind="officer", officer_id=officer.id, subject="案款超30日未发放",
                         reason="3 笔案款超期", due_on=today + dt.timedelta(days=2), actor_id=center.id, now=week_ago),
            ]
            sv.answer(s, made[1], "已于本周约谈申请执行人并制作笔录", center.id, now=now - dt.timedelta(days=2))
            sv.close(s, made[1], "同意办结", center.id, now=now - dt.timedelta(days=1))
            sv.answer(s, made[3], "已发放 2 笔，1 笔待当事人提供账户", center.id, now=now - dt.timedelta(days=3))
            sv.send_back(s, made[3], "请说明第 3 笔的处理期限", center.id, now=now - dt.timedelta(days=2))
            s.commit()
            return {"orders": made, "case": open_cases[4].id, "case_number": open_cases[4].case_number,
                    "officer_id": officer.id, "officer_team": officer.team_id}
    finally:
        engine.dispose()


def _shot_4k(driver: Any, path: Path) -> None:
    """3840×2160 pixels: the desk page at 200 % (how a 4K desktop shows it)."""
    set_viewport(driver, 1920, 1080, scale=2)
    driver.execute_script("window.dispatchEvent(new Event('resize'));")
    wait_for_dash(driver)
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    path.write_bytes(base64.b64decode(shot["data"]))
    set_viewport(driver, 1920, 1080)


def _pick(driver: Any, dropdown_id: str, label: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f"#{dropdown_id} .Select-control, #{dropdown_id}").click()
    option = wait_until(lambda: [o for o in driver.find_elements(By.CSS_SELECTOR, f"#{dropdown_id} .VirtualizedSelectOption")
                                 if o.text == label], 10, f"option {label}")[0]
    option.click()


def test_issue_a_supervision_order_through_the_form(app_server_factory, demo_db_url, driver, tmp_path) -> None:
    db_url = _copy_demo(demo_db_url, tmp_path)
    seeded = _seed_orders(db_url)
    server = app_server_factory(db_url, {"REFRESH_INTERVAL_S": 5}, background=True)
    driver.get(server.page(f"/supervision?new=case&case={seeded['case']}"))
    wait_for_dash(driver, 60)
    case_box = driver.find_element(By.ID, "supervision-new-case")
    wait_until(lambda: case_box.get_attribute("value") == seeded["case_number"], 30, "pre-filled 案号")
    wait_until(lambda: driver.find_element(By.ID, "supervision-form").is_displayed(), 30, "the form opens")
    # the list below the form shows this case's orders (none yet)
    wait_for_text(driver, "#supervision-summary", f"案件：{seeded['case_number']}", 30)
    wait_for_text(driver, "#supervision-summary", "共 0 件", 30)
    driver.find_element(By.ID, "supervision-new-subject").send_keys("查控反馈后 30 日未处置财产")
    due = (dt.datetime.now(TZ).date() + dt.timedelta(days=7)).isoformat()
    driver.find_element(By.ID, "supervision-new-reason").send_keys("节点管控发现：冻结存款未划拨")
    date_box = driver.find_element(By.ID, "supervision-new-due")
    date_box.click()
    date_box.send_keys(due, Keys.ENTER)
    driver.find_element(By.ID, "supervision-new-submit").click()

    def opened() -> bool:
        if "order=" in driver.current_url:
            return True
        said = driver.find_element(By.ID, "supervision-new-msg").text
        if said:  # the form answered without opening the order: fail with its message
            raise AssertionError(f"the form said: {said}")
        return False

    wait_until(opened, 60, "the new order opens")  # the refresher may hold the SQLite file meanwhile
    order_id = int(driver.current_url.rsplit("order=", 1)[1].split("&")[0])
    assert order_id not in seeded["orders"]
    wait_for_text(driver, "#supervision-detail h2", f"督办 {order_id}：查控反馈后 30 日未处置财产", 30)
    history = wait_for_text(driver, "#supervision-steps", "已下发", 30)
    assert "节点管控发现：冻结存款未划拨" in history and "browser-center" in history
    wait_for_text(driver, "#supervision-summary", "共 1 件", 30)
    driver.get(server.page("/supervision"))
    wait_for_text(driver, "#supervision-summary", "共 5 件", 60)
    stats = driver.find_element(By.ID, "supervision-stats").text
    assert "合计" in stats and "繁案一团队" in stats
    # the overdue order shows 逾期 live, before any sweep
    grid_text = driver.find_element(By.ID, "supervision-grid").text
    assert "逾期" in grid_text and "已办结" in grid_text

    SHOTS.mkdir(parents=True, exist_ok=True)
    wait_until(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#supervision-grid .ag-center-cols-container .ag-row"))
               == 5, 30, "five rows in the grid")
    screenshot(driver, SHOTS / "supervision-1920x1080.png", 1920, 1080)
    _shot_4k(driver, SHOTS / "supervision-3840x2160.png")
    # a filter typed in goes into the URL and narrows the list; the export link follows it
    driver.find_element(By.ID, "supervision-f-text").send_keys("案款")
    driver.find_element(By.ID, "supervision-f-apply").click()
    wait_until(lambda: "q=%E6%A1%88%E6%AC%BE" in driver.current_url, 30, "keyword in the URL")
    wait_for_text(driver, "#supervision-summary", "共 1 件", 30)
    assert "q=%E6%A1%88%E6%AC%BE" in driver.find_element(By.ID, "supervision-export").get_attribute("href")
    driver.get(server.page(f"/supervision?order={seeded['orders'][3]}"))
    wait_for_dash(driver, 60)
    steps = wait_for_text(driver, "#supervision-steps", "退回重办", 30)
    assert steps.index("反馈") < steps.index("退回重办")
    screenshot(driver, SHOTS / "supervision-order-1920x1080.png", 1920, 1080)

    # the wall's 节点 screen: 督办 counts come from the snapshot the refresher published
    def _sup_counts() -> dict[str, int] | None:
        snap = current_snapshot(server.app.server.extensions["dashboard"].extras["cache"])
        sup = (snap or {}).get("nodes", {}).get("supervision") if snap else None
        return sup if sup and sup.get("open") == 4 else None
    counts = wait_until(_sup_counts, 240, "snapshot with the new order")
    driver.get(server.page("/wall?kiosk=1&screen=nodes&rotate=0"))
    wait_for_dash(driver, 60)
    wait_for_fresh_data(driver)
    text = wait_for_text(driver, "#wall-nodes", "督办", 60)
    assert counts["overdue"] == 1
    assert f"督办未办结\n{counts['open']:,}件" in text and f"督办逾期\n{counts['overdue']:,}件" in text
    screenshot(driver, SHOTS / "wall-nodes-1920x1080.png", 1920, 1080, settle=1.5)
    screenshot(driver, SHOTS / "wall-nodes-3840x2160.png", 3840, 2160, settle=1.5)


def test_officer_answers_and_center_closes(app_server_factory, demo_db_url, driver_factory, tmp_path) -> None:
    """反馈 by the officer the order is addressed to, 办结 by the command center, in the browser."""
    db_url = _copy_demo(demo_db_url, tmp_path)
    seeded = _seed_orders(db_url)
    order = seeded["orders"][3]  # to one officer of 繁案一团队, sent back once
    server = app_server_factory(db_url)
    officer = driver_factory()
    server.login(officer, role="officer", officer_id=seeded["officer_id"], team_id=seeded["officer_team"])
    officer.get(server.page(f"/supervision?order={order}"))
    wait_for_dash(officer, 60)
    wait_for_text(officer, "#supervision-steps", "退回重办", 30)
    assert not officer.find_element(By.ID, "supervision-close").is_displayed()  # an officer cannot close
    assert not officer.find_element(By.ID, "supervision-new-link").is_displayed()  # nor issue
    officer.find_element(By.ID, "supervision-note").send_keys("第 3 笔已于今日发放，附回单")
    officer.find_element(By.ID, "supervision-answer").click()
    wait_for_text(officer, "#supervision-action-msg", "当前状态：已反馈", 30)
    wait_for_text(officer, "#supervision-steps", "第 3 笔已于今日发放", 30)

    center = driver_factory()
    center.get(server.page(f"/supervision?order={order}"))  # signs in as the 指挥中心 user by itself
    wait_for_dash(center, 60)
    wait_until(lambda: center.find_element(By.ID, "supervision-close").is_displayed(), 30, "办结 offered")
    center.find_element(By.ID, "supervision-note").send_keys("同意办结")
    center.find_element(By.ID, "supervision-close").click()
    wait_for_text(center, "#supervision-action-msg", "当前状态：已办结", 30)
    steps = wait_for_text(center, "#supervision-steps", "同意办结", 30)
    assert steps.index("第 3 笔已于今日发放") < steps.index("同意办结")


def test_admin_rules_page(app_server_factory, driver) -> None:
    """The administrator reads the effective rules and the holiday calendar's coverage."""
    server = app_server_factory()
    server.login(driver, role="admin")
    driver.get(server.page("/admin/rules"))
    wait_for_dash(driver, 60)
    rules = wait_for_text(driver, "#admin-rules-rules", "发出执行通知书", 30)
    assert "案款发放" in rules and "全国默认" in rules and "6 个月（非诉 3 个月）" in rules
    calendar = driver.find_element(By.ID, "admin-rules-calendar").text
    assert "2026 完整" in calendar and "2027 待补全" in calendar
    today = dt.datetime.now(TZ).date()
    if today.year + 1 == 2027 or today.year == 2027:  # until config/holidays.toml holds the 2027 notice
        assert "2027 年只有固定日期的节日" in driver.find_element(By.ID, "admin-rules-warnings").text
    screenshot(driver, SHOTS / "admin-rules-1920x1080.png", 1920, 1080)
