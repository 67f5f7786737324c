"""Sign-in over HTTP: redirects and 401s, next/landing, audit entries, throttling, CSRF, headers,
cookies, idle and absolute timeouts, disabled users and revoked wall tokens losing access."""
from __future__ import annotations

import json
import time
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import event

from dashboard.auth.session import KEY
from db.auth import audit
from db.auth.users import set_active, set_password, update_user
from db.auth.wall_tokens import issue_wall_token, revoke_wall_token
from db.session import session_scope
from tests.auth_helpers import PASSWORD, csrf_from, login, make_user, same_site
from tests.test_scheduler_polling import _poll_request

PAGES = ["/", "/analysis", "/team/1", "/wall", "/cases?indicator=closed&start=2022-01-01"]
DATA = ["/_dash-layout", "/_dash-dependencies"]
EXPORTS = ["/export/cases.xlsx", "/export/analysis.xlsx"]


def _db(app):
    return session_scope(app.server.extensions["dashboard"].sessions)


def _audit(app, **kw) -> list[dict]:
    with _db(app) as session:
        return audit.search(session, **kw)


def _signed_in(app, role: str = "center", **binding):
    user = make_user(app.server.extensions["dashboard"].engine, role, **binding)
    client = app.server.test_client()
    assert login(client, user.username).status_code == 302
    return client, user


def test_not_signed_in_pages_redirect_and_data_answers_401(app) -> None:
    client = app.server.test_client()
    same_site(client)
    for path in PAGES:
        reply = client.get(path)
        assert reply.status_code == 302, path
        location = urlsplit(reply.headers["Location"])
        assert location.path == "/login" and parse_qs(location.query)["next"] == [path]
    for path in DATA:
        reply = client.get(path)
        assert reply.status_code == 401 and "未登录" in reply.json["error"], path
    reply = client.post("/_dash-update-component", json={"output": "x.children"})
    assert reply.status_code == 401 and "未登录" in reply.json["error"]
    for path in EXPORTS:
        reply = client.get(path)
        assert reply.status_code == 401 and "未登录" in reply.get_data(as_text=True), path
    for path in ("/ping", "/login", "/assets/base.css", "/assets/auth.css"):
        assert client.get(path).status_code == 200, path
    assert client.get("/healthz").status_code in (200, 503)  # open: freshness, not a redirect


def test_sign_in_returns_to_next_or_the_roles_landing_page(app, court) -> None:
    engine = app.server.extensions["dashboard"].engine
    center = make_user(engine, "center", display_name="值班员甲")
    lead = make_user(engine, "lead", team_id=court["team_keep"])
    officer = make_user(engine, "officer", officer_id=court["officer_zhang"])
    for user, next_path, expected in [
        (center, "/analysis?preset=ytd", "/analysis?preset=ytd"),
        (center, "//evil.example/x", "/"),
        (center, "https://evil.example/", "/"),
        (center, "/\\evil.example", "/"),
        (center, "/login", "/"),
        (lead, "", f"/team/{court['team_keep']}"),
        (officer, "", f"/officer/{court['officer_zhang']}"),
    ]:
        client = app.server.test_client()
        reply = login(client, user.username, next_path=next_path)
        assert reply.status_code == 302 and reply.headers["Location"] == expected, (user.role, next_path)
    client = app.server.test_client()
    login(client, center.username)
    assert client.get("/").status_code == 200
    layout = json.dumps(client.get("/_dash-layout").json, ensure_ascii=False)
    assert "值班员甲" in layout and "指挥中心" in layout and "退出" in layout
    assert client.get("/login").headers["Location"] == "/"  # already signed in


