"""Finding 7: anonymous requests get only the sign-in page, static files and 404s — never the
Dash index page (with its config) through an open prefix or a fallback."""
from __future__ import annotations

PROBES = ["/favicon.ico/x", "/assets/", "/assets/sub/", "/assets/../", "/_dash-component-suites/zz",
          "/_dash-component-suites/dash/unknown.js", "/_dash-component-suites/", "/wall/token/",
          "/wall/token", "/_mcp", "/nonexistent", "/_dash-layout", "/_dash-dependencies"]


def test_no_anonymous_request_gets_the_app_page(app) -> None:
    client = app.server.test_client()
    for path in PROBES:
        reply = client.get(path)
        text = reply.get_data(as_text=True)
        assert reply.status_code in (302, 401, 403, 404, 405), (path, reply.status_code)
        assert "_dash-config" not in text and "python_version" not in text, path
        if reply.status_code == 302:
            assert reply.headers["Location"].startswith("/login"), path


def test_sign_in_page_and_static_files_still_open(app) -> None:
    client = app.server.test_client()
    for path in ("/login", "/assets/base.css", "/ping", "/_favicon.ico"):
        assert client.get(path).status_code == 200, path
    icon = client.get("/favicon.ico")
    assert icon.status_code == 301 and icon.headers["Location"].endswith("/_favicon.ico")
    suites = [r.rule for r in app.server.url_map.iter_rules() if r.rule.startswith("/_dash-component-suites/")]
    assert suites  # the renderer's scripts are served (checked by the browser tests)
