"""The start page in headless Chromium: title, section links, the loaded court and its counts."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import text

from db.cases.input import add_cases
from db.models import Court, Officer, Team
from db.session import make_engine, make_session_factory, session_scope
from layouts.start.home import SECTIONS
from tests.browser.harness import (
    console_errors,
    screenshot,
    wait_for_dash,
    wait_for_text,
    wait_until,
)

COURT = "包头市土默特右旗人民法院"


def _seed_small_court(db_url: str, today: dt.date) -> dict[str, int]:
    """A court with two teams and cases spread over last year and this year; return the counts."""
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        court = Court(code="内0221", name=COURT)
        session.add(court)
        session.flush()
        simple = Team(court_id=court.id, name="简案团队", kind="simple", sort_order=1)
        keep = Team(court_id=court.id, name="保全团队", kind="preservation", sort_order=2)
        session.add_all([simple, keep])
        session.flush()
        session.add_all([Officer(court_id=court.id, team_id=simple.id, name="王法官", role="judge"),
                         Officer(court_id=court.id, team_id=keep.id, name="李法官", role="judge"),
                         Officer(court_id=court.id, team_id=keep.id, name="赵助理", role="assistant")])
        session.flush()
        this_year, last_year = today.year, today.year - 1
        jan1 = dt.date(this_year, 1, 1)
        rows = [
            {"case_number": f"（{last_year}）内0221执{n}号", "filed_on": f"{last_year}-03-0{n}",
             "closed_on": f"{last_year}-06-01" if n <= 2 else None,
             "closing_method": "completed" if n <= 2 else None, "team": "简案团队"}
            for n in range(1, 6)
        ] + [
            {"case_number": f"（{this_year}）内0221执保{n}号", "filed_on": jan1.isoformat(),
             "closed_on": jan1.isoformat() if n <= 3 else None,
             "closing_method": "preservation_done" if n <= 3 else None, "team": "保全团队"}
            for n in range(1, 8)
        ]
        add_cases(session, rows)
    engine.dispose()
    # the case counts use the wall's court scope (首执 + 执恢, 不含执保): the 7 执保 cases are left out
    return {"cases": 5, "open_cases": 3, "filed": 0, "closed": 0, "teams": 2, "officers": 3}


@pytest.fixture
def seeded_server(app_server_factory, tmp_path: Path):
    url = f"sqlite:///{tmp_path}/home.db"
    server = app_server_factory(url)
    today = dt.datetime.now(ZoneInfo(server.app.server.config["TIMEZONE"])).date()
    return server, _seed_small_court(url, today), today


def test_start_page_names_the_court_and_links_the_sections(seeded_server, driver) -> None:
    server, expected, today = seeded_server
    driver.get(server.page("/"))
    wait_for_dash(driver)
    assert driver.title == "首页 · 执行指挥中心质效看板"
    assert driver.find_element(By.TAG_NAME, "h1").text == "执行指挥中心质效看板"
    assert wait_for_text(driver, "#home-court", COURT) == f"当前数据：{COURT}（内0221）"
    panel = driver.find_element(By.CSS_SELECTOR, ".court-card")
    assert panel.find_element(By.CSS_SELECTOR, ".court-name").text == COURT
    shown = {
        el.get_attribute("data-stat"): int(el.find_element(By.CSS_SELECTOR, ".stat-value").text.replace(",", ""))
        for el in panel.find_elements(By.CSS_SELECTOR, ".stat")
    }
    assert shown == expected
    labels = [el.text for el in panel.find_elements(By.CSS_SELECTOR, ".stat-label")]
    assert f"{today.year}年新收（不含执保）" in labels and f"{today.year}年结案（不含执保）" in labels
    chips = {el.text: el.get_attribute("href") for el in panel.find_elements(By.CSS_SELECTOR, ".team-chip")}
    assert list(chips) == ["简案团队", "保全团队"]

    cards = {el.get_attribute("data-section"): el for el in driver.find_elements(By.CSS_SELECTOR, ".section-card")}
    assert [s.key for s in SECTIONS] == list(cards)
    titles = [el.find_element(By.CSS_SELECTOR, ".section-title").text for el in cards.values()]
    assert titles == ["指挥中心大屏", "会商分析", "会议模式", "指挥中心", "团队工作台", "督办", "运行状态"]
    expected_href = {s.key: server.page(s.href) for s in SECTIONS} | {"team": chips["简案团队"]}
    for key, card in cards.items():
        if "is-disabled" in card.get_attribute("class"):  # its page is not installed yet
            assert card.tag_name == "div" and "建设中" in card.text, key
        else:
            assert card.get_attribute("href") == expected_href[key], key
    assert cards["health"].get_attribute("href") == server.page("/healthz")
    assert console_errors(driver) == []


def test_empty_database_explains_how_to_load_the_demo(empty_server, driver) -> None:
    driver.get(empty_server.page("/"))
    wait_for_dash(driver)
    assert wait_for_text(driver, "#home-court", "尚未载入") == "尚未载入法院数据"
    hint = driver.find_element(By.CSS_SELECTOR, ".court-card.is-empty").text
    assert "python -m dashboard seed-demo" in hint
    assert console_errors(driver) == []


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[16:24]
    return int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160)])
def test_start_page_fits_large_screens(
    seeded_server, driver, tmp_path: Path, width: int, height: int
) -> None:
    """No horizontal scrolling at wall/desk resolutions; the screenshot is a real PNG."""
    server, _, _ = seeded_server
    driver.get(server.page("/"))
    wait_for_dash(driver)
    wait_for_text(driver, "#home-court", COURT)
    path = screenshot(driver, tmp_path / "home.png", width, height)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert _png_size(path) == (width, height)
    overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_start_page_on_the_demo_court(demo_server, driver) -> None:
    """With the seeded demo court, the page names it and its counts equal plain SQL counts."""
    engine = make_engine(demo_server.db_url)
    with engine.connect() as conn:
        total, still_open = conn.execute(text(
            "SELECT COUNT(*), SUM(CASE WHEN closed_on IS NULL THEN 1 ELSE 0 END) FROM cases "
            "WHERE category IN ('first', 'resumed')"  # the wall's court scope (不含执保)
        )).one()
        # the case-handling teams: the 执行指挥中心 is not a team of zeros (it has /center)
        teams = conn.execute(text("SELECT COUNT(*) FROM teams WHERE kind <> 'center'")).scalar_one()
    engine.dispose()
    driver.get(demo_server.page("/"))
    wait_for_dash(driver)
    assert wait_for_text(driver, "#home-court", COURT) == f"当前数据：{COURT}（内0221）"
    shown = {
        el.get_attribute("data-stat"): int(el.find_element(By.CSS_SELECTOR, ".stat-value").text.replace(",", ""))
        for el in driver.find_elements(By.CSS_SELECTOR, ".court-card .stat")
    }
    assert (shown["cases"], shown["open_cases"], shown["teams"]) == (total, still_open, teams)
    assert total > 1000
    assert console_errors(driver) == []


_SPANS_JS = """
const out = {};
for (const n of [3, 4, 5, 6, 7]) {
  const grid = document.createElement('div');
  grid.className = 'section-grid';
  for (let i = 0; i < n; i++) { grid.appendChild(document.createElement('div')); }
  document.body.appendChild(grid);
  out[n] = Array.from(grid.children).map(c => getComputedStyle(c).gridColumnStart);
  grid.remove();
}
return out;
"""


def test_section_cards_fill_the_rows_by_their_number(seeded_server, driver) -> None:
    """Six tracks: three cards to a row; with four or five the last row's cards take three
    tracks each (no gap); six or more stay three to a row (assets/base.css, said without `:has()`)."""
    server, _, _ = seeded_server
    driver.get(server.page("/"))
    wait_for_dash(driver)
    spans = driver.execute_script(_SPANS_JS)
    two, three = "span 2", "span 3"
    assert spans == {"3": [two] * 3, "4": [two] * 3 + [three], "5": [two] * 3 + [three] * 2,
                     "6": [two] * 6, "7": [two] * 7}
    # the cards arrive by the viewer's callback after the layout: a slow box shows the empty grid first
    tops = wait_until(
        lambda: [el.location["y"] for el in driver.find_elements(By.CSS_SELECTOR, ".section-grid > .section-card")],
        message="the home page's section cards never appeared")
    assert len(tops) == 7 and len(set(tops[:3])) == 1 and len(set(tops[3:6])) == 1 and tops[6] > tops[3] > tops[0]
