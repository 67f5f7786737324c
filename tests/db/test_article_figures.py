"""The demo court reproduces the article's figures through compute() and the CLI.

`check_team_figures` and `check_court_figures` read 土默特右旗's figures wherever it sits: alone,
or as one of the 中院 mode's courts (tests/db/test_demo_region.py)."""
from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.cli import cli
from db.demo import seed_demo
from db.indicators import Period, compute
from db.models import Court, Team

TODAY = dt.date(2022, 10, 1)
TEAM_YEAR = Period.parse("2021-10-01:2022-09-30")
COURT_2022 = Period.parse("2022-01-01:2022-09-30")
COURT_2021 = Period.parse("2021-01-01:2021-09-30")


def _team_id(engine, name: str) -> int:
    """The article court's team of that name (other courts of the 中院 mode have one too)."""
    with Session(engine) as session:
        return session.scalar(select(Team.id).where(Team.name == name, Team.court_id == _court_id(engine)))


def _court_id(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(Court.id).where(Court.name == "包头市土默特右旗人民法院"))


def _team(engine, name: str) -> dict:
    with Session(engine) as session:
        (row,) = compute(session, "team", ids=[_team_id(engine, name)], period=TEAM_YEAR)
    return row["indicators"]


def test_simple_and_preservation_teams(engine) -> None:
    seed_demo(engine, today=TODAY)
    check_team_figures(engine)


def check_team_figures(engine) -> None:
    """The 简案团队 and 保全团队 figures of 2021-10-01..2022-09-30 as published."""
    simple = _team(engine, "简案团队")
    assert (simple["accepted"]["numerator"], simple["closed"]["numerator"]) == (810, 707)
    assert simple["closure_rate"]["display"] == "87.28%"
    assert simple["completed"]["numerator"] == 248
    assert simple["completion_rate"]["display"] == "30.61%"
    assert simple["avg_days"]["display"] == "42天"
    preservation = _team(engine, "保全团队")
    assert (preservation["accepted"]["numerator"], preservation["closed"]["numerator"]) == (216, 214)
    assert preservation["closure_rate"]["display"] == "99%"
    assert preservation["preservation_rate"]["display"] == "99%"
    assert preservation["avg_days"]["display"] == "10天"


def test_court_year_on_year(engine) -> None:
    seed_demo(engine, today=TODAY)
    check_court_figures(engine)


def check_court_figures(engine) -> None:
    """The court's 结案率 and 首执平均用时, 2022 vs 2021 (Jan–Sep), as published."""
    with Session(engine) as session:
        (court,) = compute(session, "court", ids=[_court_id(engine)], period=COURT_2022,
                           compare=COURT_2021)
    ind = court["indicators"]
    assert ind["closure_rate"]["display"] == "81.21%"
    assert ind["closure_rate"]["compare_display"] == "49.72%"
    assert ind["closure_rate"]["delta_display"] == "+31.49个百分点"
    first = ind["first_avg_days"]
    assert (first["display"], first["compare_display"]) == ("83.65天", "135.91天")
    assert first["delta_display"] == "-52.26天（-38.45%）"


def test_article_figures_through_the_cli(sqlite_engine) -> None:
    seed_demo(sqlite_engine, today=TODAY)
    env = {"DASHBOARD_DATABASE_URL": sqlite_engine.url.render_as_string(hide_password=False),
           "DASHBOARD_INDICATOR_SETTINGS": ""}
    runner = CliRunner()
    teams = runner.invoke(cli, ["indicators", "--period", str(TEAM_YEAR), "--scope", "team",
                                "--format", "json"], env=env, catch_exceptions=False)
    by_name = {t["name"]: t["indicators"] for t in json.loads(teams.output)}
    assert by_name["简案团队"]["closure_rate"]["display"] == "87.28%"
    assert by_name["简案团队"]["completion_rate"]["display"] == "30.61%"
    assert by_name["简案团队"]["avg_days"]["display"] == "42天"
    assert by_name["保全团队"]["closure_rate"]["display"] == "99%"
    assert by_name["保全团队"]["preservation_rate"]["display"] == "99%"
    court = runner.invoke(cli, ["indicators", "--period", str(COURT_2022), "--compare",
                                str(COURT_2021), "--id", str(_court_id(sqlite_engine)),
                                "--format", "json"], env=env, catch_exceptions=False)
    (row,) = json.loads(court.output)
    assert row["indicators"]["closure_rate"]["display"] == "81.21%"
    assert row["indicators"]["closure_rate"]["delta_display"] == "+31.49个百分点"
    first = row["indicators"]["first_avg_days"]
    assert (first["display"], first["compare_display"]) == ("83.65天", "135.91天")
    assert first["delta_display"] == "-52.26天（-38.45%）"
