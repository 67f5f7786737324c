"""Server-side sessions through Flask-Login, re-checked against the database at most every
AUTH_RECHECK_S seconds per process (never a statement per request between re-checks).

The signed cookie carries Flask-Login's user id, which is a random session secret (its SHA-256 is
the `auth_sessions` row), plus what the session claims (user, role, team, officer, password stamp,
sign-in time, last activity). A request is signed in when the secret's row is live AND the claims
still match the user's row: logout, password change, disable, role change and token revocation
end the rows (db/auth/sessions.py), so every copy of the cookie stops working. This process sees
its own changes at once and other processes' within AUTH_RECHECK_S seconds.
"""
from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import current_app, g, request, session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from sqlalchemy.exc import SQLAlchemyError

from db.auth.access import Principal
from db.auth.sessions import (
    end_session,
    end_user_sessions,
    session_key,
    session_owner,
    start_session,
)
from db.session import session_scope

log = logging.getLogger(__name__)
KEY = "auth"
COOKIE = "dashboard_session"  # the session cookie's name
CSRF_KEY = "csrf"
ENDED_KEY = "ended"
# why a session ended: code (in the /login?why= URL) → the message shown
ENDED = {
    "max": "登录已超过最长有效期，请重新登录",
    "idle": "长时间未操作，已自动退出，请重新登录",
    "changed": "账号状态已变更（停用、改密、改角色或令牌吊销），请重新登录",
}
SEEN_STEP_S = 60  # note activity in the cookie at most once a minute (fewer Set-Cookie headers)


class Recheck:
    """A per-process copy of every user's sign-in state and every wall token's validity.

    The whole copy is re-read in one pass (`load_all`, two small queries) at most every `ttl`
    seconds, by one thread while the others keep answering from the previous copy: the database
    sees a handful of statements per process per interval however many sessions or screens are open.
    A key the copy does not know yet (a user created after the last pass) is read on its own once.
    `forget(kind, id)` / `clear()` make this process re-read at once (admin changes made here);
    other processes see a change within `ttl` seconds.
    """

    def __init__(self, ttl: float, load_all: Callable[[], dict[tuple, Any]] | None = None) -> None:
        self.ttl, self._load_all = ttl, load_all
        self._items: dict[tuple, Any] = {}
        self._expires = 0.0
        self._lock, self._reload = threading.Lock(), threading.Lock()

    def _refresh(self) -> None:
        """Re-read everything when the copy is due; one thread at a time, the others go on."""
        if self._load_all is None or time.monotonic() < self._expires:
            return
        if not self._reload.acquire(blocking=not self._items):
            return  # another thread is re-reading; answer from the previous copy meanwhile
        try:
            if time.monotonic() < self._expires:
                return
            try:
                fresh = self._load_all()
            except SQLAlchemyError as exc:  # keep the last copy: an outage must not sign anyone out
                log.warning("sign-in re-check skipped, database unavailable: %s", exc)
                fresh = None
            with self._lock:
                if fresh is not None:
                    self._items = fresh
                self._expires = time.monotonic() + self.ttl
        finally:
            self._reload.release()

    def get(self, key: tuple, load: Callable[[], Any], unknown: Any) -> Any:
        """The current state for `key`; `load()` reads one key the copy lacks; while the database
        cannot be reached, the last value seen (or `unknown` when none)."""
        self._refresh()
        with self._lock:
            if key in self._items:
                return self._items[key]
        try:
            value = load()
        except SQLAlchemyError as exc:
            log.warning("sign-in re-check skipped, database unavailable: %s", exc)
            return unknown
        self.put(key, value)
        return value

    def put(self, key: tuple, value: Any) -> None:
        with self._lock:
            self._items[key] = value

    def forget(self, kind: str, ident: int) -> None:
        with self._lock:
            self._items.pop((kind, ident), None)
            self._expires = 0.0

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._expires = 0.0

    def end_sessions(self, user_id: int | None = None, key: str | None = None) -> None:
        """Mark sessions ended in this process's copy (after ending their rows)."""
        with self._lock:
            for item, owner in list(self._items.items()):
                if item[0] == "sess" and (item[1] == key or (user_id is not None and owner
                                                             and owner[0] == user_id)):
                    self._items[item] = None
            if key is not None:
                self._items[("sess", key)] = None


