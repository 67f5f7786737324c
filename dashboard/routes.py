"""Plain Flask routes next to the Dash pages (health checks, exports)."""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from urllib.parse import quote

from flask import (
    Flask,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from werkzeug.wrappers import Response as BaseResponse

from db import snapshot
from db.imports.sync import cached_status
from db.snapshot.store import parse_iso

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ping() -> Response:
    """Always 200 while the server answers, with the snapshot's freshness (the /healthz body) for
    the pages' own watchdog (assets/watchdog.js): a stale snapshot is not an HTTP error there."""
    state = current_app.extensions["dashboard"]
    fresh = snapshot.assess(snapshot.read_state(state.extras["cache"]),
                            dt.datetime.now(dt.UTC), state.settings["REFRESH_INTERVAL_S"])
    body, _status = snapshot.health_report(fresh)
    response = jsonify({"status": "ok", "snapshot": body})
    response.headers["Cache-Control"] = "no-store"
    return response


def healthz() -> tuple[Response, int]:
    """Report the snapshot's freshness from the cache only (no database access)."""
    state = current_app.extensions["dashboard"]
    fresh = snapshot.assess(snapshot.read_state(state.extras["cache"]),
                            dt.datetime.now(dt.UTC), state.settings["REFRESH_INTERVAL_S"])
    body, status = snapshot.health_report(fresh)
    body.update(_slowness(fresh, float(state.settings["REFRESH_INTERVAL_S"])))
    body["sync"] = cached_status(state.extras["cache"])  # the import sync sources, if any
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Worker-Pid"] = str(os.getpid())  # which worker answered (ops, tests)
    return response, status


def _slowness(fresh: snapshot.Freshness, interval_s: float) -> dict[str, object]:
    """Is the refresh slower than its interval (the last one, or the one running now)?"""
    state = fresh.state
    took = (state.duration_ms or 0) / 1000 if state else 0.0
    since = parse_iso(state.computing_since) if state else None
    running = (dt.datetime.now(dt.UTC) - since).total_seconds() if since else 0.0
    slow = max(took, running) > interval_s
    body: dict[str, object] = {"refresh_interval_s": interval_s, "slow_refresh": slow}
    if slow:
        which = f"当前刷新已进行 {running:.0f} 秒" if running > interval_s else f"上次刷新用时 {took:.0f} 秒"
        body["slow_refresh_note"] = f"{which}，超过刷新间隔 {interval_s:g} 秒"
    return body


def _xlsx(build: Callable[[dict[str, str]], tuple[bytes, str]]) -> Response:
    """Send the current view as .xlsx; a bad URL parameter gets a Chinese 400 message."""
    from callbacks import authz
    from callbacks.desk.params import ParamError

    try:
        body, name = build(request.args.to_dict())
    except authz.Denied as exc:  # out of scope: already in the audit log
        return Response(f"无法导出：{exc}", status=403, mimetype="text/plain; charset=utf-8")
    except ParamError as exc:
        return Response(f"无法导出：{exc}", status=400, mimetype="text/plain; charset=utf-8")
    authz.record("export", name, request.full_path.rstrip("?"))
    response = Response(body, mimetype=XLSX)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def export_analysis() -> Response:
    from callbacks.desk.export import analysis_workbook

    return _xlsx(analysis_workbook)


def export_cases() -> Response:
    from callbacks.desk.export import cases_workbook

    return _xlsx(cases_workbook)


def export_supervision() -> Response:
    from callbacks.desk.supervision_data import supervision_workbook

    return _xlsx(supervision_workbook)


def export_audit() -> Response:
    from callbacks.admin.audit import audit_workbook

    return _xlsx(audit_workbook)


def export_import_template() -> Response:
    from callbacks.admin.imports import template_download

    return _xlsx(template_download)


def export_import_rejects() -> Response:
    from callbacks.admin.imports import rejects_download

    return _xlsx(rejects_download)


def export_campaign(campaign_id: str) -> Response:
    from callbacks.desk.campaign_data import report_workbook

    return _xlsx(lambda _query: report_workbook(campaign_id))


def campaign_report(campaign_id: str) -> Response:
    """The printable 战报 (A4 HTML; the browser's 打印 makes paper or PDF)."""
    from callbacks import authz
    from callbacks.desk.campaign_data import report_document
    from callbacks.desk.params import ParamError

    try:
        page, generated = report_document(campaign_id)
    except ParamError as exc:  # a refusal (authz.Denied) is one, already audited
        status = 403 if isinstance(exc, authz.Denied) else 400
        return Response(f"无法生成战报：{exc}", status=status, mimetype="text/plain; charset=utf-8")
    authz.record("export", f"专项行动战报 {campaign_id}", f"生成于 {generated}")
    return Response(page, mimetype="text/html; charset=utf-8")


def _message(status: int, title: str, error: str, text: str) -> Response:
    """A Chinese message page in the sign-in pages' frame (dashboard/auth/templates)."""
    body = render_template("message.html", title=title, heading=title, error=error, text=text,
                           link_href="/", link_text="返回首页")
    response = Response(body, status=status, mimetype="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


def select_court(code: str) -> BaseResponse:
    """/court/<code>?next=…: make a court the desk pages' current court (the 法院 switcher), then
    go on to `next` (a same-site path only) or /analysis. A court outside the principal's 辖区 is
    refused and audited; an unknown code is a Chinese 404."""
    from callbacks import authz
    from dashboard.auth.views import safe_next
    from db.auth.access import may_see_court
    from db.org.courts import court_tree

    with current_app.extensions["dashboard"].sessions() as db:
        node = next((n for n in court_tree(db).values() if n.code == code), None)
    if node is None:
        return _message(404, "未找到该法院", f"法院代字“{code[:40]}”不存在。",
                        "请从页面顶部的“切换法院”列表选择法院。")
    if not may_see_court(authz.current(), node.id):
        authz.record("denied", f"法院 {node.code}", f"GET {request.full_path.rstrip('?')}", outcome="denied")
        return _message(403, "无权查看", f"{authz.NO_ACCESS}：{node.name}不在您的权限范围内。",
                        "如需查看，请联系管理员调整您所属的法院；本次访问已记入审计日志。")
    session[authz.COURT_KEY] = node.id
    return redirect(safe_next(request.args.get("next")) or "/analysis")


def not_found(_error: Exception) -> Response:
    """Flask's own 404 (a missing file under /assets/, an unknown route): in Chinese, not Werkzeug's English page."""
    return Response("未找到该文件或页面", status=404, mimetype="text/plain; charset=utf-8")


def register(server: Flask) -> None:
    server.register_error_handler(404, not_found)
    server.add_url_rule("/ping", "ping", ping)
    server.add_url_rule("/healthz", "healthz", healthz)
    server.add_url_rule("/court/<code>", "select_court", select_court)
    server.add_url_rule("/export/analysis.xlsx", "export_analysis", export_analysis)
    server.add_url_rule("/export/cases.xlsx", "export_cases", export_cases)
    server.add_url_rule("/export/audit.xlsx", "export_audit", export_audit)
    server.add_url_rule("/export/supervision.xlsx", "export_supervision", export_supervision)
    server.add_url_rule("/export/import-template.xlsx", "export_import_template", export_import_template)
    server.add_url_rule("/export/import-rejects.xlsx", "export_import_rejects", export_import_rejects)
    server.add_url_rule("/export/campaign/<campaign_id>.xlsx", "export_campaign", export_campaign)
    server.add_url_rule("/export/campaign/<campaign_id>/report", "campaign_report", campaign_report)
