"""今日待办 in Chromium (order, columns, colours, the kind filter, a row opening its place on the
case page) and printing every desk page: the printed PDF holds every row of every list and the header."""
from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from selenium.webdriver.common.by import By
from sqlalchemy import select

from tests.backends import unavailable
from tests.browser.harness import (
    SHOTS_DIR,
    screenshot,
    wait_for_dash,
    wait_for_fresh_data,
    wait_until,
)

COLUMNS = ["事项", "案号", "承办人", "期限", "剩余/超期天数", "金额（元）", "状态"]  # a 团队长 may not issue 督办
# every grid's rows as the grid holds them (not only the rendered ones): case numbers, else names
GRID_ROWS_JS = """
const out = {};
for (const el of document.querySelectorAll('.desk .desk-grid')) {
  const api = window.dash_ag_grid && window.dash_ag_grid.getApi(el.id);
  if (!api) continue;
  const texts = [];
  api.forEachNodeAfterFilterAndSort(n => texts.push(String(n.data.case_number || n.data.name || n.data.subject || '')));
  out[el.id] = texts;
}
return out;
"""


def _ids(db_url: str) -> dict[str, int]:
    from db.models import Officer, Team
    from db.session import make_engine

    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            team = conn.execute(select(Team.id).where(Team.name == "简案团队")).scalar_one()
            officer = conn.execute(select(Officer.id).where(Officer.team_id == team).order_by(Officer.id)).scalars().first()
    finally:
        engine.dispose()
    return {"team": team, "officer": officer}


def _grid_rows(driver: Any, grid_id: str) -> list[dict[str, str]]:
    """Rendered rows of a grid, top to bottom: {col-id: text}."""
    return driver.execute_script("""
        const rows = [...document.querySelectorAll(`#${arguments[0]} .ag-center-cols-container .ag-row`)];
        rows.sort((a, b) => Number(a.getAttribute('row-index')) - Number(b.getAttribute('row-index')));
        return rows.map(r => Object.fromEntries([...r.querySelectorAll('.ag-cell')].map(
            c => [c.getAttribute('col-id'), c.innerText.trim() + (c.classList.contains('cell-bad') ? '|bad' :
                  c.classList.contains('cell-warn') ? '|warn' : c.classList.contains('cell-muted') ? '|muted' : '')])));
    """, grid_id)


def _days(text: str) -> int:
    value, _, _ = text.partition("|")
    number = int(re.sub(r"[^0-9]", "", value) or 0)
    return -number if value.startswith("−") else number


def test_queue_order_columns_colours_and_links(demo_server, driver) -> None:
    ids = _ids(demo_server.db_url)
    demo_server.login(driver, "lead", team_id=ids["team"])
    driver.get(demo_server.page(f"/team/{ids['team']}"))
    wait_for_dash(driver, 60)
    wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, "#team-queue .ag-row"), 60, "queue rows")
    headers = [h.text.strip() for h in driver.find_elements(By.CSS_SELECTOR, "#team-queue .ag-header-cell-text")]
    assert headers == COLUMNS
    rows = _grid_rows(driver, "team-queue")
    days = [_days(r["days_left"]) for r in rows]
    overdue = [d for d in days if d < 0]
    assert overdue, "the demo team has overdue items"
    assert days[: len(overdue)] == sorted(overdue) and days[len(overdue):] == sorted(days[len(overdue):])
    for r, d in zip(rows, days, strict=True):
        assert (d < 0) == r["days_left"].endswith("|bad"), r  # overdue red, nothing else
        assert r["days_left"].startswith("−" if d < 0 else ("0" if d == 0 else "+")), r  # signed
    assert any(r["days_left"].endswith("|warn") for r in rows) or all(d < 0 for d in days)
    assert "已无法处理/需核实" in driver.find_element(By.ID, "team-queue-stale-title").text
    wait_for_fresh_data(driver)
    shot = screenshot(driver, SHOTS_DIR / "desk-queue-1920x1080.png", 1920, 1080)
    assert shot.stat().st_size > 10_000

    # the kind filter: 案款 rows only, each with an amount and its days waiting
    driver.find_element(By.XPATH, "//div[@id='team-queue-kind']//label[starts-with(normalize-space(.), '案款')]").click()
    wait_until(lambda: all(r["item"].startswith("案款") for r in _grid_rows(driver, "team-queue")), 30, "案款 only")
    money = _grid_rows(driver, "team-queue")
    assert money and all(r["amount"] and re.match(r"已到账 \d+ 天未发放", r["status_text"]) for r in money)

    # a row's 事项 opens the case at the payment's row
    link = driver.find_element(By.CSS_SELECTOR, "#team-queue .ag-center-cols-container [col-id='item'] a.desk-link")
    link.click()
    wait_until(lambda: urlsplit(driver.current_url).path.startswith("/case/"), 30, "case page")
    anchor = urlsplit(driver.current_url).fragment
    assert anchor.startswith("case-payment-")
    wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, f"#{anchor}.anchor-hit"), 30, "the payment's row marked")


def _pdftotext() -> str:
    found = shutil.which("pdftotext")
    if not found:
        unavailable("pdftotext (poppler-utils) missing: scripts/ensure-browser.sh installs it")
    assert found
    return found