def test_sign_ins_and_sign_outs_are_audited_with_the_address(app) -> None:
    user = make_user(app.server.extensions["dashboard"].engine, "leader")
    client = app.server.test_client()
    bad = login(client, user.username, "Wrong#pass-1")
    assert bad.status_code == 401 and "用户名或密码错误" in bad.get_data(as_text=True)
    assert login(client, "nobody", "Wrong#pass-1").status_code == 401
    assert login(client, user.username).status_code == 302
    page = client.get("/logout")
    assert page.status_code == 200 and "退出登录" in page.get_data(as_text=True)
    out = client.post("/logout", data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    assert out.status_code == 302 and out.headers["Location"] == "/login?bye=1"
    assert client.get("/").status_code == 302
    rows = [(r["action"], r["actor"], r["target"], r["ip"], r["outcome"]) for r in reversed(_audit(app))
            if r["action"] != "user_change"]
    assert rows == [("login_failed", "", user.username, "127.0.0.1", "failed"),
                    ("login_failed", "", "nobody", "127.0.0.1", "failed"),
                    ("login_ok", user.username, user.username, "127.0.0.1", "ok"),
                    ("logout", user.username, user.username, "127.0.0.1", "ok")]


def test_five_failures_lock_the_username_twenty_the_address(app) -> None:
    engine = app.server.extensions["dashboard"].engine
    victim, other = make_user(engine, "center"), make_user(engine, "center")
    client = app.server.test_client()
    for _ in range(5):
        assert login(client, victim.username, "Wrong#pass-1").status_code == 401
    locked = login(client, victim.username)  # the right password, but locked
    assert locked.status_code == 429
    assert "登录失败次数过多，已暂停登录，请约 15 分钟后再试" in locked.get_data(as_text=True)
    # a colleague behind the same (NAT) address is not locked out by one person's typos
    assert login(app.server.test_client(), other.username).status_code == 302
    third = app.server.test_client()
    third.environ_base["REMOTE_ADDR"] = "10.1.2.4"
    assert login(third, victim.username).status_code == 429  # the username stays locked
    # twenty failures from one address lock sign-in from it, whatever the username
    spray = app.server.test_client()
    spray.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    for i in range(20):
        assert login(spray, f"nobody{i}", "Wrong#pass-1").status_code == 401
    assert login(spray, other.username).status_code == 429
    elsewhere = app.server.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert login(elsewhere, other.username).status_code == 302
    assert len(_audit(app, action="login_locked")) == 3
    assert len(_audit(app, action="login_failed")) == 25


def test_proxy_hops_take_the_client_address_from_the_trusted_proxy(app_factory) -> None:
    """DASHBOARD_PROXY_HOPS=1: X-Forwarded-For names the client; without it the header is
    ignored (a client could forge it)."""
    for hops, expected in ((1, "203.0.113.7"), (0, "127.0.0.1")):
        app = app_factory(PROXY_HOPS=hops)
        user = make_user(app.server.extensions["dashboard"].engine, "center")
        client = app.server.test_client()
        client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.7"
        assert login(client, user.username).status_code == 302
        (row,) = [r for r in _audit(app, action="login_ok") if r["target"] == user.username]
        assert row["ip"] == expected, hops


def test_throttling_numbers_are_settings(app_factory) -> None:
    app = app_factory(LOGIN_MAX_FAILURES=2, LOGIN_LOCKOUT_MIN=1)
    user = make_user(app.server.extensions["dashboard"].engine, "center")
    client = app.server.test_client()
    for _ in range(2):
        login(client, user.username, "Wrong#pass-1")
    reply = login(client, user.username)
    assert reply.status_code == 429 and "约 1 分钟" in reply.get_data(as_text=True)


def test_cross_site_posts_and_forms_without_token_are_refused(app) -> None:
    client, user = _signed_in(app)
    body = _poll_request(client, 1, None, None)
    assert client.post("/_dash-update-component", json=body).status_code == 200
    evil = client.post("/_dash-update-component", json=body, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403 and "跨站请求被拒绝" in evil.json["error"]
    client.environ_base.pop("HTTP_ORIGIN")
    assert client.post("/_dash-update-component", json=body).status_code == 403  # no Origin/Referer
    referer = client.post("/_dash-update-component", json=body,
                          headers={"Referer": "http://localhost/analysis"})
    assert referer.status_code == 200
    same_site(client)
    assert client.post("/logout", data={}).status_code == 400  # no token: still signed in
    assert client.get("/").status_code == 200
    fresh = app.server.test_client()
    same_site(fresh)
    form = fresh.get("/login").get_data(as_text=True)
    no_token = fresh.post("/login", data={"username": user.username, "password": PASSWORD})
    assert no_token.status_code == 400 and "页面已过期" in no_token.get_data(as_text=True)
    cross = fresh.post("/login", data={"csrf_token": csrf_from(form), "username": user.username,
                                       "password": PASSWORD}, headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403


def test_security_headers_and_a_policy_dash_works_with(app, app_factory) -> None:
    client, _ = _signed_in(app)
    for path in ("/login", "/", "/_dash-layout", "/ping"):
        headers = (client.get(path) if path != "/login" else app.server.test_client().get(path)).headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self' " in policy and "frame-ancestors 'none'" in policy, path
        assert all(h in policy for h in app.csp_hashes()), path
        assert "'unsafe-eval'" not in policy and "object-src 'none'" in policy
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
    framed = app_factory(FRAME_ANCESTORS="https://oa.court.example").server.test_client().get("/login")
    assert "frame-ancestors https://oa.court.example" in framed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in framed.headers


def _cookie(reply) -> str:
    (header,) = [h for h in reply.headers.getlist("Set-Cookie") if h.startswith("dashboard_session=")]
    return header


@pytest.mark.parametrize(("overrides", "secure"), [
    ({}, False),
    ({"ENV": "production", "SECRET_KEY": "k3Jx9Qw2-Lm8Zr4Tb7Vn1Yc6Hs5Pd0Fg_Ue2Wa9XoRt"}, True),
    ({"ENV": "production", "SECRET_KEY": "k3Jx9Qw2-Lm8Zr4Tb7Vn1Yc6Hs5Pd0Fg_Ue2Wa9XoRt", "COOKIE_SECURE": "0"}, False),
    ({"COOKIE_SECURE": "1"}, True),
])
def test_session_cookie_flags(app_factory, overrides, secure) -> None:
    app = app_factory(**overrides)
    user = make_user(app.server.extensions["dashboard"].engine, "center")
    header = _cookie(login(app.server.test_client(), user.username))
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert ("Secure" in header) is secure
    assert "Expires" not in header  # a desk session ends with the browser


def _age(client, **seconds_ago: int) -> None:
    with client.session_transaction() as session:
        data = dict(session[KEY])
        for key, ago in seconds_ago.items():
            data[key] = int(time.time()) - ago
        session[KEY] = data


def test_idle_and_absolute_timeouts(app_factory) -> None:
    app = app_factory(SESSION_IDLE_MIN=10, SESSION_MAX_H=2)
    client, _ = _signed_in(app)
    _age(client, seen=9 * 60)
    assert client.get("/").status_code == 200  # a page load is activity
    with client.session_transaction() as session:
        assert time.time() - session[KEY]["seen"] < 60
    poll = _poll_request(client, 3, None, None)
    _age(client, seen=5 * 60)
    client.post("/_dash-update-component", json=poll)
    with client.session_transaction() as session:
        assert time.time() - session[KEY]["seen"] >= 5 * 60  # a timer poll is not
    _age(client, seen=11 * 60)
    reply = client.get("/analysis")
    assert reply.status_code == 302 and parse_qs(urlsplit(reply.headers["Location"]).query)["why"] == ["idle"]
    assert "长时间未操作，已自动退出" in client.get(reply.headers["Location"]).get_data(as_text=True)
    (ended,) = _audit(app, action="session_ended")
    assert ended["detail"] == "长时间未操作，已自动退出，请重新登录" and ended["actor_role"] == "center"
    assert client.get("/").status_code == 302  # the session is gone
    client, _ = _signed_in(app)
    _age(client, iat=2 * 3600 + 5)
    reply = client.get("/_dash-layout")
    assert reply.status_code == 401 and "最长有效期" in reply.json["error"]


def test_disabled_user_and_changed_password_lose_access_within_the_recheck(app_factory) -> None:
    app = app_factory(AUTH_RECHECK_S=1)
    for change in (lambda s, u: set_active(s, u, False), lambda s, u: set_password(s, u, "Fresh#pass-77"),
                   lambda s, u: update_user(s, u, role="leader")):
        client, user = _signed_in(app)
        assert client.get("/").status_code == 200
        with _db(app) as session:
            change(session, user.username)
        time.sleep(1.2)  # one re-check interval
        reply = client.get("/")
        assert reply.status_code == 302
        assert parse_qs(urlsplit(reply.headers["Location"]).query)["why"] == ["changed"]
        assert client.get("/").status_code == 302
        assert _audit(app, action="session_ended", actor=user.username)[0]["detail"].startswith("账号状态已变更")


def test_signed_in_requests_issue_no_statements_between_rechecks(app) -> None:
    client, _ = _signed_in(app)
    assert client.get("/_dash-dependencies").status_code == 200  # the process's first re-check pass
    engine = app.server.extensions["dashboard"].engine
    count = {"n": 0}

    def counter(*_args) -> None:
        count["n"] += 1

    event.listen(engine, "before_cursor_execute", counter)
    try:
        for _ in range(20):
            assert client.get("/_dash-dependencies").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    assert count["n"] == 0


def test_recheck_reads_all_sessions_in_one_pass(app_factory) -> None:
    """After the re-check interval, ten signed-in users and a wall cost the database one pass of two
    small statements per process, not one statement per session (load flat in the number of clients)."""
    app = app_factory(AUTH_RECHECK_S=1)
    clients = [_signed_in(app)[0] for _ in range(10)]
    with _db(app) as session:
        _token_id, token = issue_wall_token(session, "大厅主屏", None)
    wall = app.server.test_client()
    assert wall.get(f"/wall/token/{token}").status_code == 302
    engine = app.server.extensions["dashboard"].engine
    statements: list[str] = []

    def counter(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    time.sleep(1.2)  # every session is due for its re-check
    event.listen(engine, "before_cursor_execute", counter)
    try:
        for client in [*clients, wall]:
            assert client.get("/_dash-dependencies").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    assert len(statements) == 4, statements  # users, wall tokens, court tree, live sessions: one pass


def test_wall_token_signs_a_screen_in_until_it_is_revoked(app_factory) -> None:
    app = app_factory(AUTH_RECHECK_S=1, SESSION_IDLE_MIN=1, SESSION_MAX_H=1)
    with _db(app) as session:
        token_id, token = issue_wall_token(session, "大厅主屏", None)
    client = app.server.test_client()
    reply = client.get(f"/wall/token/{token}")
    assert reply.status_code == 302 and reply.headers["Location"] == "/wall?kiosk=1"
    assert "Expires" in _cookie(reply)  # a wall session survives a browser restart
    assert client.get("/wall?kiosk=1").status_code == 200
    _age(client, seen=3 * 3600, iat=3 * 3600)
    assert client.get("/wall?kiosk=1").status_code == 200  # walls do not idle out
    by_query = app.server.test_client().get(f"/wall?token={token}&rotate=0")
    assert by_query.status_code == 302 and by_query.headers["Location"] == "/wall?rotate=0"
    bad = app.server.test_client().get("/wall/token/" + "x" * 43)
    assert bad.status_code == 403 and "大屏令牌无效或已吊销" in bad.get_data(as_text=True)
    with _db(app) as session:
        revoke_wall_token(session, token_id, None)
    time.sleep(1.2)
    assert client.get("/wall?kiosk=1").status_code == 302
    assert app.server.test_client().get(f"/wall/token/{token}").status_code == 403
    outcomes = [(r["action"], r["actor"], r["outcome"]) for r in reversed(_audit(app, action="wall_signin"))]
    assert outcomes == [("wall_signin", "大屏:大厅主屏", "ok"), ("wall_signin", "大屏:大厅主屏", "ok"),
                        ("wall_signin", "", "failed"), ("wall_signin", "", "failed")]


def test_cookie_value_is_signed(app) -> None:
    client, _ = _signed_in(app)
    value = SimpleCookie(f"c={client.get_cookie('dashboard_session').value}")["c"].value
    forged = app.server.test_client()
    forged.set_cookie("dashboard_session", value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert forged.get("/").status_code == 302
