"""Create, run and read 数据导入 jobs. `run_job` is the background body: it opens its own sessions
(the page's request has long answered), runs the engine in one transaction, then records the
outcome and the audit entry in another."""
from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db.auth import audit
from db.auth.access import Principal
from db.imports import ImportFailed, Limits, run_import, undo
from db.imports import history as batch_history
from db.models.auth import utcnow
from db.models.uploads import ImportJob
from db.session import session_scope

log = logging.getLogger(__name__)
KINDS = {"dry_run": "试导入", "import": "导入"}
STATUS = {"queued": "排队中", "running": "进行中", "done": "已完成", "failed": "失败"}
MAX_ERRORS_KEPT = 5000  # errors listed on the page; the rejects workbook has every bad row
KEEP_FILES = dt.timedelta(days=1)  # uploaded files are dropped after this long
STALE = dt.timedelta(hours=2)  # a job still "running" this long after its start lost its worker

audit.register_action("import_undo", "撤销导入")


def create_job(session: Session, *, kind: str, actor: str, file_name: str, content: bytes,
               skip_invalid: bool = False, parent_id: int | None = None) -> int:
    """A queued job holding the file; also drops the files of jobs older than KEEP_FILES."""
    if kind not in KINDS:
        raise ValueError(f"任务类型“{kind}”未知")
    session.execute(update(ImportJob).where(ImportJob.created_at < utcnow() - KEEP_FILES,
                                            ImportJob.content.is_not(None)).values(content=None))
    job = ImportJob(kind=kind, status="queued", actor=actor[:64], file_name=file_name[:256], content=content,
                    skip_invalid=skip_invalid, parent_id=parent_id, result="", message="")
    session.add(job)
    session.flush()
    return job.id


def confirm_job(session: Session, dry_run_id: int, *, actor: str, skip_invalid: bool) -> int:
    """A queued import of the file a finished dry run checked (ValueError with the reason)."""
    source = session.get(ImportJob, dry_run_id)
    if source is None or source.kind != "dry_run":
        raise ValueError("确认导入：请先上传文件并等待试导入完成")
    if source.status != "done":
        raise ValueError("确认导入：试导入尚未完成或已失败，请重新上传")
    if source.content is None:
        raise ValueError("确认导入：上传的文件已过期，请重新上传")
    result = json.loads(source.result or "{}")
    if result.get("errors") and not skip_invalid:
        raise ValueError(f"确认导入：试导入发现 {len(result['errors'])} 处问题；请修正文件后重新上传，"
                         "或勾选“跳过有问题的行”只导入正确的行")
    already = session.scalar(select(ImportJob.id).where(ImportJob.parent_id == dry_run_id))
    if already is not None:
        raise ValueError(f"确认导入：该文件已提交导入（任务 {already}），请勿重复提交")
    return create_job(session, kind="import", actor=actor, file_name=source.file_name,
                      content=source.content, skip_invalid=skip_invalid, parent_id=dry_run_id)


def job_state(session: Session, job_id: int) -> dict[str, Any] | None:
    """The job without its file: kind, status, result (dict), message, batch id, times."""
    row = session.execute(select(
        ImportJob.id, ImportJob.kind, ImportJob.status, ImportJob.file_name, ImportJob.actor,
        ImportJob.result, ImportJob.message, ImportJob.batch_id, ImportJob.skip_invalid,
        ImportJob.created_at, ImportJob.started_at, ImportJob.finished_at,
        ImportJob.rejects.is_not(None).label("has_rejects")).where(ImportJob.id == job_id)).first()
    if row is None:
        return None
    state = dict(row._mapping)
    state["result"] = json.loads(row.result) if row.result else None
    if state["status"] in ("queued", "running") and (state["started_at"] or state["created_at"]) < utcnow() - STALE:
        state["status"], state["message"] = "failed", "任务中断（服务重启或进程退出），请重新上传"
    return state


def rejects_of(session: Session, job_id: int) -> tuple[str, bytes] | None:
    """(file name, rejects workbook) of a job, or None when it has none."""
    row = session.execute(select(ImportJob.file_name, ImportJob.rejects).where(ImportJob.id == job_id)).first()
    if row is None or row.rejects is None:
        return None
    stem = row.file_name.rsplit(".", 1)[0] or "导入"
    return f"{stem}_问题行.xlsx", row.rejects


