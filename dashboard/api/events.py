"""POST /api/v1/events (one event or a batch) and GET /api/v1/openapi.json.

Every call is audited (action "event_post": accepted, refused or failed). Order of checks: the
bearer token and the rate limit (one short transaction, so every worker counts the call), the
body size, the JSON, then the batch itself (db/events/intake.py, all or nothing).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, request
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from dashboard.api.openapi import document
from dashboard.config import SettingsError
from db.auth import audit
from db.auth.access import Principal
from db.events import intake, throttle
from db.events.sources import source_for_token, source_principal
from db.models.auth import utcnow
from db.models.events import EventSource
from db.session import session_scope

log = logging.getLogger(__name__)
blueprint = Blueprint("api_v1", __name__, url_prefix="/api/v1")
WINDOW = dt.timedelta(minutes=1)
# setting → (lowest, highest) allowed
BOUNDS = {"EVENTS_MAX_BODY_KB": (1, 10240), "EVENTS_MAX_BATCH": (1, 5000), "EVENTS_RATE_PER_MIN": (0, 100000)}


def check_settings(settings: Any) -> None:
    """Refuse out-of-range event API settings at start-up, with a Chinese message."""
    for key, (low, high) in BOUNDS.items():
        value = settings.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise SettingsError(f"DASHBOARD_{key} 应为 {low}–{high} 之间的整数，实际为“{value}”")


def _json(body: dict[str, Any], status: int, **headers: str) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False, default=str), status=status,
                        mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response.headers[name.replace("_", "-")] = value
    return response


def _refuse(message: str, status: int, errors: list[dict] | None = None, **headers: str) -> Response:
    return _json({"error": message, "errors": errors or []}, status, **headers)


def _state():
    return current_app.extensions["dashboard"]


def _ip() -> str:
    return request.remote_addr or ""


def _audit(actor: Principal, detail: str, outcome: str, target: str = "事件接口") -> None:
    """An audit entry of its own (the refused or failed call wrote nothing else)."""
    try:
        with session_scope(_state().sessions) as db:
            audit.record(db, actor=actor, action="event_post", target=target, detail=detail, outcome=outcome)
    except SQLAlchemyError as exc:
        log.warning("audit of an event API call skipped, database unavailable: %s", exc)


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _authenticate() -> tuple[Principal, int | None, Response | None]:
    """(who, source id, refusal): token check and rate limit in one committed transaction."""
    settings = _state().settings
    with session_scope(_state().sessions) as db:
        source = source_for_token(db, _bearer())
        actor = source_principal(source, _ip())
        key = f"source:{source.id}" if source is not None else f"ip:{_ip()}"
        retry_at = throttle.take(db, key, utcnow(), limit=settings["EVENTS_RATE_PER_MIN"], window=WINDOW)
        source_id = source.id if source is not None else None
        target = f"事件来源 {source_id}" if source_id is not None else "事件接口"
        if retry_at is not None:
            wait = max(1, int((retry_at - utcnow()).total_seconds() + 0.999))
            audit.record(db, actor=actor, action="event_post", target=target,
                         detail=f"超过频率限制（每分钟 {settings['EVENTS_RATE_PER_MIN']} 次）", outcome="denied")
            return actor, source_id, _refuse(f"调用过于频繁：每分钟最多 {settings['EVENTS_RATE_PER_MIN']} 次，"
                                             f"请 {wait} 秒后重试", 429, Retry_After=str(wait))
        if source is None:
            why = "未提供令牌" if not _bearer() else "令牌无效或已吊销"
            audit.record(db, actor=actor, action="event_post", target=target, detail=why, outcome="denied")
            return actor, None, _refuse(f"未认证：{why}。请在请求头中提供 Authorization: Bearer <令牌>", 401,
                                        WWW_Authenticate='Bearer realm="events"')
    return actor, source_id, None


def _body(limit_kb: int) -> bytes | None:
    """The raw body, or None when it is larger than the limit (never read past it)."""
    limit = limit_kb * 1024
    if request.content_length is not None and request.content_length > limit:
        return None
    raw = request.stream.read(limit + 1)
    return None if len(raw) > limit else raw


def _post(actor: Principal, source_id: int) -> Response:
    settings = _state().settings
    target = f"事件来源 {source_id}"
    raw = _body(settings["EVENTS_MAX_BODY_KB"])
    if raw is None:
        _audit(actor, f"请求体超过 {settings['EVENTS_MAX_BODY_KB']} KB", "failed", target)
        return _refuse(f"请求体过大：最多 {settings['EVENTS_MAX_BODY_KB']} KB，请分批上报", 413)
    if request.mimetype != "application/json":
        _audit(actor, f"Content-Type 为 {request.mimetype or '空'}", "failed", target)
        return _refuse("请求体应为 JSON（Content-Type: application/json）", 415)
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        _audit(actor, "请求体不是合法的 JSON", "failed", target)
        return _refuse(f"请求体不是合法的 UTF-8 JSON：{exc}", 400)
    tz = ZoneInfo(settings.get("TIMEZONE") or "Asia/Shanghai")
    for attempt in (1, 2):
        try:
            with session_scope(_state().sessions) as db:
                source = db.get(EventSource, source_id)
                if source is None or source.revoked_at is not None:  # revoked since the token check
                    _audit(actor, "令牌已吊销", "denied", target)
                    return _refuse("未认证：令牌已吊销", 401, WWW_Authenticate='Bearer realm="events"')
                items = intake.items_of(payload, settings["EVENTS_MAX_BATCH"])
                answer = intake.accept(db, source, items, tz=tz, now=utcnow(), actor=actor)
            break
        except intake.IntakeError as exc:
            _audit(actor, "拒收：" + str(exc)[:900], "failed", target)
            return _refuse("上报的事件有误，未记录任何事件" if exc.status != 413 else str(exc), exc.status, exc.errors)
        except IntegrityError:  # another worker stored one of these external ids meanwhile
            if attempt == 2:
                raise
    status = 201 if answer["created"] else 200
    return _json(answer, status)


@blueprint.post("/events")
def post_events() -> Response:
    try:
        actor, source_id, refusal = _authenticate()
        if refusal is not None:
            return refusal
        assert source_id is not None
        return _post(actor, source_id)
    except SQLAlchemyError as exc:
        log.warning("event API: database unavailable: %s", exc)
        return _refuse("数据库暂时不可用，事件未记录，请稍后重试", 503, Retry_After="30")


@blueprint.route("/events", methods=["GET", "PUT", "PATCH", "DELETE"])
def events_other_methods() -> Response:
    return _refuse("只支持 POST：请用 POST 上报事件（说明见 /api/v1/openapi.json）", 405, Allow="POST")


@blueprint.route("/<path:_rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(_rest: str) -> Response:
    """Every other /api/v1/ path: a JSON 404, never the sign-in page or Dash's page shell."""
    return _refuse("没有这个接口（说明见 /api/v1/openapi.json）", 404)


@blueprint.get("/openapi.json")
def openapi() -> Response:
    settings = _state().settings
    return _json(document(max_batch=settings["EVENTS_MAX_BATCH"], max_body_kb=settings["EVENTS_MAX_BODY_KB"],
                          rate_per_min=settings["EVENTS_RATE_PER_MIN"]), 200)