def _print_pdf(driver: Any, path: Path) -> str:
    """Click 打印 (window.print stubbed), then print to PDF through CDP; return the PDF's text."""
    driver.execute_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
    driver.find_element(By.CSS_SELECTOR, ".print-btn").click()
    wait_until(lambda: driver.execute_script("return window.__printed"), 30, "print dialog requested")
    # every table's head row has its <thead> copy while printing (repeated on each sheet)
    assert driver.execute_script(_HEADS_JS) == [True, True]
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True})
    path.write_bytes(base64.b64decode(pdf["data"]))
    texts = [subprocess.run([_pdftotext(), mode, str(path), "-"], capture_output=True, text=True,
                            timeout=60, check=True).stdout for mode in ("-layout", "-raw")]
    driver.execute_script("window.deskPrint.restore();")
    assert driver.execute_script("return document.querySelectorAll('thead, .t-head-printed').length") == 0
    return texts[0], texts[1]


# (each head row has exactly one <thead> copy just before it, the same text; no head row is left out)
_HEADS_JS = """
const heads = [...document.querySelectorAll('table > tbody.t-head')];
return [heads.every(h => h.previousElementSibling && h.previousElementSibling.matches('thead[data-print-head]')
                          && h.previousElementSibling.textContent === h.textContent
                          && h.classList.contains('t-head-printed')),
        document.querySelectorAll('thead[data-print-head]').length === heads.length];
"""


def test_a_table_longer_than_a_sheet_repeats_its_column_headers(demo_server, driver, tmp_path: Path) -> None:
    """Chromium repeats a table's column headers on each printed sheet only for a `<thead>`; the
    pages keep their head rows in a `<tbody>` (layouts/table.py: a `<thead>` re-rendered by a live
    page leaks a style object), and assets/desk-print.js puts a `<thead>` copy in place to print."""
    _pdftotext()
    team = _ids(demo_server.db_url)["team"]
    driver.get(demo_server.page(f"/team/{team}"))
    wait_for_dash(driver, 60)
    wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, ".indicator-table > tbody:not(.t-head) td"), 60,
               "indicator rows")
    # eight times the rows (the copies named 复制行): the team's indicator table runs over several sheets
    driver.execute_script("""
        const body = document.querySelector('.indicator-table > tbody:not(.t-head)');
        const rows = [...body.rows];
        for (let i = 0; i < 7; i++) rows.forEach(r => {
            const copy = body.appendChild(r.cloneNode(true));
            copy.cells[0].textContent = '复制行';
        });""")
    text, _raw = _print_pdf(driver, tmp_path / "long-table.pdf")
    sheets = [re.sub(r"\s+", "", s) for s in text.split("\f") if s.strip()]
    with_rows = [s for s in sheets if "复制行" in s]
    assert len(with_rows) >= 3, len(with_rows)
    assert all("指标本期分子分母对比期变化状态" in s for s in with_rows), [s[:200] for s in with_rows]


def _pages(ids: dict[str, int]) -> list[tuple[str, str, str]]:
    """(path, page name in the header, a grid that must have rows)."""
    return [
        (f"/team/{ids['team']}", "团队工作台", "team-queue"),
        (f"/officer/{ids['officer']}", "承办人", "officer-deadlines"),
        (f"/cases?queue=unpaid&scope=team&id={ids['team']}", "案件清单", "cases-grid"),
        ("/supervision", "督办", "supervision-grid"),
        ("/analysis", "会商分析", "analysis-grid"),
    ]


def test_every_desk_page_prints_all_rows_with_a_header(demo_server, driver, tmp_path: Path) -> None:
    _pdftotext()
    ids = _ids(demo_server.db_url)
    for path, name, main_grid in _pages(ids):
        driver.get(demo_server.page(path))
        wait_for_dash(driver, 60)
        wait_until(lambda g=main_grid: driver.find_elements(By.CSS_SELECTOR, f"#{g} .ag-row"), 60, f"{path} rows")
        wait_for_dash(driver, 60)
        expected = driver.execute_script(GRID_ROWS_JS)
        target = tmp_path / (re.sub(r"[^a-z]+", "-", path.split("?")[0]).strip("-") + ".pdf")
        text, raw = _print_pdf(driver, target)  # raw: a cell's wrapped lines stay together
        flat = re.sub(r"\s+", "", raw)
        assert f"{name}｜范围：" in flat and "数据截至" in flat, (path, text[:300])
        assert "第1页/共" in flat
        pages = text.count("\f")
        assert flat.count(f"{name}｜范围：") >= pages >= 1, (path, pages)  # a header on every sheet
        for grid_id, rows in expected.items():
            if grid_id == "analysis-grid":
                continue  # /analysis prints its plain-table copy (checked through the team names)
            missing = [r for r in rows if r and re.sub(r"\s+", "", r) not in flat]
            assert not missing, (path, grid_id, len(rows), missing[:5])
        numbers = set(re.findall(r"（\d{4}）内0221[^号\s]{1,8}号", text))
        listed = {r for rows in expected.values() for r in rows if r.endswith("号")}
        assert numbers >= listed, (path, len(numbers), len(listed))
        if SHOTS_DIR.name == "screenshots":  # regenerating docs/screenshots: keep the team page's sheet 1
            if path.startswith("/team/"):
                png = shutil.which("pdftoppm")
                if png:
                    subprocess.run([png, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(target),
                                    str(SHOTS_DIR / "desk-print-team")], check=True, timeout=60)
