"""Finding 11: the Origin check compares scheme, host and port; exports and callback answers are
`Cache-Control: no-store`; production refuses the development secret key outright.
(The CSRF token's rotation at sign-in is in test_sessions.py.)"""
from __future__ import annotations

import pytest

from dashboard.auth.production import DEV_SECRET, StartupRefused
from tests.auth_helpers import csrf_from, login, make_user


@pytest.mark.parametrize(("origin", "allowed"), [
    ("http://localhost", True), ("http://localhost:80", True), ("https://localhost", False),
    ("http://localhost:8080", False), ("http://localhost.evil.example", False), ("http://evil.example", False),
    ("null", False), ("http://[::1", False),
])
def test_origin_must_match_scheme_host_and_port(app, origin: str, allowed: bool) -> None:
    client = app.server.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    reply = client.post("/login", data={"csrf_token": token, "username": "x", "password": "y"},
                        headers={"Origin": origin})
    assert (reply.status_code != 403) == allowed, (origin, reply.status_code)


def test_exports_and_callbacks_are_not_cached(app, court) -> None:
    user = make_user(app.server.extensions["dashboard"].engine, "center")
    client = app.server.test_client()
    assert login(client, user.username).status_code == 302
    reply = client.get("/export/analysis.xlsx?preset=custom&start=2022-01-01&end=2022-06-30")
    assert reply.status_code == 200 and reply.headers["Cache-Control"] == "no-store"
    assert client.get("/_dash-layout").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("key", [DEV_SECRET, f"{DEV_SECRET}-{'x' * 40}", "change-me"])
def test_production_refuses_the_development_key(app_factory, key: str) -> None:
    with pytest.raises(StartupRefused, match="DASHBOARD_SECRET_KEY"):
        app_factory(ENV="production", SECRET_KEY=key)
