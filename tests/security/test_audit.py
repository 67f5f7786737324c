"""Finding 9: anonymous failures cannot flood the audit log (bursts per address, the rest counted
and summed up in one entry), and the audit page is paged in the database, never all rows at once."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select

from db.auth import audit
from db.models.auth import AuditEntry
from db.session import make_session_factory, session_scope
from tests.callbacks.test_access import client_as, payload, post


def _failures(engine) -> list[str]:
    with session_scope(make_session_factory(engine)) as db:
        return list(db.scalars(select(AuditEntry.detail).where(AuditEntry.action == "wall_signin")
                               .order_by(AuditEntry.id)))


def test_bad_wall_tokens_write_a_burst_then_one_summary(app) -> None:
    client = app.server.test_client()
    for i in range(30):
        assert client.get(f"/wall/token/guess-{i}").status_code == 403
    engine = app.server.extensions["dashboard"].engine
    assert len(_failures(engine)) == audit.BURST  # not thirty rows
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + audit.BURST_WINDOW + dt.timedelta(minutes=1)
    with session_scope(make_session_factory(engine)) as db:
        assert audit.record_anonymous_failure(db, "wall_signin", "127.0.0.1", detail="令牌无效或已吊销",
                                              now=later)
    rows = _failures(engine)
    assert len(rows) == audit.BURST + 2
    assert f"另有 {30 - audit.BURST} 次同类失败未逐条记录" in rows[-2]


def test_locked_sign_ins_are_throttled_in_the_log_too(app) -> None:
    from tests.auth_helpers import csrf_from, make_user, same_site

    user = make_user(app.server.extensions["dashboard"].engine, "center")
    client = app.server.test_client()
    same_site(client)
    for _ in range(25):
        token = csrf_from(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"csrf_token": token, "username": user.username, "password": "Wrong#pass-1"})
    with session_scope(app.server.extensions["dashboard"].sessions) as db:
        locked = db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "login_locked"))
    assert locked == audit.BURST


def test_the_audit_page_is_paged_on_the_server(desk_court) -> None:
    app, ids, engine = desk_court
    admin = client_as(app, engine, "admin", ids)
    admin.get("/")
    with session_scope(make_session_factory(engine)) as db:
        before = audit.count(db)
        for i in range(250):
            audit.record(db, actor=None, action="export", target=f"file-{i:03d}.xlsx")
    assert before < 50  # so the pages below are 100 + 100 + the rest
    status, body = post(admin, payload(app, "admin-audit-table", {"admin-audit-page.data": 0}))
    assert status == 200
    table = json.dumps(json.loads(body)["response"]["admin-audit-table"], ensure_ascii=False)
    assert table.count("file-") == 100 and "file-249.xlsx" in table and "file-149.xlsx" not in table
    assert "第 1/3 页" in body
    status, body = post(admin, payload(app, "admin-audit-table", {"admin-audit-page.data": 99}))
    assert "第 3/3 页" in body and "file-049.xlsx" in body and "file-050.xlsx" not in body
    status, body = post(admin, payload(app, "admin-audit-page", {"admin-audit-next.n_clicks": 1,
                                                                "admin-audit-page.data": 1}))
    assert status == 200 and '"data": 2' in body
