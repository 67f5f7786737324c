"""A database outage seen from the web process: a Chinese notice instead of a 500, and recovery.

`DatabaseHealth` follows the engine: a failed connection or a timed-out statement marks the
database down, the next successful checkout marks it up again (no restart, no flag to clear).
While it is down, any request that needs the database answers 503 with the notice
「数据库暂不可用，显示 HH:MM 的数据」 (the time of the snapshot the cache still holds), the
shell's banner shows the same notice on every open page, and pages built from the snapshot
(home, wall) keep showing it. /healthz and the pages' polls read only the cache.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, Response, current_app, render_template, request
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from werkzeug.wrappers import Response as BaseResponse

from db import snapshot
from db.snapshot.store import parse_iso

log = logging.getLogger(__name__)

# what an outage looks like to SQLAlchemy: refused/dropped/timed-out connections, a full pool
OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError,
)


def is_outage(exc: BaseException) -> bool:
    return isinstance(exc, OUTAGE_ERRORS)


class DatabaseHealth:
    """Up/down as last seen by this process's engine; state changes are logged once."""

    PROBE_S = 1.0  # while down, one connection attempt at a time, at most once a second

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.down_since: float | None = None
        self.cause = ""
        self._probing = False
        self._next_probe = 0.0
        self._engine: Engine | None = None
        self._prober: threading.Thread | None = None
        self._seen = threading.local()  # when this thread last began a ping or a connect

    def _may_probe(self) -> bool:
        with self._lock:
            if self._probing or time.monotonic() < self._next_probe:
                return False
            self._probing = True
            return True

    def _probed(self) -> None:
        with self._lock:
            self._probing = False
            self._next_probe = time.monotonic() + self.PROBE_S

    @property
    def down(self) -> bool:
        return self.down_since is not None

    def notice(self, cache: Any, tz: dt.tzinfo) -> str:
        return notice_text(cache, tz)

    def mark_down(self, cause: str) -> None:
        with self._lock:
            if self.down_since is None:
                self.down_since, self.cause = time.time(), cause
                log.warning("数据库暂不可用，页面改为显示缓存中的快照：%s", cause)
                self._start_prober()

    def _start_prober(self) -> None:
        """Probe in the background until the database answers, so a process that only serves
        polls (a wall's worker) notices the recovery too; no request ever waits for it."""
        engine = self._engine
        if engine is None or (self._prober is not None and self._prober.is_alive()):
            return

        def probe() -> None:
            from sqlalchemy import text

            while self.down:
                time.sleep(self.PROBE_S)
                try:
                    with engine.connect() as conn:
                        conn.execute(text("SELECT 1"))
                except Exception:  # noqa: BLE001 - still down (or not our turn to probe)
                    continue

        self._prober = threading.Thread(target=probe, name="db-recovery-probe", daemon=True)
        self._prober.start()

    def mark_up(self, checked_at: float | None = None) -> None:
        """The database answered. `checked_at` is when that answer's ping or connect began: an
        answer that began before the outage was seen (a ping that passed a moment before the
        connection dropped) says nothing about now and is ignored."""
        if self.down_since is None:
            return
        with self._lock:
            if self.down_since is not None and (checked_at is None or checked_at > self.down_since):
                log.warning("数据库已恢复（中断 %.0f 秒）", time.time() - self.down_since)
                self.down_since, self.cause = None, ""

    def watch(self, engine: Engine) -> None:
        """Follow `engine`; while the database is down, fail fast: pooled connections are not
        pinged (a hung server would hold each request for its timeout) and only one probe at a
        time, once a second, tries to connect; every other request gets the notice at once."""
        self._engine = engine
        dialect = engine.dialect
        ping = dialect.do_ping

        def do_ping(dbapi_connection: Any) -> bool:
            self._seen.at = time.time()
            return False if self.down else ping(dbapi_connection)  # False: reconnect (the probe)

        dialect.do_ping = do_ping  # type: ignore[method-assign]

        @event.listens_for(engine, "do_connect")
        def _breaker(dialect: Any, _rec: Any, cargs: Any, cparams: Any) -> Any:
            self._seen.at = time.time()
            if not self.down:
                return None  # connect as usual
            if not self._may_probe():
                raise dialect.loaded_dbapi.OperationalError(f"数据库暂不可用（{self.cause[:120]}）")
            try:
                return dialect.connect(*cargs, **cparams)
            finally:
                self._probed()

        @event.listens_for(engine, "checkout")
        def _up(*_args: Any) -> None:  # a connection passed its pre-ping or was just opened
            self.mark_up(getattr(self._seen, "at", 0.0))

        @event.listens_for(engine, "handle_error")
        def _down(ctx: Any) -> None:
            if ctx.is_disconnect or isinstance(ctx.sqlalchemy_exception, sa_exc.OperationalError):
                self.mark_down(_describe(ctx.original_exception))


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:200]


