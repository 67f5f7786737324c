"""The demo's 中院 mode (db.demo.region), seeded once per backend at a small scale: nine courts in
a tree, each with its own teams, officers, cases (numbered with its own 法院代字), events and
案款; the profiles show in the indicators; 土默特右旗's published figures are unchanged; the
court-bound demo users see their court's subtree. On SQLite the region is seeded through the CLI
(`seed-demo --region`), as `make run-region` documents it."""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from dashboard.cli import cli
from dashboard.config import ROOT, load_settings
from db.auth.users import principal_for
from db.demo import seed_region
from db.demo.profiles import INTERMEDIATE_CODE, REGION
from db.demo.users import DEMO_USERS, REGION_USERS, ensure_demo_users
from db.indicators import Period, compute
from db.models import Case, CaseEvent, Court, Officer, Payment, Team, User
from db.org.courts import court_tree, descendants
from db.session import make_engine
from tests.backends import BACKENDS, clear_all
from tests.db.test_article_figures import TODAY, check_court_figures, check_team_figures

SCALE = 0.08
YEAR = Period.parse("2022-01-01:2022-09-30")


@pytest.fixture(scope="module", params=BACKENDS)
def region(request: pytest.FixtureRequest, migrated_urls: dict[str, str]) -> Iterator[Engine]:
    eng = make_engine(migrated_urls[request.param])
    clear_all(eng)
    if request.param == "sqlite":
        url = eng.url.render_as_string(hide_password=False)
        out = CliRunner().invoke(cli, ["seed-demo", "--region", "--scale", str(SCALE), "--today", str(TODAY)],
                                 env={"DASHBOARD_DATABASE_URL": url}, catch_exceptions=False)
        assert out.exit_code == 0, out.output
        assert "courts=9" in out.output and "zy-center" in out.output
    else:
        seed_region(eng, today=TODAY, scale=SCALE)
        with Session(eng) as session:
            ensure_demo_users(session)
            session.commit()
    yield eng
    clear_all(eng)
    eng.dispose()


def _courts(eng: Engine) -> dict[str, Court]:
    with Session(eng) as session:
        return {c.code: c for c in session.scalars(select(Court))}


def test_nine_courts_in_a_tree(region: Engine) -> None:
    courts = _courts(region)
    assert set(courts) == {p.code for p in REGION}
    top = courts[INTERMEDIATE_CODE]
    assert (top.name, top.level, top.parent_id) == ("包头市中级人民法院", "intermediate", None)
    basic = [c for c in courts.values() if c is not top]
    assert len(basic) == 8 and {c.level for c in basic} == {"basic"}
    assert {c.parent_id for c in basic} == {top.id}
    assert {c.name for c in basic} >= {"包头市土默特右旗人民法院"}
    assert courts["内0221"].short_name == "土右旗法院"
    with Session(region) as session:
        tree = court_tree(session)
    assert [tree[i].code for i in descendants(tree, top.id)] == [p.code for p in REGION]


def test_each_court_has_its_own_organisation_and_cases(region: Engine) -> None:
    courts = _courts(region)
    with Session(region) as session:
        kinds = session.execute(select(Team.court_id, Team.kind, func.count()).group_by(Team.court_id, Team.kind)).all()
        per_court = {(cid, kind): n for cid, kind, n in kinds}
        for court in courts.values():
            assert per_court[(court.id, "center")] == 1, court.name
            assert per_court.get((court.id, "simple")) == 1 and per_court.get((court.id, "complex"), 0) >= 1
            officers = session.scalar(select(func.count()).select_from(Officer).where(Officer.court_id == court.id))
            funds = session.scalar(select(func.count()).select_from(Officer).where(
                Officer.court_id == court.id, Officer.duty == "funds"))
            assert officers >= 15 and funds == 1, court.name
        # every case carries its court's own 法院代字, in the column and in the 案号
        rows = session.execute(select(Court.code, Case.court_code, Case.case_number)
                               .join(Court, Court.id == Case.court_id)).all()
        assert rows and all(code == own and f"）{code}执" in number for code, own, number in rows)
        # a case's team and 承办人 belong to the case's court
        stray = session.scalar(select(func.count()).select_from(Case).join(Team, Team.id == Case.team_id)
                               .where(Team.court_id != Case.court_id))
        assert stray == 0
        by_court = dict(session.execute(select(Case.court_id, func.count()).group_by(Case.court_id)).all())
        events = dict(session.execute(select(Case.court_id, func.count()).join(CaseEvent, CaseEvent.case_id == Case.id)
                                      .group_by(Case.court_id)).all())
        money = dict(session.execute(select(Case.court_id, func.count()).join(Payment, Payment.case_id == Case.id)
                                     .group_by(Case.court_id)).all())
    assert set(by_court) == set(events) == set(money) == {c.id for c in courts.values()}
    # sizes follow the profiles: the urban court files the most of the profiled courts, 石拐区 the least
    sizes = {code: by_court[c.id] for code, c in courts.items()}
    profiled = {p.code: sizes[p.code] for p in REGION if not p.article and p.level == "basic"}
    assert max(profiled, key=profiled.__getitem__) == "内0203"
    assert min(profiled, key=profiled.__getitem__) == "内0205"
    assert sizes["内0221"] > 5 * max(profiled.values())  # the article court is the full demo court, unscaled


