"""Settings every court shares (规则设置, 分流规则, 事件接口, 数字核对) are the installation's: only an
admin of no court, or of the one court at the top of the tree, may open them. A basic court's admin
would otherwise change its neighbours' node rules and 分流 rules; with two 中院 side by side neither
中院's admin may (tests/security/test_court_scope.py's two-中院 fixture, three databases)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import update

from dashboard.app import create_app
from db.auth.users import create_user
from db.models import Court
from db.session import make_session_factory, session_scope
from tests.auth_helpers import PASSWORD
from tests.callbacks.test_access import post, router
from tests.db.test_case_queries import TODAY
from tests.security.test_court_scope import seed_region, signed_in

SHARED = ("/admin/rules", "/admin/triage-rules", "/admin/sources", "/admin/check")


def _app(url: str) -> Any:
    return create_app({"DATABASE_URL": url, "CACHE_URL": "null://", "SCHEDULER_ENABLED": False,
                       "TODAY": TODAY.isoformat()})


def _opens(app: Any, username: str) -> dict[str, tuple[int, int]]:
    client = signed_in(app, username)
    return {path: (client.get(path).status_code, post(client, router(path))[0]) for path in SHARED}


def test_only_an_installation_wide_admin_opens_the_shared_settings(engine, backend, migrated_urls) -> None:  # noqa: ANN001
    ids = seed_region(engine)
    with session_scope(make_session_factory(engine)) as s:
        create_user(s, "adminA1", PASSWORD, "admin", court_id=ids["court:A1"])
        create_user(s, "adminAll", PASSWORD, "admin")
    app = _app(migrated_urls[backend])
    try:
        assert set(_opens(app, "adminAll").values()) == {(200, 200)}
        # two 中院 side by side: the admin of one is not the installation's
        assert set(_opens(app, "adminA").values()) == {(403, 403)}
        assert set(_opens(app, "adminA1").values()) == {(403, 403)}
        nav = signed_in(app, "adminA").get("/admin/users").get_data(as_text=True)
        assert "/admin/users" in nav
    finally:
        app.server.extensions["dashboard"].engine.dispose()
    with session_scope(make_session_factory(engine)) as s:  # B moves under A: A is the one top
        s.execute(update(Court).where(Court.id == ids["court:B"]).values(parent_id=ids["court:A"]))
    app = _app(migrated_urls[backend])
    try:
        assert set(_opens(app, "adminA").values()) == {(200, 200)}
        assert set(_opens(app, "adminA1").values()) == {(403, 403)}
    finally:
        app.server.extensions["dashboard"].engine.dispose()
