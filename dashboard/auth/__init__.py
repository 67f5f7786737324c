"""Sign-in for the whole app: sessions, the login page, wall tokens, CSRF origin checks, headers.

`init_auth(server, app)` (called by `create_app`) installs everything. Each request gets
`flask.g.principal` (a `db.auth.access.Principal`, or None on the open paths). This package only
AUTHENTICATES; which role may see what is decided by the authorization guard.
"""
from __future__ import annotations

import dash
from dash.exceptions import DependencyException
from flask import Flask, Response

from dashboard.auth import badinput, gate, headers
from dashboard.auth.production import StartupRefused, refuse_if_unsafe
from dashboard.auth.session import (
    COOKIE,
    Recheck,
    csrf_token,
    load_all_states,
    login_manager,
)
from dashboard.auth.views import blueprint

__all__ = ["StartupRefused", "csrf_token", "init_auth"]


def _cookie_secure(settings: dict) -> bool:
    value = str(settings.get("COOKIE_SECURE", "auto")).strip().lower()
    if value == "auto":
        return settings.get("ENV") == "production"
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"环境变量 DASHBOARD_COOKIE_SECURE 应为 auto/1/0，实际为“{value}”")


def init_auth(server: Flask, app: dash.Dash | None = None) -> None:
    settings = server.config
    state = server.extensions["dashboard"]
    # the settings as given (no dev key filled in); a database outage postpones the demo check
    deferred = refuse_if_unsafe(state.settings, state.engine)
    if deferred is not None:
        server.before_request(deferred.before_request)
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=_cookie_secure(settings),
        SESSION_COOKIE_NAME=COOKIE,
        PERMANENT_SESSION_LIFETIME=400 * 24 * 3600,  # wall sessions only; desks use browser-session cookies
    )
    state.extras["auth_recheck"] = Recheck(float(settings["AUTH_RECHECK_S"]), load_all_states(state.sessions))
    login_manager.init_app(server, add_context_processor=False)
    server.register_blueprint(blueprint)
    # an unknown file under /_dash-component-suites/ is a 404, not Dash's exception (a 500)
    badinput.install(server)  # malformed callback/export input: 400, never 500
    server.register_error_handler(
        DependencyException, lambda _e: Response("未找到该文件", 404, mimetype="text/plain; charset=utf-8"))
    server.before_request(gate.before_request)
    headers.install(server, app)