def _figures(eng: Engine, codes: list[str], keys: list[str]) -> dict[str, dict[str, float]]:
    courts = _courts(eng)
    with Session(eng) as session:
        rows = compute(session, "court", ids=[courts[c].id for c in codes], period=YEAR)
    by_id = {r["id"]: r["indicators"] for r in rows}
    return {c: {k: by_id[courts[c].id][k]["value"] for k in keys} for c in codes}


def test_the_profiles_show_in_the_indicators(region: Engine) -> None:
    codes = [p.code for p in REGION]
    found = _figures(region, codes, ["closure_rate", "payment_timely_rate", "first_avg_days"])
    basic = [c for c in codes if c != INTERMEDIATE_CODE]
    # 东河区: the backlog court has the lowest 结案率 of the region
    assert min(basic, key=lambda c: found[c]["closure_rate"]) == "内0202"
    # 九原区: the court weak on 案款发放 pays out on time least often
    assert min(basic, key=lambda c: found[c]["payment_timely_rate"]) == "内0207"
    # the small 民生 courts close faster than the urban one
    for small in ("内0222", "内0223", "内0205"):
        assert found[small]["first_avg_days"] < found["内0203"]["first_avg_days"], small
    with Session(region) as session:
        courts = _courts(region)
        avg = dict(session.execute(select(Case.court_id, func.avg(Case.target_amount))
                                   .where(Case.category.in_(["first", "resumed"])).group_by(Case.court_id)).all())
    # the 中院 and the urban court carry the highest 标的额; the banner court the lowest
    ranked = sorted(courts, key=lambda c: float(avg[courts[c].id]), reverse=True)
    assert ranked[:2] == [INTERMEDIATE_CODE, "内0203"] and ranked[-1] == "内0223"


def test_tumote_right_banner_keeps_the_published_figures(region: Engine) -> None:
    check_team_figures(region)
    check_court_figures(region)


def test_demo_users_belong_to_their_courts(region: Engine) -> None:
    courts = _courts(region)
    ids = {code: c.id for code, c in courts.items()}
    with Session(region) as session:
        users = {u.username: u for u in session.scalars(select(User))}
        assert {d.username for d in DEMO_USERS + REGION_USERS} <= set(users)
        for demo in DEMO_USERS:  # the single-court sign-ins stay unrestricted
            assert users[demo.username].court_id is None
        for demo in REGION_USERS:
            user = users[demo.username]
            assert user.court_id == ids[demo.court] and user.role == demo.role
            if demo.role == "lead":
                team = session.get(Team, user.team_id)
                assert team is not None and (team.court_id, team.name) == (ids[demo.court], "简案团队")
        top = principal_for(users["zy-center"])
        assert top.court_ids == frozenset(ids.values())
        assert principal_for(users["zy-leader"]).court_ids == frozenset(ids.values())
        assert principal_for(users["kd-center"]).court_ids == frozenset({ids["内0203"]})
        assert principal_for(users["dm-lead"]).court_ids == frozenset({ids["内0223"]})
        # the original demo lead is still the article court's 简案团队 lead
        lead = session.get(Team, users["lead"].team_id)
        assert lead is not None and lead.court_id == ids["内0221"]
        assert ensure_demo_users(session) == []  # idempotent


def test_seed_region_refuses_a_database_with_courts(region: Engine) -> None:
    with pytest.raises(ValueError, match="已有法院数据"):
        seed_region(region, today=TODAY, scale=SCALE)
    with pytest.raises(ValueError, match="规模系数"):
        seed_region(region, today=TODAY, scale=0)