def _set(sessions: sessionmaker[Session], job_id: int, **values: Any) -> None:
    with session_scope(sessions) as session:
        session.execute(update(ImportJob).where(ImportJob.id == job_id).values(**values))


def _batches(found: dict[str, int]) -> str:
    """"，批次 7" for one court's data; "，批次 内0203:7、内0204:8" for several courts'."""
    if not found:
        return ""
    if len(found) == 1:
        return f"，批次 {next(iter(found.values()))}"
    return "，批次 " + "、".join(f"{code}:{batch}" for code, batch in found.items())


def _summary(result: dict[str, Any]) -> str:
    return (f"新增 {result['new']}，更新 {result['updated']}，未变 {result['unchanged']}，"
            f"问题行 {result['rejected']}，删除 {result['deleted']}")


def run_job(sessions: sessionmaker[Session], job_id: int, actor: Principal, *, limits: Limits,
            court: Any = None, tz: str = "Asia/Shanghai",
            progress: Callable[[str, int, int | None], None] | None = None) -> None:
    """Run a queued job to its end; never raises (a failure is the job's status and message)."""
    label = "导入"
    try:
        with session_scope(sessions) as session:
            job = session.get(ImportJob, job_id)
            if job is None or job.status != "queued" or job.content is None:
                return
            kind, name, content, skip = job.kind, job.file_name, job.content, job.skip_invalid
            label = KINDS[kind]
            job.status, job.started_at = "running", utcnow()
        with session_scope(sessions) as session:
            # a user of a court imports only that court's and its 辖区's data (each court its own batch)
            result = run_import(session, content, actor=actor.username, name=name, dry_run=kind == "dry_run",
                                skip_invalid=skip, court=court, progress=progress, limits=limits, tz=tz,
                                court_ids=actor.court_ids)
            if not result.dry_run and result.rejected:
                session.rollback()  # nothing was written (the engine rolled its savepoint back)
        data = result.as_dict()
        data["errors"] = data["errors"][:MAX_ERRORS_KEPT]
        data["error_count"] = len(result.errors)
        data["rejected_file"] = result.rejected
        rejects = result.rejects_workbook() if result.errors else None
        outcome = "ok" if not result.rejected else "failed"
        with session_scope(sessions) as session:
            session.execute(update(ImportJob).where(ImportJob.id == job_id).values(
                status="done", result=json.dumps(data, ensure_ascii=False, default=str), rejects=rejects,
                batch_id=result.batch, finished_at=utcnow(),
                content=content if kind == "dry_run" else None))
            audit.record(session, actor=actor, action="import", target=name,
                         detail=f"{KINDS[kind]}（任务 {job_id}"
                                + _batches(result.batches) + f"）：{_summary(data)}"
                                + (f"；{len(result.errors)} 处问题" if result.errors else ""),
                         outcome=outcome)
    except ImportFailed as exc:
        _finish_failed(sessions, job_id, actor, str(exc), kind_label=label)
    except Exception as exc:  # noqa: BLE001 - the thread's top: any failure becomes the job's state
        log.exception("import job %s failed", job_id)
        _finish_failed(sessions, job_id, actor, f"出错：{type(exc).__name__}，请联系运维查看日志", kind_label=label)


def _finish_failed(sessions: sessionmaker[Session], job_id: int, actor: Principal, message: str,
                   kind_label: str) -> None:
    try:
        with session_scope(sessions) as session:
            session.execute(update(ImportJob).where(ImportJob.id == job_id).values(
                status="failed", message=message, finished_at=utcnow()))
            audit.record(session, actor=actor, action="import", target=f"任务 {job_id}",
                         detail=f"{kind_label}失败：{message}", outcome="failed")
    except SQLAlchemyError as exc:
        log.warning("import job %s: could not record its failure: %s", job_id, exc)


def history(session: Session, limit: int = 50) -> list[dict[str, Any]]:
    """The import batches, newest first (the engine's history)."""
    return batch_history(session, limit=limit)


def undo_batch(session: Session, batch_id: int, actor: Principal) -> dict[str, int]:
    """Undo a batch (db.imports.undo; UndoError with the reason) and audit it."""
    restored = undo(session, batch_id, actor.username)
    audit.record(session, actor=actor, action="import_undo", target=f"导入批次 {batch_id}",
                 detail="，".join(f"{table} {rows} 行" for table, rows in restored.items()) or "无改动")
    return restored
