"""Finding 6: a wall-token link does not replace a signed-in session without a confirmation
(an <img src=/wall/token/…> on another page must not sign a lead's browser into the wall)."""
from __future__ import annotations

from db.auth.wall_tokens import issue_wall_token
from db.session import session_scope
from tests.auth_helpers import csrf_from, login, make_user


def test_a_token_link_asks_a_signed_in_browser_first(app, court) -> None:
    state = app.server.extensions["dashboard"]
    with session_scope(state.sessions) as db:
        _id, token = issue_wall_token(db, "大厅主屏", None)
    lead = make_user(state.engine, "lead", team_id=court["team_simple"])
    client = app.server.test_client()
    assert login(client, lead.username).status_code == 302
    reply = client.get(f"/wall/token/{token}")  # what an <img> or a link would do
    assert reply.status_code == 200 and "切换为大屏登录" in reply.get_data(as_text=True)
    assert client.get("/login").headers["Location"].startswith(f"/team/{court['team_simple']}")  # still the lead
    assert client.get(f"/wall?token={token}").status_code == 200  # the other form of the link asks too
    assert client.get("/login").headers["Location"].startswith("/team/")
    page = client.get(f"/wall/token/{token}").get_data(as_text=True)
    evil = app.server.test_client()
    evil.set_cookie("dashboard_session", client.get_cookie("dashboard_session").value)
    assert evil.post("/wall/token", data={"token": token, "csrf_token": csrf_from(page)},
                     headers={"Origin": "http://evil.example"}).status_code == 403  # cross-site
    assert client.post("/wall/token", data={"token": token, "csrf_token": "forged"}).status_code == 400
    confirmed = client.post("/wall/token", data={"token": token, "csrf_token": csrf_from(page)})
    assert confirmed.status_code == 302 and confirmed.headers["Location"].startswith("/wall")
    assert client.get("/login").headers["Location"].startswith("/wall")  # now the wall screen


def test_a_browser_without_a_session_signs_in_directly(app) -> None:
    state = app.server.extensions["dashboard"]
    with session_scope(state.sessions) as db:
        _id, token = issue_wall_token(db, "大厅主屏", None)
    client = app.server.test_client()
    reply = client.get(f"/wall/token/{token}")
    assert reply.status_code == 302 and reply.headers["Location"].startswith("/wall")
