"""A production process started while the database is down: it serves (the outage notice), and the
demo-password check that needs the database runs once the database is back."""
from __future__ import annotations

from dashboard.app import create_app
from db.demo.users import ensure_demo_users
from db.session import make_engine, make_session_factory, session_scope
from tests.faults.conftest import FAST, Proxied, wait_for


def test_demo_password_check_runs_when_the_database_is_back(proxied_pg: Proxied) -> None:
    proxied_pg.proxy.set_mode("refuse")
    app = create_app({"DATABASE_URL": proxied_pg.url, "CACHE_URL": "simple://", "ENV": "production",
                      "SECRET_KEY": "Fault-suite-secret-0123456789-abcdefghijklmnopqrstuvwxyz", "SCHEDULER_ENABLED": False, **FAST})  # boots
    client = app.server.test_client()
    assert client.get("/login").status_code == 200
    engine = make_engine(proxied_pg.direct_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            made = ensure_demo_users(session)
        proxied_pg.proxy.set_mode("pass")
        wait_for(lambda: client.get("/login").status_code == 503, 5, "the check runs")  # retried every 2 s
        reply = client.get("/login")
        text = reply.get_data(as_text=True)
        assert "生产模式（DASHBOARD_ENV=production）拒绝服务" in text and "演示用户仍在使用演示密码" in text
        assert client.get("/healthz").status_code == 503  # every path, until the passwords change
    finally:
        with session_scope(make_session_factory(engine)) as session:  # the module's database is shared
            from db.models import User, WallToken

            session.query(WallToken).delete()
            session.query(User).filter(User.username.in_([d.username for d in made])).delete()
        engine.dispose()
        app.server.extensions["dashboard"].engine.dispose()
