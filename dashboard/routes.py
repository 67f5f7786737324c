"""Plain Flask routes next to the Dash pages (health checks, exports)."""
from __future__ import annotations

import datetime as dt
import os

from flask import Flask, Response, current_app, jsonify

from db import snapshot


def healthz() -> tuple[Response, int]:
    """Report the snapshot's freshness from the cache only (no database access)."""
    state = current_app.extensions["dashboard"]
    fresh = snapshot.assess(snapshot.read_state(state.extras["cache"]),
                            dt.datetime.now(dt.UTC), state.settings["REFRESH_INTERVAL_S"])
    body, status = snapshot.health_report(fresh)
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Worker-Pid"] = str(os.getpid())  # which worker answered (ops, tests)
    return response, status


def register(server: Flask) -> None:
    server.add_url_rule("/ping", "ping", lambda: jsonify({"status": "ok"}))
    server.add_url_rule("/healthz", "healthz", healthz)
