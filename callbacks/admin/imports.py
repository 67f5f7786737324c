"""/admin/import (数据导入): upload → preview and a background dry run → confirm → a background
import → counts; the batch history with undo. 管理员, and 指挥中心 when DASHBOARD_IMPORT_CENTER=1.

Jobs live in the database (db/uploads) so any worker can answer the next poll or the confirm;
the engine's progress goes to the shared cache under PROGRESS_KEY.
"""
from __future__ import annotations

import base64
import binascii
import logging
import threading
from typing import Any

import dash
from dash import Input, Output, State, no_update

from callbacks import authz
from callbacks.admin.common import reading, with_local_times, writing
from callbacks.context import app_context
from db.auth.access import IMPORT_DATA
from db.imports import Limits, UndoError, preview
from db.queries.holders import batch_courts
from db.uploads import jobs
from layouts import ids
from layouts.admin.common import message
from layouts.admin.imports import (
    HIDDEN,
    REJECTS_URL,
    SHOWN,
    failed_box,
    history_table,
    preview_box,
    progress_box,
    result_box,
)

log = logging.getLogger(__name__)
I = ids.AdminImport  # noqa: E741
PROGRESS_KEY = "import-job-progress:{}"


def require_import(what: str) -> None:
    authz.require_permission(IMPORT_DATA, what)


def _limits() -> Limits:
    return Limits(max_bytes=int(app_context().settings["IMPORT_MAX_MB"]) * 1024 * 1024)


def _start(job_id: int) -> None:
    """Run the job in a background thread of this worker; its state is in the database."""
    state = app_context()
    cache, actor = state.extras["cache"], authz.current()
    settings = state.settings

    def progress(sheet: str, read: int, total: int | None) -> None:
        try:
            cache.set(PROGRESS_KEY.format(job_id), {"sheet": sheet, "read": read, "total": total}, timeout=3600)
        except Exception as exc:  # noqa: BLE001 - a cache outage must not stop the import
            log.warning("import progress not stored: %s", exc)

    thread = threading.Thread(
        target=jobs.run_job, name=f"import-job-{job_id}", daemon=True,
        args=(state.sessions, job_id, actor),
        kwargs={"limits": _limits(), "court": settings.get("COURT_CODE") or None,
                "tz": settings.get("TIMEZONE") or "Asia/Shanghai", "progress": progress})
    thread.start()


def _decode(contents: str) -> bytes:
    header, _, data = (contents or "").partition(",")
    if not data or ";base64" not in header:
        raise ValueError("上传：无法读取文件内容，请重新选择文件")
    if len(data) * 3 // 4 > _limits().max_bytes:
        raise ValueError(f"上传：文件超过 {app_context().settings['IMPORT_MAX_MB']} MB，请拆分后分批导入")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("上传：文件内容已损坏，请重新选择文件") from None


def upload(contents: str | None, name: str | None) -> tuple[Any, Any, Any, Any, Any]:
    """Preview the file at once and queue its dry run."""
    if not contents:
        return no_update, no_update, no_update, no_update, no_update
    name = (name or "上传文件").strip()[:256]
    try:
        require_import("数据导入")
        content = _decode(contents)
        sheets = preview(content, name=name, limits=_limits())
        with writing() as s:
            job_id = jobs.create_job(s, kind="dry_run", actor=authz.current().username, file_name=name,
                                     content=content)
    except (ValueError, authz.Denied) as exc:  # ImportFailed is a ValueError: the file itself refused
        return message(str(exc), ok=False), [], None, True, [failed_box("未开始试导入")]
    _start(job_id)
    return ("", preview_box(name, len(content), sheets), {"id": job_id}, False,
            [progress_box("试导入", "排队中", None, None, None)])


def poll(_n: int | None, job: dict | None, rev: int | None) -> tuple[Any, ...]:
    """The shown job's progress, then its result; the history is re-read once an import ends.
    Outputs: status, problem rows, their frame's style, rejects link, poll off, confirm off, rev."""
    if not job or not job.get("id"):
        return no_update, no_update, no_update, no_update, True, True, no_update
    try:
        require_import("数据导入")
    except authz.Denied as exc:
        return message(str(exc), ok=False), [], HIDDEN, "", True, True, no_update
    state = reading(lambda s: jobs.job_state(s, int(job["id"])))
    if state is None:
        return failed_box("任务不存在，请重新上传"), [], HIDDEN, "", True, True, no_update
    label = jobs.KINDS[state["kind"]]
    if state["status"] in ("queued", "running"):
        seen = app_context().extras["cache"].get(PROGRESS_KEY.format(state["id"])) or {}
        box = progress_box(label, jobs.STATUS[state["status"]], seen.get("sheet"), seen.get("read"), seen.get("total"))
        return box, no_update, no_update, no_update, False, True, no_update
    if state["status"] == "failed":
        return failed_box(f"{label}失败：{state['message']}"), [], HIDDEN, "", True, True, no_update
    result = state["result"] or {}
    link = ""
    if state["has_rejects"]:
        link = dash.html.A(f"下载问题行工作簿（{result.get('error_count', 0)} 处问题，含“错误原因”列）",
                           href=f"{REJECTS_URL}?job={state['id']}", className="btn", id=I.REJECTS_LINK)
    can_confirm = state["kind"] == "dry_run" and not state["message"]
    bump = (rev or 0) + 1 if state["kind"] == "import" else no_update
    errors = result.get("errors") or []
    return (result_box(state["kind"], result, state["batch_id"]), errors, SHOWN if errors else HIDDEN, link, True,
            not can_confirm, bump)


