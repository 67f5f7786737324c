"""POST /api/v1/events over HTTP: bearer tokens only, idempotency, Chinese validation messages,
body size and rate limits, an audit entry per call, and the posted event in the wall's feed."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from db.auth import audit
from db.auth.wall_tokens import issue_wall_token
from db.events.sources import list_sources, revoke_source
from db.models import CaseEvent, EventReceipt
from db.session import make_session_factory, session_scope
from db.snapshot.activity import latest_feed
from layouts.wall.feed import feed_rows
from tests.auth_helpers import login, make_user

URL = "/api/v1/events"
TZ = ZoneInfo("Asia/Shanghai")


def _now_local(minutes_ago: int = 5) -> str:
    return (dt.datetime.now(TZ) - dt.timedelta(minutes=minutes_ago)).isoformat(timespec="seconds")


def _event(number: str, external_id: str = "110-0001", **kw: Any) -> dict[str, Any]:
    return {"external_id": external_id, "case_number": number, "kind": "arrival_110",
            "occurred_at": _now_local(), "detail": "执行干警到达现场", **kw}


def _post(client, body: Any, token: str | None, **headers: str):
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.post(URL, data=json.dumps(body, ensure_ascii=False), content_type="application/json",
                       headers=headers)


def _count(engine: Engine, model=CaseEvent) -> int:
    with make_session_factory(engine)() as session:
        return session.scalar(select(func.count()).select_from(model))


def _audits(engine: Engine) -> list[dict]:
    with make_session_factory(engine)() as session:
        return audit.search(session, action="event_post")


def test_one_event_then_resend_is_idempotent(app, court, token, sqlite_engine) -> None:
    client, key = app.server.test_client(), token()
    before = _count(sqlite_engine)
    body = _event(court["numbers"][0])
    first = _post(client, body, key)
    assert first.status_code == 201, first.get_data(as_text=True)
    answer = first.get_json()
    assert answer["created"] == 1 and answer["results"][0]["status"] == "created"
    again = _post(client, body, key)
    assert again.status_code == 200
    assert again.get_json()["results"] == [{"external_id": "110-0001", "status": "duplicate",
                                            "event_id": answer["results"][0]["event_id"]}]
    assert _count(sqlite_engine) == before + 1
    changed = _post(client, body | {"detail": "另一段说明"}, key)
    assert changed.status_code == 409
    assert "内容不同" in changed.get_json()["errors"][0]["message"]
    assert _count(sqlite_engine) == before + 1
    # another source may use the same external id: idempotency is per (source, external id)
    assert _post(client, body, token("执法APP")).status_code == 201
    assert _count(sqlite_engine) == before + 2
    with make_session_factory(sqlite_engine)() as session:
        stored = session.get(CaseEvent, answer["results"][0]["event_id"])
        assert stored.kind == "arrival_110" and stored.detail == "执行干警到达现场"
        local = dt.datetime.fromisoformat(body["occurred_at"])
        assert stored.occurred_at == local.astimezone(dt.UTC).replace(tzinfo=None)


def test_batch_forms_and_chinese_kinds(app, court, token, sqlite_engine) -> None:
    client, key = app.server.test_client(), token()
    numbers = court["numbers"]
    batch = {"events": [
        _event(numbers[0], "a-1", kind="接警"),
        _event(numbers[0], "a-2", kind="出警"),
        _event(numbers[1], "a-3", kind="到场"),
        _event(numbers[1], "a-4", kind="拘留", detail="被执行人王五拒不到场，司法拘留十五日"),
        _event(numbers[2], "a-5", kind="seizure", expires_on="2029-12-02"),
        _event(numbers[2], "a-6", kind="现场照片", media_ref="app://photos/20261203/778"),
    ]}
    reply = _post(client, batch, key)
    assert reply.status_code == 201 and reply.get_json()["created"] == 6
    as_list = _post(client, [_event(numbers[3], "b-1"), _event(numbers[3], "b-2")], key)  # a bare list
    assert as_list.status_code == 201 and as_list.get_json()["created"] == 2
    with make_session_factory(sqlite_engine)() as session:
        kinds = session.scalars(select(CaseEvent.kind).join(EventReceipt, EventReceipt.event_id == CaseEvent.id)
                                .order_by(EventReceipt.id)).all()
        seizure = session.scalars(select(CaseEvent).where(CaseEvent.kind == "seizure",
                                                          CaseEvent.expires_on.is_not(None))).all()
        photo = session.scalars(select(CaseEvent).where(CaseEvent.kind == "field_photo")).one()
    assert kinds[:6] == ["alarm_110", "dispatch_110", "arrival_110", "detention", "seizure", "field_photo"]
    assert dt.date(2029, 12, 2) in [s.expires_on for s in seizure]
    assert photo.media_ref == "app://photos/20261203/778"


def test_validation_names_item_and_field_in_chinese_and_writes_nothing(app, court, token, sqlite_engine) -> None:
    client, key = app.server.test_client(), token()
    number = court["numbers"][0]
    before = _count(sqlite_engine)
    future = (dt.datetime.now(TZ) + dt.timedelta(hours=2)).isoformat()
    batch = {"events": [
        _event(number, "ok-1"),
        {"external_id": "x-2", "kind": "arrival_110", "occurred_at": _now_local()},
        _event("（2026）内0221执99999号", "x-3"),
        _event(number, "x-4", kind="爆炸"),
        _event(number, "x-5", occurred_at="昨天下午"),
        _event(number, "x-6", occurred_at=future),
        _event(number, "x-7", kind="field_photo"),
        _event(number, "x-8", kind="field_photo", media_ref="data:image/png;base64,AAAA"),
        _event(number, "x-9", kind="detention", expires_on="2027-01-01"),
        _event(number, "x-10", officer="张三"),
        _event(number, "ok-1"),
        "不是对象",
        _event(number, "x-13", detail="长" * 501),
    ]}
    reply = _post(client, batch, key)
    assert reply.status_code == 400
    body = reply.get_json()
    assert body["error"] == "上报的事件有误，未记录任何事件"
    found = {(e["index"], e["field"]): e["message"] for e in body["errors"]}
    assert found[(1, "case_number")] == "第 2 个事件的案号（case_number）：必填"
    assert found[(2, "case_number")] == "第 3 个事件的案号（case_number）：“（2026）内0221执99999号”在本系统中不存在"
    assert found[(3, "kind")].startswith("第 4 个事件的事件类型（kind）：不支持“爆炸”")
    assert "不是 ISO 8601 时间" in found[(4, "occurred_at")]
    assert "晚于当前时间" in found[(5, "occurred_at")]
    assert "现场照片回传必须给出照片/视频的引用" in found[(6, "media_ref")]
    assert "不要传文件内容" in found[(7, "media_ref")]
    assert "司法拘留事件没有届满日期" in found[(8, "expires_on")]
    assert "未知字段“officer”" in found[(9, "officer")]
    assert "与第 1 个事件重复" in found[(10, "external_id")]
    assert found[(11, "")] == "第 12 个事件应为 JSON 对象"
    assert "最多 500 个字符，实际 501 个" in found[(12, "detail")]
    assert (0, "case_number") not in found
    assert _count(sqlite_engine) == before and _count(sqlite_engine, EventReceipt) == 0


def test_case_number_forms_match(app, court, token) -> None:
    """The seeded numbers use ASCII brackets; a reporter may send the canonical full-width form."""
    number = court["numbers"][0]
    canonical = number.replace("(", "（").replace(")", "）")
    assert canonical != number
    reply = _post(app.server.test_client(), _event(canonical), token())
    assert reply.status_code == 201, reply.get_json()


def test_bearer_token_only(app, court, token, sqlite_engine) -> None:
    body = _event(court["numbers"][0])
    client = app.server.test_client()
    missing = _post(client, body, None)
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert "未提供令牌" in missing.get_json()["error"]
    assert _post(client, body, "not-a-token").status_code == 401
    # a signed-in administrator's cookie is no credential here
    admin = make_user(sqlite_engine, "admin")
    browser = app.server.test_client()
    login(browser, admin.username, admin.password)
    assert _post(browser, body, None).status_code == 401
    # nor is a wall token
    with session_scope(make_session_factory(sqlite_engine)) as session:
        wall = issue_wall_token(session, "大厅主屏", None)[1]
    assert _post(client, body, wall).status_code == 401
    # a revoked source token stops at once
    key = token()
    assert _post(client, body, key).status_code == 201
    with session_scope(make_session_factory(sqlite_engine)) as session:
        revoke_source(session, list_sources(session)[0]["id"], None)
    assert _post(client, body | {"external_id": "110-0002"}, key).status_code == 401
    # the source token opens nothing else: pages redirect to sign-in, callbacks and exports 401
    bearer = {"Authorization": f"Bearer {token('执法APP')}"}
    assert client.get("/admin/users", headers=bearer).status_code == 302
    assert client.get("/wall", headers=bearer).status_code == 302
    assert client.get("/export/cases.xlsx", headers=bearer).status_code == 401
    assert client.post("/_dash-update-component", json={"output": "x.children"}, headers=bearer | {
        "Origin": "http://localhost"}).status_code == 401
    # no cookie is ever set by the API
    assert "Set-Cookie" not in _post(client, body | {"external_id": "110-0003"}, bearer["Authorization"][7:]).headers


def test_cross_site_origin_does_not_matter_for_bearer_calls(app, court, token) -> None:
    reply = _post(app.server.test_client(), _event(court["numbers"][0]), token(), Origin="https://evil.example")
    assert reply.status_code == 201


def test_body_size_batch_size_and_content_type(app_factory, court, token, sqlite_engine) -> None:
    app = app_factory(EVENTS_MAX_BODY_KB=1, EVENTS_MAX_BATCH=3)
    client, key = app.server.test_client(), token()
    number = court["numbers"][0]
    big = _post(client, _event(number, detail="长" * 400), key)  # 1.2 KB of UTF-8
    assert big.status_code == 413 and "最多 1 KB" in big.get_json()["error"]
    many = _post(client, [_event(number, f"m-{i}", detail="") for i in range(4)], key)
    assert many.status_code == 413 and "一次最多上报 3 个事件，实际 4 个" in many.get_json()["error"]
    text = client.post(URL, data="external_id=1", content_type="text/plain",
                       headers={"Authorization": f"Bearer {key}"})
    assert text.status_code == 415
    broken = client.post(URL, data="{", content_type="application/json", headers={"Authorization": f"Bearer {key}"})
    assert broken.status_code == 400 and "不是合法的 UTF-8 JSON" in broken.get_json()["error"]
    assert _count(sqlite_engine, EventReceipt) == 0


def test_rate_limit_is_shared_by_workers_and_per_source(app_factory, court, token, sqlite_engine) -> None:
    """Two app instances on one database stand for two workers: they count the calls together."""
    one, two = (app_factory(EVENTS_RATE_PER_MIN=3).server.test_client() for _ in range(2))
    key, other = token(), token("执法APP")
    number = court["numbers"][0]
    assert [_post(c, _event(number, f"r-{i}"), key).status_code for i, c in enumerate((one, two, one))] == [201] * 3
    refused = _post(two, _event(number, "r-3"), key)
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "每分钟最多 3 次" in refused.get_json()["error"]
    assert _post(one, _event(number, "r-3"), other).status_code == 201  # another source has its own budget
    # callers without a valid token share a budget per address (token guessing)
    assert [_post(one, {}, "guess").status_code for _ in range(4)] == [401, 401, 401, 429]


def test_every_call_is_audited(app, court, token, sqlite_engine) -> None:
    client, key = app.server.test_client(), token()
    event = _event(court["numbers"][0])  # one body: the resend must be identical
    _post(client, event, key)
    _post(client, event, key)
    _post(client, event, None)
    _post(client, {"events": [{"external_id": "z"}]}, key)
    entries = list(reversed(_audits(sqlite_engine)))
    assert [(e["outcome"], e["actor"]) for e in entries] == [
        ("ok", "接口:执行110"), ("ok", "接口:执行110"), ("denied", "接口:未认证"), ("failed", "接口:执行110")]
    assert entries[0]["detail"] == "新增 1 条，重复 0 条：110-0001"
    assert entries[1]["detail"] == "新增 0 条，重复 1 条：110-0001"
    assert entries[2]["detail"] == "未提供令牌" and entries[2]["ip"] == "127.0.0.1"
    assert entries[3]["detail"].startswith("拒收：第 1 个事件的案号（case_number）：必填")
    assert all(key not in e["detail"] for e in entries)


def test_posted_event_reaches_the_feed_masked(app, court, token, sqlite_engine) -> None:
    number = court["numbers"][1]
    detail = "被执行人张三丰拒不到场，身份证150221198001011234，电话13912345678"
    reply = _post(app.server.test_client(), _event(number, "feed-1", kind="拘留", detail=detail), token())
    assert reply.status_code == 201
    with make_session_factory(sqlite_engine)() as session:
        feed = latest_feed(session, court["court_id"], tz=TZ)
    assert feed[0]["case_number"] == number and feed[0]["kind"] == "detention"
    assert feed[0]["label"] == "司法拘留"
    assert feed[0]["detail"].startswith("被执行人张*")  # the feed data itself is masked
    assert not {"张三丰", "150221198001011234", "13912345678"} & set(feed[0]["detail"].replace("，", " ").split())
    assert all(secret not in json.dumps(feed, ensure_ascii=False) for secret in ("张三丰", "13912345678"))
    shown = json.dumps(feed_rows({"feed": feed}, "Asia/Shanghai")[0].to_plotly_json(), ensure_ascii=False,
                       default=lambda c: c.to_plotly_json())
    assert "张*" in shown and "张三丰" not in shown
    assert "150221198001011234" not in shown and "13912345678" not in shown


def test_openapi_description(app) -> None:
    reply = app.server.test_client().get("/api/v1/openapi.json")
    assert reply.status_code == 200
    doc = reply.get_json()
    assert doc["openapi"].startswith("3.")
    post = doc["paths"]["/api/v1/events"]["post"]
    assert {"201", "200", "400", "401", "409", "413", "429"} <= set(post["responses"])
    event = doc["components"]["schemas"]["Event"]
    assert event["required"] == ["external_id", "case_number", "kind", "occurred_at"]
    assert "到场" in event["properties"]["kind"]["enum"]
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_other_methods_and_paths_answer_json(app) -> None:
    client = app.server.test_client()
    wrong = client.get(URL)
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "POST" and "只支持 POST" in wrong.get_json()["error"]
    for path in ("/api/v1/nothing", "/api/v1/../admin/users", "/api/v1/events/1"):
        missing = client.get(path)
        assert missing.status_code == 404 and missing.is_json, path