def load_all_states(sessions: Callable[[], Any]) -> Callable[[], dict[tuple, Any]]:
    """The loader of `Recheck`: every user's state (None when disabled), every token's validity
    and every live session's owner (three queries per pass)."""
    from db.auth.sessions import live_sessions
    from db.auth.users import all_states
    from db.auth.wall_tokens import all_active
    from db.org.courts import court_tree

    def load() -> dict[tuple, Any]:
        with session_scope(sessions) as db:
            users = {("user", uid): state for uid, state in all_states(db).items()}
            walls = {("wall", tid): active for tid, active in all_active(db).items()}
            tree = {COURTS_ITEM: court_tree(db)}
            return users | walls | tree | {("sess", key): owner for key, owner in live_sessions(db).items()}

    return load


def recheck() -> Recheck:
    return current_app.extensions["dashboard"].extras["auth_recheck"]


COURTS_ITEM = ("courts", 0)  # the court tree in the re-check's copy


def _court_tree() -> Any:
    """This process's copy of the court tree (db.org.courts.court_tree), None while the database
    cannot be read and no copy is held."""
    from db.org.courts import court_tree

    def load() -> Any:
        with session_scope(_state().sessions) as db:
            return court_tree(db)

    return recheck().get(COURTS_ITEM, load, None)


def court_scope(court_id: int | None) -> frozenset[int] | None:
    """The courts a principal of `court_id` sees (it and those below it), from this process's
    copy of the court tree; None for no court (every court). While the database cannot be read
    and no copy is held: the own court only."""
    if court_id is None:
        return None
    from db.org.courts import visible_ids

    tree = _court_tree()
    return frozenset({court_id}) if tree is None else visible_ids(tree, court_id)


def is_top_court(court_id: int | None) -> bool:
    """Whether `court_id` is the one top of the court tree (False when unknown or unreadable)."""
    from db.org.courts import top_of

    tree = _court_tree() if court_id is not None else None
    return isinstance(tree, dict) and court_id is not None and top_of(tree, court_id)


def _state():
    return current_app.extensions["dashboard"]


def user_state(user_id: int, claimed: tuple) -> tuple | None:
    """The user's current (username, role, team, officer, stamp); `claimed` while the DB is down."""
    from db.auth.users import current_state

    def load() -> tuple | None:
        with session_scope(_state().sessions) as db:
            return current_state(db, user_id)

    return recheck().get(("user", user_id), load, claimed)


def wall_state(token_id: int) -> bool:
    from db.auth.wall_tokens import token_active

    def load() -> bool:
        with session_scope(_state().sessions) as db:
            return token_active(db, token_id)

    return recheck().get(("wall", token_id), load, True)


def session_state(key: str, claimed: tuple) -> tuple | None:
    """(user_id, wall_token_id) of a live session, None when ended or unknown; `claimed` while
    the database cannot be reached (an outage must not sign anyone out)."""
    def load() -> tuple | None:
        with session_scope(_state().sessions) as db:
            return session_owner(db, key)

    return recheck().get(("sess", key), load, claimed)


class SessionUser(UserMixin):
    """Flask-Login's user: its id is the session secret, so ending the row ends the login."""

    def __init__(self, secret: str, principal: Principal) -> None:
        self.secret, self.principal = secret, principal

    def get_id(self) -> str:
        return self.secret


login_manager = LoginManager()
login_manager.session_protection = "basic"


@login_manager.user_loader
def _load_user(secret: str) -> SessionUser | None:
    data = session.get(KEY)
    if not isinstance(data, dict) or "u" not in data or "r" not in data or not secret:
        return None
    claimed = (data.get("uid"), data.get("w"))
    if session_state(session_key(secret), claimed) != claimed:
        return None
    return SessionUser(secret, _principal(data))


def sign_in(principal: Principal, now: float) -> None:
    """Start a fresh server-side session for `principal` (a wall session is permanent, i.e.
    survives browser restarts). The CSRF token is replaced: one planted before sign-in is void."""
    wall_id = principal.extra.get("wall_token_id")
    with session_scope(_state().sessions) as db:
        secret = start_session(db, user_id=principal.user_id if wall_id is None else None,
                               wall_token_id=wall_id, ip=request.remote_addr or "")
    session.clear()
    session[CSRF_KEY] = secrets.token_urlsafe(24)
    session[KEY] = {
        "uid": principal.user_id, "u": principal.username, "n": principal.display_name,
        "r": principal.role, "t": principal.team_id, "o": principal.officer_id,
        "s": principal.screen, "w": wall_id, "c": principal.court_id,
        "st": principal.extra.get("stamp"), "iat": int(now), "seen": int(now),
    }
    session.permanent = principal.role == "wall"
    login_user(SessionUser(secret, principal))
    recheck().put(("sess", session_key(secret)), (principal.user_id if wall_id is None else None, wall_id))