def confirm(_n: int | None, job: dict | None, skip: list[str] | None) -> tuple[Any, Any, Any, Any]:
    try:
        require_import("确认导入")
        if not job or not job.get("id"):
            raise ValueError("确认导入：请先上传文件并等待试导入完成")
        with writing() as s:
            job_id = jobs.confirm_job(s, int(job["id"]), actor=authz.current().username,
                                      skip_invalid="skip" in (skip or []))
    except (ValueError, authz.Denied) as exc:
        return message(str(exc), ok=False), no_update, no_update, no_update
    _start(job_id)
    return message(f"已提交导入（任务 {job_id}），正在后台进行，可离开本页"), {"id": job_id}, False, True


def _own_courts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The batches of the principal's courts (a 辖区 user: none of another court or of none)."""
    courts = authz.visible_courts()
    if courts is None:
        return rows
    found = reading(lambda s: batch_courts(s, [int(r["id"]) for r in rows]))
    return [r for r in rows if found.get(int(r["id"])) in courts]


def render_history(_rev: int | None) -> tuple[Any, Any]:
    try:
        require_import("导入历史")
    except authz.Denied as exc:
        return message(str(exc), ok=False), []
    rows = with_local_times(_own_courts(reading(jobs.history)), "started_at", "finished_at", "undone_at")
    picks = [{"value": b["id"], "label": f"批次 {b['id']} · {b['file_name']} · {b['started_at']}"}
             for b in rows if b["status"] == "done"]
    return history_table(rows), picks


def undo(_n: int | None, batch_id: int | None, rev: int | None) -> tuple[Any, Any]:
    try:
        require_import("撤销导入")
        if not batch_id:
            raise ValueError("撤销批次：请先选择要撤销的批次")
        if not _own_courts([{"id": int(batch_id)}]):  # another court's batch: as if unknown
            raise authz.deny(f"导入批次 {int(batch_id)}", "不在本院及下级法院")
        with writing() as s:
            restored = jobs.undo_batch(s, int(batch_id), authz.current())
    except (ValueError, UndoError, authz.Denied) as exc:
        return message(str(exc), ok=False), no_update
    rows = sum(restored.values())
    return message(f"已撤销批次 {batch_id}（恢复 {rows} 行），大屏在下一次数据刷新后更新"), (rev or 0) + 1


def rejects_download(args: dict[str, str]) -> tuple[bytes, str]:
    """The rejects workbook of a job (routes.py sends it; ParamError → 400)."""
    from callbacks.desk.params import ParamError

    require_import("下载问题行工作簿")
    raw = args.get("job", "")
    if not raw.isdigit():
        raise ParamError("参数 job 应为任务编号")
    found = reading(lambda s: jobs.rejects_of(s, int(raw)))
    if found is None:
        raise ParamError(f"任务 {raw} 没有问题行工作簿")
    name, body = found
    return body, name


def template_download(_args: dict[str, str]) -> tuple[bytes, str]:
    from db.imports import template_workbook

    require_import("下载导入模板")
    return template_workbook(), "执行案件导入模板.xlsx"


def register(app: dash.Dash) -> None:
    app.callback(
        Output(I.FILE, "children"), Output(I.PREVIEW, "children"), Output(I.JOB, "data"),
        Output(I.POLL, "disabled"), Output(I.STATUS, "children"),
        Input(I.UPLOAD, "contents"), State(I.UPLOAD, "filename"),
        prevent_initial_call=True,
    )(upload)
    app.callback(
        Output(I.STATUS, "children", allow_duplicate=True), Output(I.ERRORS, "rowData"),
        Output(I.ERRORS_BOX, "style"), Output(I.REJECTS, "children"), Output(I.POLL, "disabled", allow_duplicate=True),
        Output(I.CONFIRM, "disabled"), Output(I.REV, "data"),
        Input(I.POLL, "n_intervals"), Input(I.JOB, "data"), State(I.REV, "data"),
        prevent_initial_call=True,
    )(poll)
    app.callback(
        Output(I.MSG, "children"), Output(I.JOB, "data", allow_duplicate=True),
        Output(I.POLL, "disabled", allow_duplicate=True), Output(I.CONFIRM, "disabled", allow_duplicate=True),
        Input(I.CONFIRM, "n_clicks"), State(I.JOB, "data"), State(I.SKIP, "value"),
        prevent_initial_call=True,
    )(confirm)
    app.callback(Output(I.HISTORY, "children"), Output(I.PICK, "options"), Input(I.REV, "data"))(render_history)
    app.callback(
        Output(I.UNDO_MSG, "children"), Output(I.REV, "data", allow_duplicate=True),
        Input(I.UNDO, "n_clicks"), State(I.PICK, "value"), State(I.REV, "data"),
        prevent_initial_call=True,
    )(undo)