def _health() -> DatabaseHealth | None:
    return current_app.extensions["dashboard"].extras.get("db_health")


def last_good_time(cache: Any, tz: dt.tzinfo) -> str | None:
    """HH:MM (court time) of the snapshot the cache holds, or None when it holds none."""
    state = snapshot.read_state(cache)
    if state is None or state.version is None:
        return None
    moment = parse_iso(state.checked_at or state.computed_at)
    return f"{moment.astimezone(tz):%H:%M}" if moment else None


def notice_text(cache: Any, tz: dt.tzinfo) -> str:
    shown = last_good_time(cache, tz)
    if shown is None:
        return "数据库暂不可用，暂无缓存数据可显示，请稍后刷新"
    return f"数据库暂不可用，显示 {shown} 的数据"


def current_notice() -> str:
    state = current_app.extensions["dashboard"]
    return notice_text(state.extras["cache"], ZoneInfo(state.settings["TIMEZONE"]))


def banner() -> str | None:
    """The shell banner while this process sees the database down, else None."""
    health = _health()
    return current_notice() if health is not None and health.down else None


def outage_response(exc: BaseException) -> BaseResponse:
    """503 with the Chinese notice: HTML for pages, JSON for Dash, text for exports."""
    health = _health()
    if health is not None:
        health.mark_down(_describe(getattr(exc, "orig", None) or exc))
    notice = current_notice()
    log.warning("请求因数据库不可用未完成：%s %s（%s）", request.method, request.path,
                _describe(getattr(exc, "orig", None) or exc))
    response: BaseResponse
    if request.path.startswith("/_dash-"):
        body = json.dumps({"message": notice}, ensure_ascii=False)
        response = Response(body, status=503, mimetype="application/json")
    elif request.path == "/login" and request.method == "POST":
        response = _login_unavailable(notice)
    elif request.path.startswith("/export/"):
        response = Response(f"暂时无法导出：{notice}", status=503, mimetype="text/plain; charset=utf-8")
    else:
        html = render_template("message.html", title="数据库暂不可用", heading="数据库暂不可用",
                               error=notice,
                               text="数据库恢复后页面自动恢复，无需重启；大屏和首页继续显示缓存中的数据。",
                               link_href=request.full_path.rstrip("?") or "/", link_text="重试")
        response = Response(html, status=503, mimetype="text/html; charset=utf-8")
        if request.method == "GET":  # a wall screen retries by itself and recovers
            response.headers["Refresh"] = "30"
    response.headers["Retry-After"] = "10"
    response.headers["Cache-Control"] = "no-store"
    return response


SIGN_IN_DOWN = "数据库暂不可用，现在无法核对密码，请稍后再试（已登录的页面继续显示缓存数据）"


def _login_unavailable(notice: str) -> BaseResponse:
    """The sign-in form again, saying plainly that passwords cannot be checked right now."""
    try:
        from dashboard.auth.views import _login_page

        username = (request.form.get("username") or "").strip()[:64]
        return _login_page(503, SIGN_IN_DOWN, username)
    except Exception:  # noqa: BLE001 - the sign-in page changed shape: the plain notice
        html = render_template("message.html", title="登录", heading="暂时无法登录",
                               error=SIGN_IN_DOWN, text=notice, link_href="/login", link_text="重试")
        return Response(html, status=503, mimetype="text/html; charset=utf-8")


def internal_error(exc: BaseException) -> BaseResponse:
    """Any other unhandled error: a Chinese page, never a traceback (logged, redacted)."""
    original = getattr(exc, "original_exception", None) or exc
    if is_outage(original):
        return outage_response(original)
    log.error("未处理的错误：%s %s", request.method, request.path, exc_info=original)
    text = "服务器内部错误，已记录日志；请稍后重试，如反复出现请联系管理员。"
    if request.path.startswith("/_dash-"):
        return Response(json.dumps({"message": text}, ensure_ascii=False), status=500,
                        mimetype="application/json")
    html = render_template("message.html", title="出错了", heading="出错了", error=text,
                           link_href="/", link_text="返回首页")
    return Response(html, status=500, mimetype="text/html; charset=utf-8")


def install(server: Flask, engine: Engine) -> DatabaseHealth:
    health = DatabaseHealth()
    health.watch(engine)
    for error in OUTAGE_ERRORS:
        server.register_error_handler(error, outage_response)
    server.register_error_handler(500, internal_error)
    return health
