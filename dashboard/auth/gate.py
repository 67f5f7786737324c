"""Authentication gate (before every request) and security headers (after every response).

Open without sign-in: OPEN_PATHS and OPEN_PREFIXES. Not signed in: Dash's data endpoints and
exports answer 401 (Chinese), pages redirect to /login?next=…. Every POST must come from this
site (Origin, else Referer, naming this host): cross-site POSTs get 403 whatever the cookie.
The /api/v1/ endpoints (dashboard/api) skip all of this: they accept bearer tokens only.
Authorization (which role may see what) is not decided here.
"""
from __future__ import annotations

import json
import logging
import time
from urllib.parse import urlencode, urlsplit

from flask import Response, current_app, g, redirect, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response as BaseResponse

from dashboard.auth import session as auth_session

log = logging.getLogger(__name__)
OPEN_PATHS = frozenset({"/login", "/logout", "/ping", "/healthz", "/favicon.ico", "/_favicon.ico", "/wall/token"})
OPEN_PREFIXES = ("/assets/", "/_dash-component-suites/", "/wall/token/")
API_PREFIXES = ("/_dash-", "/_reload-hash", "/export/")
API_BLUEPRINT = "api_v1"  # dashboard/api: bearer tokens of reporting systems
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
POLL_PROPS = (".n_intervals",)  # callbacks fired by timers only are not user activity


def _text(message: str, status: int) -> BaseResponse:
    if request.path.startswith("/_dash-"):
        body = json.dumps({"error": message}, ensure_ascii=False)
        return Response(body, status=status, mimetype="application/json")
    return Response(message, status=status, mimetype="text/plain; charset=utf-8")


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(scheme: str, netloc: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) with the scheme's default port filled in; None when unparsable."""
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:
        return None
    return (scheme, (parts.hostname or "").lower(), port) if parts.hostname else None


def same_site(req=None) -> bool:
    """The request names this origin (scheme, host AND port) in Origin, or (without Origin) in
    Referer: http://host:8080 or https://host are other sites than http://host."""
    req = req or request
    source = req.headers.get("Origin") or req.headers.get("Referer")
    if not source or source == "null":
        return False
    try:
        sent = urlsplit(source)
    except ValueError:
        return False
    theirs = _origin(sent.scheme.lower(), sent.netloc)
    return theirs is not None and theirs == _origin(req.scheme, req.host)


def _is_activity() -> bool:
    """A page load or a callback a person triggered; timer-only callbacks are not."""
    if request.path != "/_dash-update-component":
        return True
    body = request.get_json(silent=True) or {}
    changed = body.get("changedPropIds") or []
    return not changed or not all(str(p).endswith(POLL_PROPS) for p in changed)


def _audit_end(ended, why: str | None) -> None:
    """One "session_ended" entry when a session is found expired or invalid (never fails the request)."""
    from db.auth import audit
    from db.session import session_scope

    try:
        with session_scope(current_app.extensions["dashboard"].sessions) as db:
            audit.record(db, actor=ended, action="session_ended", target=ended.username,
                         detail=auth_session.ENDED.get(why or "", ""), ip=request.remote_addr or "")
    except SQLAlchemyError as exc:
        log.warning("audit of an ended session skipped: %s", exc)


DASH_INDEX = frozenset({"/", "/<path:path>"})  # Dash's page endpoints (the app's index HTML)


def is_open(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


def _serves_index() -> bool:
    """This request would be answered by Dash's index page (its catch-all), not a file or view."""
    rule = request.url_rule
    return rule is not None and rule.endpoint in DASH_INDEX


def _not_found() -> BaseResponse:
    return Response("未找到该页面", status=404, mimetype="text/plain; charset=utf-8")


def before_request() -> BaseResponse | None:
    g.principal = None
    if request.blueprint == API_BLUEPRINT:  # a routed /api/v1/ endpoint: bearer token only, never the cookie
        return None
    if request.method in UNSAFE and not same_site():
        return _text("跨站请求被拒绝：请从本系统页面操作", 403)
    path = request.path
    if is_open(path):
        if path in ("/login", "/logout") or path.startswith("/wall/token"):
            g.principal, _ = auth_session.load(time.time(), current_app.config, active=False)
        if _serves_index() and g.principal is None:  # an open prefix must not reach the app page
            return _not_found()
        return None
    if path == "/wall" and request.args.get("token"):
        from dashboard.auth.views import wall_token_signin

        g.principal, _ = auth_session.load(time.time(), current_app.config, active=False)
        return wall_token_signin(request.args["token"])
    principal, why = auth_session.load(time.time(), current_app.config, active=_is_activity())
    g.principal = principal
    if principal is not None:
        return None
    if g.get("ended_principal") is not None:
        _audit_end(g.ended_principal, why)
    if path.startswith(API_PREFIXES):
        return _text(auth_session.ENDED.get(why or "", "未登录或登录已失效，请重新登录"), 401)
    target = request.full_path if request.query_string else path
    query = {"next": target}
    if why:
        query["why"] = why
    return redirect("/login?" + urlencode(query))