def _end_rows(why: str, everywhere: bool) -> None:
    """End this session's row (and with `everywhere` every session of its user) in the database
    and in this process's copy; a database error is logged, the cookie is cleared anyway."""
    secret, data = session.get("_user_id"), session.get(KEY)
    key = session_key(secret) if isinstance(secret, str) and secret else None
    user_id = data.get("uid") if isinstance(data, dict) and everywhere else None
    if key is None and user_id is None:
        return
    try:
        with session_scope(_state().sessions) as db:
            if user_id is not None:
                end_user_sessions(db, int(user_id), why)
            if key is not None:
                end_session(db, key, why)
    except SQLAlchemyError as exc:
        log.warning("ending a session in the database failed: %s", exc)
    recheck().end_sessions(user_id=user_id, key=key)


def sign_out(why: str | None = None, everywhere: bool = False) -> None:
    """Clear the cookie; with `why`, also end the server-side session (and, `everywhere`, every
    session of the same user: logout signs a person out on every browser)."""
    if why is not None:
        _end_rows(why, everywhere)
    csrf = session.get(CSRF_KEY)
    logout_user()
    session.clear()
    if csrf:
        session[CSRF_KEY] = csrf


def _principal(data: dict) -> Principal:
    extra = {"signed_in_at": data.get("iat"), "ip": request.remote_addr or ""}  # where from, for the audit log
    if data.get("w") is not None:
        extra["wall_token_id"] = data["w"]
    if data.get("st"):
        extra["stamp"] = data["st"]
    return Principal(user_id=data.get("uid"), username=data["u"], display_name=data.get("n") or data["u"],
                     role=data["r"], team_id=data.get("t"), officer_id=data.get("o"),
                     screen=data.get("s"), extra=extra,
                     court_id=data.get("c"), court_ids=court_scope(data.get("c")),
                     top_court=is_top_court(data.get("c")))


def _expired(data: dict, now: float, settings: dict, active: bool) -> str | None:
    """Why a desk session has ended (an ENDED code), or None; wall sessions never idle out."""
    if data.get("r") == "wall":
        return None
    if now - data.get("iat", 0) > settings["SESSION_MAX_H"] * 3600:
        return "max"
    if now - data.get("seen", 0) > settings["SESSION_IDLE_MIN"] * 60:
        return "idle"
    if active and now - data.get("seen", 0) >= SEEN_STEP_S:
        data["seen"] = int(now)
        session.modified = True
    return None


def _still_valid(data: dict) -> bool:
    if data.get("r") == "wall":
        return data.get("w") is not None and wall_state(int(data["w"]))
    uid = data.get("uid")
    if uid is None:
        return False
    claimed = (data["u"], data["r"], data.get("t"), data.get("o"), data.get("st"), data.get("c"))
    return user_state(int(uid), claimed) == claimed


def claims(principal: Principal) -> tuple:
    """What the session says about a user, in the shape of db.auth.users.current_state."""
    return (principal.username, principal.role, principal.team_id, principal.officer_id,
            principal.extra.get("stamp"), principal.court_id)


def load(now: float, settings: dict, active: bool) -> tuple[Principal | None, str | None]:
    """(principal, why the session ended: an ENDED code) for this request; `active`: a user
    action, not a timer poll."""
    data = session.get(KEY)
    if not isinstance(data, dict) or "u" not in data or "r" not in data:
        return None, (session.pop(ENDED_KEY) if active and ENDED_KEY in session else None)
    why = _expired(data, now, settings, active)
    if why is None and (not current_user.is_authenticated or not _still_valid(data)):
        why = "changed"
    if why:
        sign_out(why if why in ("idle", "max") else None)
        session[ENDED_KEY] = why  # the next page load still tells why (after a 401 to a callback)
        g.ended_principal = _principal(data)  # for the audit entry (dashboard.auth.gate)
        return None, why
    return _principal(data), None


def csrf_token() -> str:
    """The session's form token (created on first use); forms send it as `csrf_token`."""
    token = session.get(CSRF_KEY)
    if not token:
        token = session[CSRF_KEY] = secrets.token_urlsafe(24)
    return token


def csrf_ok(sent: str | None) -> bool:
    token = session.get(CSRF_KEY)
    return bool(token and sent and secrets.compare_digest(token, sent))
