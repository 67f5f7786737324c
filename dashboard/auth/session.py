"""The signed-in principal in Flask's signed session cookie, re-checked against the database at
most every AUTH_RECHECK_S seconds per user or wall token (never a statement per request)."""
from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import current_app, g, request, session
from sqlalchemy.exc import SQLAlchemyError

from db.auth.access import Principal
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


def load_all_states(sessions: Callable[[], Any]) -> Callable[[], dict[tuple, Any]]:
    """The loader of `Recheck`: every user's state (None when disabled) and every token's validity."""
    from db.auth.users import all_states
    from db.auth.wall_tokens import all_active

    def load() -> dict[tuple, Any]:
        with session_scope(sessions) as db:
            users = {("user", uid): state for uid, state in all_states(db).items()}
            return users | {("wall", tid): active for tid, active in all_active(db).items()}

    return load


def recheck() -> Recheck:
    return current_app.extensions["dashboard"].extras["auth_recheck"]


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


def sign_in(principal: Principal, now: float) -> None:
    """Start a fresh session for `principal` (a wall session is permanent, i.e. survives restarts)."""
    csrf = session.get(CSRF_KEY)
    session.clear()
    session[CSRF_KEY] = csrf or secrets.token_urlsafe(24)
    session[KEY] = {
        "uid": principal.user_id, "u": principal.username, "n": principal.display_name,
        "r": principal.role, "t": principal.team_id, "o": principal.officer_id,
        "s": principal.screen, "w": principal.extra.get("wall_token_id"),
        "st": principal.extra.get("stamp"), "iat": int(now), "seen": int(now),
    }
    session.permanent = principal.role == "wall"


def sign_out() -> None:
    csrf = session.get(CSRF_KEY)
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
                     screen=data.get("s"), extra=extra)


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
    claimed = (data["u"], data["r"], data.get("t"), data.get("o"), data.get("st"))
    return user_state(int(uid), claimed) == claimed


def claims(principal: Principal) -> tuple:
    """What the session says about a user, in the shape of db.auth.users.current_state."""
    return (principal.username, principal.role, principal.team_id, principal.officer_id,
            principal.extra.get("stamp"))


def load(now: float, settings: dict, active: bool) -> tuple[Principal | None, str | None]:
    """(principal, why the session ended: an ENDED code) for this request; `active`: a user
    action, not a timer poll."""
    data = session.get(KEY)
    if not isinstance(data, dict) or "u" not in data or "r" not in data:
        return None, (session.pop(ENDED_KEY) if active and ENDED_KEY in session else None)
    why = _expired(data, now, settings, active)
    if why is None and not _still_valid(data):
        why = "changed"
    if why:
        sign_out()
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
