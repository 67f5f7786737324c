"""Users, wall tokens and list queries by court (issue #21), on the three databases: the court a
user or token belongs to is validated and audited, an admin of a court manages only its courts,
and the 督办, overview, picker and 分流 queries of a 辖区 scope hold only its courts' rows."""
from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select

from dashboard.cli import cli
from db.auth import audit
from db.auth.access import Principal, Scope
from db.auth.court_bind import CourtRefused, court_id_for
from db.auth.users import create_user, list_users, principal_for, update_user
from db.auth.wall_tokens import (
    issue_wall_token,
    list_wall_tokens,
    revoke_wall_token,
    wall_principal,
)
from db.models import User
from db.models.auth import WallToken
from db.queries.overview import court_teams, loaded_courts, period_counts
from db.queries.people import officer_choices, team_choices
from db.session import make_session_factory, session_scope
from db.supervision import orders as sv
from db.triage.desk import queue, workload
from tests.auth_helpers import PASSWORD
from tests.db.test_case_queries import TODAY
from tests.security.test_court_scope import (
    COURTS,
    TREE,
    case_number,
    new_number,
    officer_name,
    seed_region,
    subject,
    team_name,
)


def _courts(ids: dict, tag: str) -> frozenset[int]:
    return frozenset(ids[f"court:{t}"] for t in TREE[tag])


def _admin_of(ids: dict, tag: str) -> Principal:
    return Principal(user_id=None, username=f"admin-{tag}", display_name="管理员", role="admin",
                     court_id=ids[f"court:{tag}"], court_ids=_courts(ids, tag))


def test_a_users_court_is_validated_audited_and_bounds_what_it_sees(engine: Engine) -> None:
    ids = seed_region(engine)
    with session_scope(make_session_factory(engine)) as s:
        with pytest.raises(ValueError, match="所属法院：不存在编号为 987654 的法院"):
            create_user(s, "nobody1", PASSWORD, "leader", court_id=987654)
        with pytest.raises(ValueError, match="团队：“执行B组”不属于所属法院甲市中级人民法院"):
            create_user(s, "nobody2", PASSWORD, "lead", team_id=ids["team:B"], court_id=ids["court:A"])
        made = create_user(s, "leadA1", PASSWORD, "lead", team_id=ids["team:A1"], court_id=ids["court:A"])
        assert principal_for(made).court_ids == _courts(ids, "A")
        update_user(s, "leadA1", court_id=ids["court:A1"])
        assert principal_for(made).court_ids == frozenset({ids["court:A1"]})
        details = [r["detail"] for r in audit.search(s, action="user_change") if r["target"] == "leadA1"]
        assert "所属法院 甲市中级人民法院（内02）" in details[-1]  # created …
        assert "所属法院 甲市中级人民法院（内02）→甲一区人民法院（内0221）" in details[0]  # … then moved
        with pytest.raises(ValueError, match="所属法院：不存在代字为“内99”的法院（已有：内02、"):
            court_id_for(s, "内99")
        assert court_id_for(s, "内0221") == ids["court:A1"] and court_id_for(s, " ") is None


def test_an_admin_of_a_court_manages_only_its_courts(engine: Engine) -> None:
    ids = seed_region(engine)
    admin_a = _admin_of(ids, "A")
    with session_scope(make_session_factory(engine)) as s:
        names = {u["username"] for u in list_users(s, admin_a.court_ids)}
        assert names == {"centerA", "leaderA", "adminA", "centerA1", "userA2"}
        assert {u["court"] for u in list_users(s) if u["username"] in ("centerAll", "userB")} == {
            "本系统全部法院", "乙市中级人民法院"}
        for attempt in (
            lambda: create_user(s, "x1", PASSWORD, "leader", court_id=ids["court:B"], by=admin_a),
            lambda: create_user(s, "x2", PASSWORD, "leader", court_id=None, by=admin_a),
            lambda: update_user(s, "userB", role="center", by=admin_a),
            lambda: update_user(s, "userA2", court_id=ids["court:B1"], by=admin_a),
            lambda: issue_wall_token(s, "偷看", admin_a, ids["court:B"]),
            lambda: revoke_wall_token(s, ids["token:B"], admin_a),
            lambda: revoke_wall_token(s, 987654, admin_a),  # same answer as another court's token
        ):
            with pytest.raises(CourtRefused, match="不在您可管理的法院范围内") as refused:
                attempt()
            assert "乙" not in str(refused.value)  # the other court is not named to the admin
        with pytest.raises(ValueError, match="用户名：不存在用户“ghost”或其不在您可管理的法院范围内"):
            update_user(s, "ghost", role="center", by=admin_a)
        update_user(s, "userA2", court_id=ids["court:A1"], by=admin_a)
        token_id, _ = issue_wall_token(s, "甲一屏", admin_a, ids["court:A1"])
        assert [t["screen"] for t in list_wall_tokens(s, court_ids=admin_a.court_ids)] == ["A大屏", "甲一屏"]
        token = s.get(WallToken, token_id)
        assert wall_principal(token).court_ids == frozenset({ids["court:A1"]})
        assert s.scalars(select(User.court_id).where(User.username == "userB")).one() == ids["court:B"]


