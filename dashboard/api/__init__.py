"""The machine API under /api/v1/: bearer tokens per reporting system, never the session cookie.

`register(server)` adds the blueprint. The sign-in gate (dashboard/auth/gate.py) lets this blueprint's routes
through without loading a session or checking the cookie's CSRF Origin: these endpoints
authenticate every call themselves with `Authorization: Bearer <token>` (db/events/sources.py),
so a browser's cookie can never act here, and a source token can do nothing anywhere else.
"""
from __future__ import annotations

from flask import Flask


def register(server: Flask) -> None:
    from dashboard.api.events import blueprint, check_settings

    check_settings(server.config)
    server.register_blueprint(blueprint)