def test_the_cli_refuses_region_with_cases(tmp_path: Path) -> None:
    out = CliRunner().invoke(cli, ["seed-demo", "--region", "--cases", "10"],
                             env={"DASHBOARD_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert out.exit_code != 0 and "不能同时使用" in out.output


def test_make_run_region_serves_the_region_database_as_the_intermediate_court() -> None:
    """The target's command, as make prints it, points at its own SQLite file with 内02 as the
    configured court, seeds the region on start and runs the simulator; the settings parse."""
    # under `make test` the outer make's MAKEFLAGS/MAKELEVEL would make this one print
    # "make[1]: Entering directory …" around the command: run it as a top-level make
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DASHBOARD_") and k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES")}
    # -o: take the install stamp as up to date, so only the target's own command is printed
    shown = subprocess.run(["make", "--no-print-directory", "-n", "-o", ".venv/.installed-runtime", "run-region"],
                           cwd=ROOT,
                           env=env, capture_output=True, text=True, check=True).stdout
    command = shown.strip().replace("\\\n", " ")
    assert command.rstrip().endswith("-m dashboard run")
    found = dict(re.findall(r"(DASHBOARD_[A-Z_]+)=(\S+)", command))
    assert found["DASHBOARD_DATABASE_URL"] == f"'sqlite:///{ROOT / 'instance' / 'region.db'}'"
    assert found["DASHBOARD_DEMO_REGION"] == "1"
    assert found["DASHBOARD_COURT_CODE"] == "${DASHBOARD_COURT_CODE:-内02}"
    assert found["DASHBOARD_SIMULATE"] == "${DASHBOARD_SIMULATE:-1}"
    environ = {"DASHBOARD_DATABASE_URL": found["DASHBOARD_DATABASE_URL"].strip("'"),
               "DASHBOARD_DEMO_REGION": "1", "DASHBOARD_COURT_CODE": INTERMEDIATE_CODE, "DASHBOARD_SIMULATE": "1"}
    settings = load_settings(environ=environ)
    assert settings["DEMO_REGION"] is True and settings["COURT_CODE"] == "内02" and settings["SIMULATE"] is True
    assert settings["DATABASE_URL"] != load_settings(environ={})["DATABASE_URL"]


def test_start_demo_seeds_the_region_when_demo_region_is_set(monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    from flask import Flask

    from dashboard import runtime
    from db import migrate

    url = f"sqlite:///{tmp_path / 'r.db'}"
    migrate.upgrade(url)
    eng = make_engine(url)
    called: list[str] = []
    monkeypatch.setattr(runtime, "seed_region", lambda engine, tz: called.append("region") or
                        {"courts": 9, "cases": 0, "case_events": 0})
    monkeypatch.setattr(runtime, "seed_demo", lambda engine, tz: called.append("court") or
                        {"cases": 0, "case_events": 0})

    class State:
        engine = eng
        settings = {"SEED_DEMO": True, "DEMO_REGION": True}

        @staticmethod
        def sessions() -> Session:
            return Session(eng)

    server = Flask(__name__)
    server.extensions["dashboard"] = State()
    runtime.start_demo(server)
    State.settings = {"SEED_DEMO": True, "DEMO_REGION": False}
    runtime.start_demo(server)
    assert called == ["region", "court"]
    eng.dispose()


def test_the_simulator_works_in_every_court_of_the_region(region: Engine) -> None:
    """Kept last: it writes (at the demo's today, after every period the tests above read)."""
    import random

    from db.demo import simulate_step

    now = dt.datetime(TODAY.year, TODAY.month, TODAY.day, 4, 0)
    with Session(region) as session:
        top = session.scalar(select(func.max(CaseEvent.id)))
        rng = random.Random(5)
        for _ in range(40):
            simulate_step(session, now, rng)
        session.commit()
        written = session.execute(
            select(Case.court_id, Court.code, Case.case_number, Officer.court_id).select_from(CaseEvent)
            .join(Case, Case.id == CaseEvent.case_id).join(Court, Court.id == Case.court_id)
            .outerjoin(Officer, Officer.id == CaseEvent.officer_id).where(CaseEvent.id > top)).all()
    courts = {code for _, code, _, _ in written}
    assert len(courts) >= 4 and "内0221" in courts
    # an event's officer is of the case's own court; a case's number carries its court's code
    assert all(officer_court in (None, court) for court, _, _, officer_court in written)
    assert all(f"）{code}" in number for _, code, number, _ in written)