def test_supervision_overview_pickers_and_triage_hold_only_the_scopes_courts(engine: Engine) -> None:
    ids = seed_region(engine)
    scope_a = Scope(court=True, court_ids=_courts(ids, "A"))
    scope_a1 = Scope(court=True, court_ids=_courts(ids, "A1"))
    everything = Scope(court=True)
    with session_scope(make_session_factory(engine)) as s:
        subjects = {o["subject"] for o in sv.list_orders(s, TODAY, scope=scope_a)}
        assert subjects == {subject(t) for t in ("A", "A1", "A2")}
        assert {o["subject"] for o in sv.list_orders(s, TODAY, scope=everything)} == {subject(t) for t in COURTS}
        assert sv.get_order(s, ids["order:B"], TODAY, scope=scope_a) is None
        assert sv.get_order(s, ids["order:A2"], TODAY, scope=scope_a1) is None
        assert sv.status_counts(s, TODAY, scope_a1)["open"] == 1
        assert [r["name"] for r in sv.team_stats(s, TODAY, scope=scope_a)] == [team_name(t) for t in ("A", "A1", "A2")]
        choices = sv.target_choices(s, scope_a1)
        assert [t["name"] for t in choices["teams"]] == [team_name("A1")]
        assert [o["name"] for o in choices["officers"]] == [officer_name("A1")]
        with pytest.raises(Exception, match="不存在"):
            sv.case_id_by_number(s, case_number("B"), scope_a)
        assert sv.case_id_by_number(s, case_number("A2"), scope_a) == ids["case:A2"]
        assert sv.target_court(s, "team", team_id=ids["team:B1"]) == ids["court:B1"]
        courts = loaded_courts(s, scope_a)
        assert [c["name"] for c in courts] == [COURTS[t][1] for t in ("A", "A1", "A2")]
        assert all(c["cases"] == 2 and c["teams"] == 1 for c in courts)
        assert len(loaded_courts(s)) == 5
        counts = period_counts(s, dt.date(2022, 1, 1), TODAY, scope_a1)
        assert set(counts) == {ids["court:A1"]} and counts[ids["court:A1"]]["filed"] == 2
        assert set(court_teams(s, scope_a)) == {ids[f"court:{t}"] for t in ("A", "A1", "A2")}
        assert [t["label"] for t in team_choices(s, scope_a1.court_ids)] == [team_name("A1")]
        assert [o["label"].split("（")[0] for o in officer_choices(s, scope_a1.court_ids)] == [officer_name("A1")]
        rows = queue(s, TODAY, court_ids=scope_a.court_ids)
        assert {r["case_number"] for r in rows} <= {new_number(t) for t in ("A", "A1", "A2")}
        assert [t["name"] for t in workload(s, court_ids=scope_a1.court_ids)] == [team_name("A1")]


def test_the_cli_binds_users_and_tokens_to_a_court_by_code(sqlite_engine: Engine) -> None:
    ids = seed_region(sqlite_engine)
    url = sqlite_engine.url.render_as_string(hide_password=False)

    def run(*args: str, stdin: str = ""):
        return CliRunner().invoke(cli, list(args), input=stdin, env={"DASHBOARD_DATABASE_URL": url},
                                  catch_exceptions=False)

    added = run("user", "add", "wangA1", "--role", "center", "--court", "内0221", "--password-stdin",
                stdin="Center#pw-2026x\n")
    assert added.exit_code == 0 and "已新增用户 wangA1（指挥中心，所属法院 内0221）" in added.output
    wrong = run("user", "add", "wangX", "--role", "center", "--court", "内99", "--password-stdin",
                stdin="Center#pw-2026x\n")
    assert wrong.exit_code == 1 and "所属法院：不存在代字为“内99”的法院" in wrong.output
    moved = run("user", "court", "wangA1", "--court", "内02")
    assert moved.exit_code == 0 and "所属法院 内02" in moved.output
    listed = [line.split("\t") for line in run("user", "list").output.splitlines()]
    assert listed[0][3] == "所属法院" and ["wangA1", "wangA1", "指挥中心", "甲市中级人民法院"] == next(
        r for r in listed if r[0] == "wangA1")[:4]
    assert run("user", "court", "wangA1", "--court", "all").exit_code == 0
    issued = run("wall-token", "issue", "--screen", "乙一大屏", "--court", "内0521")
    assert issued.exit_code == 0 and "所属法院 内0521" in issued.output
    tokens = run("wall-token", "list").output
    assert "乙一大屏\t乙一区人民法院" in tokens and "A大屏\t甲市中级人民法院" in tokens
    with session_scope(make_session_factory(sqlite_engine)) as s:
        assert s.scalars(select(User.court_id).where(User.username == "wangA1")).one() is None
        assert s.scalars(select(WallToken.court_id).where(WallToken.screen == "乙一大屏")).one() == ids["court:B1"]
