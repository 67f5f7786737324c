"""Security headers on every response, with a Content-Security-Policy that Dash works with:
scripts only from this server plus the hashes of Dash's own inline scripts."""
from __future__ import annotations

from collections.abc import Sequence

import dash
from flask import Flask, Response, request

# responses that carry case data: never kept by a browser or proxy cache (shared PCs, back button)
NO_STORE_PREFIXES = ("/export/", "/_dash-update-component", "/_dash-layout")
_STATIC = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def content_security_policy(hashes: Sequence[str], frame_ancestors: str) -> str:
    scripts = " ".join(["'self'", *(h if h.startswith("'") else f"'{h}'" for h in hashes)])
    ancestors = frame_ancestors.strip() or "'none'"
    return "; ".join((
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",  # React and Plotly set style attributes
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {ancestors}",
    ))


def install(server: Flask, app: dash.Dash | None) -> None:
    frame_ancestors = server.config.get("FRAME_ANCESTORS", "")
    policy: dict[str, str] = {}

    def _policy() -> str:
        # Dash adds inline scripts (clientside callbacks) while callbacks register: hash them late.
        if "csp" not in policy:
            hashes = app.csp_hashes() if app is not None else []
            policy["csp"] = content_security_policy(hashes, frame_ancestors)
        return policy["csp"]

    @server.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", _policy())
        for name, value in _STATIC.items():
            response.headers.setdefault(name, value)
        if request.path.startswith(NO_STORE_PREFIXES):
            response.headers["Cache-Control"] = "no-store"
        if not frame_ancestors.strip():
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response
