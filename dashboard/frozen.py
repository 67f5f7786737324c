"""Serialize Dash's validation layout once instead of on every page load.

With pages, Dash builds a validation layout (the shell plus every page's layout, thousands of
components) on the first request and embeds it as JSON in every index page it serves. Dash
walks those components again for each page load; this hook converts them to the same plain
JSON data once, right after Dash has built them, so every later page load only copies a dict.
"""
from __future__ import annotations

import threading

import dash
from flask import Flask

from callbacks.render_cache import plain


def freeze_validation_layout(app: dash.Dash, server: Flask) -> None:
    """Install the one-time conversion (a before_request hook after Dash's own)."""
    done = threading.Event()
    guard = threading.Lock()

    def freeze() -> None:
        if done.is_set():
            return
        with guard:
            layout = app.validation_layout
            if not done.is_set() and layout is not None and not isinstance(layout, dict):
                app.validation_layout = plain(layout)
                done.set()

    server.before_request(freeze)
