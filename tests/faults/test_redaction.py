"""Secrets never reach a log line: wall tokens, passwords, keys, database URL passwords."""
from __future__ import annotations

import logging

import pytest

from dashboard.app import create_app
from dashboard.redact import install, redact


def test_redact_masks_every_kind_of_secret() -> None:
    line = ("GET /wall/token/abcDEF123?x=1 postgresql+psycopg://u:pw1@h:5/x /wall?token=zzz9&kiosk=1 "
            "password=hunter2 DASHBOARD_SECRET_KEY=k3y redis://:rpw@h:6379/0 {'csrf_token': 'q1w2'}")
    masked = redact(line)
    for secret in ("abcDEF123", "pw1", "zzz9", "hunter2", "k3y", "rpw", "q1w2"):
        assert secret not in masked
    assert "/wall/token/***" in masked and "kiosk=1" in masked and "u:***@h:5/x" in masked


def test_a_logged_error_url_has_no_token(caplog: pytest.LogCaptureFixture) -> None:
    """The outage log line of a wall-token sign-in names the path, never the token."""
    install()
    caplog.set_level(logging.WARNING)
    app = create_app({"DATABASE_URL": "postgresql+psycopg://u:dbpw77@127.0.0.1:1/x",
                      "CACHE_URL": "simple://", "SCHEDULER_ENABLED": False, "DB_CONNECT_TIMEOUT_S": 2})
    reply = app.server.test_client().get("/wall/token/plaintext-token-4711")
    assert reply.status_code == 503
    logging.getLogger("x").error("failed %s", "/wall?token=plaintext-token-4712")
    try:
        raise RuntimeError("connect postgresql://u:dbpw78@h/x failed")
    except RuntimeError:
        logging.getLogger("x").exception("boom")
    text = caplog.text
    assert caplog.records and "/wall/token/***" in text
    for secret in ("plaintext-token-4711", "plaintext-token-4712", "dbpw77", "dbpw78"):
        assert secret not in text
