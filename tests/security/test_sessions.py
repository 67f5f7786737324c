"""Finding 3: sessions live on the server (Flask-Login over an auth_sessions row), so logout,
password change, disable and role change end every copy of every cookie of that user at once;
passwords use Werkzeug's hash and old hand-written scrypt hashes are replaced at the next sign-in.
Also finding 11's CSRF rotation at sign-in."""
from __future__ import annotations

import base64
import hashlib

from sqlalchemy import select

from dashboard.auth.session import COOKIE
from db.auth import sessions as server_sessions
from db.auth.users import set_active, set_password, update_user
from db.models import User
from db.models.auth import AuthSession
from db.session import session_scope
from tests.auth_helpers import (
    PASSWORD,
    copy_session,
    csrf_from,
    login,
    make_user,
    same_site,
)


def _db(app):
    return session_scope(app.server.extensions["dashboard"].sessions)


def _client(app, user):
    client = app.server.test_client()
    assert login(client, user.username).status_code == 302
    return client


def _in(client) -> bool:
    return client.get("/_dash-dependencies").status_code == 200


def _logout(client) -> None:
    page = client.get("/logout")
    reply = client.post("/logout", data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    assert reply.status_code == 302


def test_a_copied_cookie_dies_with_logout(app) -> None:
    user = make_user(app.server.extensions["dashboard"].engine, "center")
    victim = _client(app, user)
    thief = app.server.test_client()
    copy_session(victim, thief)
    assert _in(thief)
    _logout(victim)
    assert not _in(victim)
    assert not _in(thief), "a copy of the cookie taken before 退出 must not stay signed in"


def test_logout_ends_every_session_of_that_user(app) -> None:
    engine = app.server.extensions["dashboard"].engine
    user, other = make_user(engine, "center"), make_user(engine, "center")
    desk, laptop, colleague = _client(app, user), _client(app, user), _client(app, other)
    _logout(desk)
    assert not _in(laptop)
    assert _in(colleague)
    with _db(app) as db:
        rows = db.execute(select(AuthSession.user_id, AuthSession.ended_why)).all()
    assert sorted(why for uid, why in rows if uid == user.id) == ["logout", "logout"]


def test_password_change_disable_and_role_change_end_every_session(app_factory, court) -> None:
    app = app_factory(AUTH_RECHECK_S=3600)  # the change itself must end the sessions, not a timer
    engine = app.server.extensions["dashboard"].engine
    changes = {
        "password": lambda db, name: set_password(db, name, "Other#pass-2027"),
        "disable": lambda db, name: set_active(db, name, False),
        "role": lambda db, name: update_user(db, name, role="lead", team_id=court["team_keep"]),
    }
    for what, change in changes.items():
        user = make_user(engine, "center")
        first, second = _client(app, user), _client(app, user)
        copy = app.server.test_client()
        copy_session(first, copy)
        with _db(app) as db:
            change(db, user.username)
        app.server.extensions["dashboard"].extras["auth_recheck"].clear()  # as the admin pages do
        assert not any(_in(c) for c in (first, second, copy)), what
        with _db(app) as db:
            live = server_sessions.live_sessions(db)
        assert user.id not in {uid for uid, _w in live.values()}, what


def test_flask_login_holds_the_session_and_only_a_hash_is_stored(app) -> None:
    assert app.server.login_manager is not None  # Flask-Login, not hand-written plumbing
    user = make_user(app.server.extensions["dashboard"].engine, "center")
    client = _client(app, user)
    with app.server.test_request_context():
        serializer = app.server.session_interface.get_signing_serializer(app.server)
        data = serializer.loads(client.get_cookie(COOKIE).value)
    secret = data["_user_id"]
    with _db(app) as db:
        keys = set(server_sessions.live_sessions(db))
    assert server_sessions.session_key(secret) in keys and secret not in keys


def _legacy_hash(password: str) -> str:
    """The hand-written scrypt format of earlier versions."""
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt$16384$8$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def test_old_hashes_still_sign_in_and_are_rehashed_by_werkzeug(app) -> None:
    user = make_user(app.server.extensions["dashboard"].engine, "center")
    with _db(app) as db:
        db.execute(User.__table__.update().where(User.id == user.id)
                   .values(password_hash=_legacy_hash(PASSWORD)))
    client = app.server.test_client()
    assert login(client, user.username, "Wrong#pass-2026").status_code == 401
    assert login(client, user.username).status_code == 302
    with _db(app) as db:
        stored = db.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored.startswith("scrypt:32768:8:1$")  # werkzeug.security.generate_password_hash
    _logout(client)
    assert login(app.server.test_client(), user.username).status_code == 302


def test_the_csrf_token_changes_at_sign_in(app) -> None:
    """A token planted or read before sign-in is void afterwards (finding 11)."""
    user = make_user(app.server.extensions["dashboard"].engine, "center")
    client = app.server.test_client()
    same_site(client)
    before = csrf_from(client.get("/login").get_data(as_text=True))
    reply = client.post("/login", data={"csrf_token": before, "username": user.username,
                                        "password": PASSWORD})
    assert reply.status_code == 302
    after = csrf_from(client.get("/logout").get_data(as_text=True))
    assert after != before
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
