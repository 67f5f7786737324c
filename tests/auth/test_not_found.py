"""Unknown addresses answer in Chinese: a signed-in 404 page, Flask's own 404s, and Dash's
client-side not-found page (registered as not_found_404 instead of Dash's English “404 - Page not found”)."""
from __future__ import annotations

import dash

from layouts import known_path
from layouts.start import not_found
from tests.auth_helpers import login, make_user


def test_known_path_matches_the_page_templates() -> None:
    for path in ("/", "/cases", "/cases/", "/team/3", "/case/12", "/admin/rules", "/supervision"):
        assert known_path(path), path
    for path in ("/print", "/team", "/team/3/x", "/admin", "/admin/nope", "/casesx", "/404x"):
        assert not known_path(path), path


def test_signed_in_unknown_page_is_a_chinese_404(app) -> None:
    user = make_user(app.server.extensions["dashboard"].engine, "center")
    client = app.server.test_client()
    assert login(client, user.username).status_code == 302
    for path in ("/print", "/team/1/extra", "/admin/nope"):
        reply = client.get(path)
        text = reply.get_data(as_text=True)
        assert reply.status_code == 404, path
        assert "未找到该页面" in text and path in text and "返回首页" in text, path
        assert "Not Found" not in text and "Page not found" not in text and "_dash-config" not in text
    assert client.get("/cases").status_code == 200  # known pages still served


def test_flask_404_is_chinese(app) -> None:
    reply = app.server.test_client().get("/assets/no-such-file.js")
    assert reply.status_code == 404
    assert reply.get_data(as_text=True) == "未找到该文件或页面"


def test_dash_router_not_found_page_is_chinese(app) -> None:
    page = next(p for p in dash.page_registry.values() if p["module"] == "not_found_404")
    assert page["nav"] is False and page["title"].startswith("未找到该页面")
    text = str(not_found.layout())
    assert "未找到该页面" in text and "返回首页" in text and "not found" not in text.lower()
