"""Plain Flask routes next to the Dash pages (health checks, exports)."""
from __future__ import annotations

from flask import Flask, jsonify


def register(server: Flask) -> None:
    server.add_url_rule("/ping", "ping", lambda: jsonify({"status": "ok"}))
