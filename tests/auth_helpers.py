"""Signing in from tests: users in a database, and Flask test clients that sign in like a browser.

    user = make_user(engine, "lead", team_id=2)          # or make_user(url, "center")
    login(client, user.username, user.password)          # a Flask test client, now signed in

`login` also gives the client a same-site Origin header (the app refuses cross-site POSTs), so
later `client.post("/_dash-update-component", json=...)` calls pass the CSRF origin check.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from sqlalchemy import Engine

from db.auth.users import create_user
from db.session import make_engine, make_session_factory, session_scope

PASSWORD = "Test#pass-2026"
SITE = "http://localhost"
_serial = itertools.count(1)


@dataclass(frozen=True)
class TestUser:
    __test__ = False  # not a pytest test class
    id: int
    username: str
    password: str
    role: str
    team_id: int | None
    officer_id: int | None


def make_user(engine_or_url: Engine | str, role: str, *, username: str | None = None,
              password: str = PASSWORD, **kw) -> TestUser:
    """Create an active user with `role` (kw: display_name, team_id, officer_id)."""
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    name = username or f"{role}{next(_serial)}"
    try:
        with session_scope(make_session_factory(engine)) as session:
            user = create_user(session, name, password, role, **kw)
            made = TestUser(user.id, name, password, role, user.team_id, user.officer_id)
    finally:
        if isinstance(engine_or_url, str):
            engine.dispose()
    return made


def same_site(client, origin: str = SITE) -> None:
    """Send this site's Origin with every request of `client` (as a browser does on POST)."""
    client.environ_base["HTTP_ORIGIN"] = origin


def csrf_from(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no csrf_token in the form"
    return found.group(1)


def login(client, username: str, password: str = PASSWORD, next_path: str = ""):
    """Sign `client` in through the real /login form; return the POST's response."""
    same_site(client)
    form = client.get("/login")
    data = {"csrf_token": csrf_from(form.get_data(as_text=True)), "username": username,
            "password": password, "next": next_path}
    return client.post("/login", data=data)


def copy_session(source, target) -> None:
    """Give `target` the signed session cookie (and Origin) of the signed-in `source` client."""
    from dashboard.auth.session import COOKIE

    cookie = source.get_cookie(COOKIE)
    assert cookie is not None, "source client is not signed in"
    target.set_cookie(COOKIE, cookie.value)
    same_site(target)
