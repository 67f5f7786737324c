"""The sign-in store on SQLite, PostgreSQL and MariaDB: users, the audit log, wall tokens, throttling."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from db.auth import audit
from db.auth.access import Principal
from db.auth.login_throttle import Limits, locked_until, reserve_attempt, settle_attempt
from db.auth.users import (
    authenticate,
    create_user,
    list_users,
    principal_for,
    set_active,
    set_password,
    update_user,
)
from db.auth.wall_tokens import (
    issue_wall_token,
    list_wall_tokens,
    revoke_wall_token,
    token_active,
    use_wall_token,
)
from db.models import AuditEntry, WallToken
from db.models.auth import AppendOnlyError
from db.session import make_session_factory, session_scope
from tests.db.snapshot_data import seed

GOOD = "Court#pass-2026"
ADMIN = Principal(user_id=None, username="root-admin", display_name="管理员", role="admin")


@pytest.fixture
def db(engine: Engine):
    with session_scope(make_session_factory(engine)) as session:
        org = seed(session)
        yield session, org


def test_create_user_checks_every_field(db) -> None:
    session, _ = db
    team = session.execute(text("SELECT id FROM teams WHERE name = '简案团队'")).scalar()
    officer = session.execute(text("SELECT id FROM officers WHERE name = '张法官'")).scalar()
    create_user(session, "zhang", GOOD, "center")
    cases = [
        (("zhang", GOOD, "center"), {}, "用户名：“zhang”已存在"),
        (("li", GOOD, "boss"), {}, "角色：未知角色“boss”"),
        (("li", GOOD, "wall"), {}, "大屏令牌"),
        (("li", "short1!", "center"), {}, "密码：密码至少 10 个字符"),
        (("li", "abcdefghijkl", "center"), {}, "密码：密码须包含"),
        (("li", "li-Secret-2026", "center"), {}, "密码：密码不能包含用户名"),
        (("li", GOOD, "lead"), {}, "团队：团队长必须指定所在团队"),
        (("li", GOOD, "officer"), {}, "干警：承办人必须绑定干警"),
        (("li", GOOD, "lead"), {"team_id": 999_999}, "团队：不存在编号为 999999 的团队"),
        (("li", GOOD, "officer"), {"officer_id": 999_999}, "干警：不存在编号为 999999 的干警"),
        (("a b", GOOD, "center"), {}, "用户名：应为"),
    ]
    for args, kw, message in cases:
        with pytest.raises(ValueError, match=message):
            create_user(session, *args, **kw)
    lead = create_user(session, "lead1", GOOD, "lead", team_id=team, display_name="团队长甲")
    clerk = create_user(session, "off1", GOOD, "officer", officer_id=officer)
    assert (lead.team_id, clerk.officer_id, clerk.team_id) == (team, officer, team)
    names = [(u["username"], u["role_label"], u["team"], u["officer"]) for u in list_users(session)]
    assert names == [("lead1", "团队长", "简案团队", ""), ("off1", "承办人", "简案团队", "张法官"),
                     ("zhang", "指挥中心", "", "")]


def test_password_is_a_salted_hash_and_authenticate_checks_it(db) -> None:
    session, _ = db
    one = create_user(session, "one", GOOD, "center")
    two = create_user(session, "two", GOOD, "leader")
    assert GOOD not in one.password_hash and one.password_hash.startswith("scrypt:")
    assert one.password_hash != two.password_hash  # own salt each
    assert authenticate(session, "one", GOOD).id == one.id
    assert authenticate(session, "one", GOOD + "x") is None
    assert authenticate(session, "nobody", GOOD) is None
    set_password(session, "one", "New#pass-2027")
    assert authenticate(session, "one", GOOD) is None
    assert authenticate(session, "one", "New#pass-2027").id == one.id
    set_active(session, "one", False)
    assert authenticate(session, "one", "New#pass-2027") is None
    set_active(session, "one", True)
    principal = principal_for(authenticate(session, "one", "New#pass-2027"))
    assert (principal.username, principal.role, principal.role_label) == ("one", "center", "指挥中心")
    assert principal.extra["stamp"] and len(principal.extra["stamp"]) == 16


def test_user_changes_are_audited(db) -> None:
    session, _ = db
    team = session.execute(text("SELECT id FROM teams WHERE name = '保全团队'")).scalar()
    create_user(session, "u1", GOOD, "center", by=ADMIN)
    update_user(session, "u1", role="lead", team_id=team, by=ADMIN)
    set_active(session, "u1", False, by=ADMIN)
    set_password(session, "u1", "Other#pass-99")
    rows = audit.search(session, action="user_change")
    details = [(r["actor"], r["target"], r["detail"]) for r in reversed(rows)]
    assert details[0] == ("root-admin", "u1", "新增用户，角色 指挥中心，所属法院 本系统全部法院")
    assert details[1][2].startswith("修改：角色 指挥中心→团队长；团队 None→")
    assert details[2] == ("root-admin", "u1", "停用")
    assert details[3] == ("", "u1", "重设密码")


def test_audit_log_records_searches_and_cannot_be_changed(db) -> None:
    session, _ = db
    early = dt.datetime(2026, 1, 1, 8, 0)
    audit.record(session, actor=ADMIN, action="export", target="cases.xlsx", detail="结案率 清单", ip="10.0.0.7")
    audit.record(session, actor=None, action="login_failed", target="mallory", ip="10.9.9.9", outcome="failed")
    with pytest.raises(ValueError, match="未知的审计动作"):
        audit.record(session, actor=None, action="drop_tables")
    with pytest.raises(ValueError, match="未知的审计结果"):
        audit.record(session, actor=None, action="export", outcome="maybe")
    assert [r["action"] for r in audit.search(session)] == ["login_failed", "export"]
    assert [r["action_label"] for r in audit.search(session, actor="root-admin")] == ["导出"]
    assert [r["target"] for r in audit.search(session, text="结案率")] == ["cases.xlsx"]
    assert [r["target"] for r in audit.search(session, text="10.9.")] == ["mallory"]
    assert audit.search(session, text="%") == []  # wildcards are literal
    assert len(audit.search(session, since=early, until=dt.datetime(2100, 1, 1))) == 2
    assert audit.search(session, until=early) == []
    assert len(audit.search(session, since=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))) == 2
    assert [r["outcome_label"] for r in audit.search(session, outcome="failed")] == ["失败"]
    assert len(audit.search(session, limit=1)) == 1
    # no update/delete API, and the ORM refuses to change or delete a row
    session.commit()
    assert not [name for name in dir(audit) if name.startswith(("update", "delete", "remove", "edit"))]
    entry = session.scalars(select(AuditEntry)).first()
    entry.detail = "篡改"
    with pytest.raises(AppendOnlyError, match="只能追加"):
        session.flush()
    session.rollback()
    entry = session.scalars(select(AuditEntry)).first()
    assert entry.detail != "篡改"
    session.delete(entry)
    with pytest.raises(AppendOnlyError, match="不能删除"):
        session.flush()
    session.rollback()
    assert len(audit.search(session)) == 2


def test_wall_tokens_store_only_a_hash(db) -> None:
    session, _ = db
    token_id, plaintext = issue_wall_token(session, "大厅主屏", ADMIN)
    assert len(plaintext) >= 40
    stored = session.get(WallToken, token_id)
    assert plaintext not in (stored.token_hash, stored.screen) and len(stored.token_hash) == 64
    assert use_wall_token(session, plaintext).id == token_id
    assert use_wall_token(session, plaintext[:-1] + "x") is None
    assert token_active(session, token_id)
    with pytest.raises(ValueError, match="屏幕名称"):
        issue_wall_token(session, "  ", ADMIN)
    revoke_wall_token(session, token_id, ADMIN)
    assert use_wall_token(session, plaintext) is None and not token_active(session, token_id)
    with pytest.raises(ValueError, match="已于 .* 吊销"):
        revoke_wall_token(session, token_id, ADMIN)
    with pytest.raises(ValueError, match="不存在编号为 424242"):
        revoke_wall_token(session, 424242, ADMIN)
    (row,) = list_wall_tokens(session)
    assert (row["screen"], row["active"], row["revoked_by"]) == ("大厅主屏", False, "root-admin")
    actions = [r["action"] for r in audit.search(session)]
    assert actions == ["wall_token_revoke", "wall_token_issue"]


def test_throttle_locks_a_username_and_an_address(engine: Engine) -> None:
    factory = make_session_factory(engine)
    now = dt.datetime(2026, 11, 26, 12, 0)
    limits = Limits(5, 5, dt.timedelta(minutes=15), dt.timedelta(minutes=15))

    def attempt(user: str, ip: str, at: dt.datetime, ok: bool = False):
        until = reserve_attempt(factory, user, ip, at, limits)
        if until is None:
            with session_scope(factory) as session:
                settle_attempt(session, user, ip, ok)
        return until

    for i in range(5):
        assert attempt("zhang", "10.0.0.1", now + dt.timedelta(minutes=i)) is None
    until = now + dt.timedelta(minutes=4) + limits.lockout
    assert attempt("zhang", "10.0.0.2", now + dt.timedelta(minutes=5)) == until  # the username
    assert attempt("wang", "10.0.0.1", now + dt.timedelta(minutes=5)) == until  # the address
    assert attempt("wang", "10.0.0.2", now + dt.timedelta(minutes=5)) is None
    assert attempt("zhang", "10.0.0.2", until + dt.timedelta(seconds=1)) is None  # lock over
    # failures spread wider than the window do not lock
    for i in range(6):
        assert attempt("li", "10.0.0.3", now + dt.timedelta(minutes=4 * i)) is None
    # a success clears the username's failures
    for i in range(4):
        attempt("zhao", "10.0.0.4", now + dt.timedelta(minutes=i))
    assert attempt("zhao", "10.0.0.5", now + dt.timedelta(minutes=5), ok=True) is None
    with session_scope(factory) as session:
        assert locked_until(session, "zhao", "10.0.0.6", now + dt.timedelta(minutes=6), limits) is None
    for i in range(4):
        assert attempt("zhao", "10.0.0.6", now + dt.timedelta(minutes=6 + i)) is None


def test_the_address_limit_is_its_own_number(engine: Engine) -> None:
    factory = make_session_factory(engine)
    now = dt.datetime(2026, 11, 26, 12, 0)
    window = lockout = dt.timedelta(minutes=15)

    def attempt(user: str, ip: str, at: dt.datetime, per_ip: int):
        return reserve_attempt(factory, user, ip, at, Limits(5, per_ip, window, lockout))

    for i in range(6):  # six people behind one NAT address mistype once each
        assert attempt(f"user{i}", "10.0.0.1", now + dt.timedelta(minutes=i), per_ip=20) is None
    at = now + dt.timedelta(minutes=6)
    assert attempt("user9", "10.0.0.1", at, per_ip=6) == now + dt.timedelta(minutes=5) + lockout
    assert attempt("user9", "10.0.0.1", at, per_ip=0) is None  # 0: no address limit

