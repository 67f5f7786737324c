"""db/uploads on SQLite, PostgreSQL and MariaDB: a file larger than MariaDB's BLOB kept in the
job, a dry run and the confirmed import run to the end (as the page's thread runs them), the
rejects workbook stored, confirm refusals, undo audited."""
from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import func, select

from db.auth import audit
from db.auth.access import Principal
from db.imports import Limits
from db.models import Case, ImportJob
from db.session import session_scope
from db.uploads import jobs
from tests.db.imports.helpers import standard, with_court, workbook

ADMIN = Principal(user_id=None, username="测试管理员", display_name="测试管理员", role="admin")


def _file(bad_row: bool = False) -> bytes:
    sheets = standard()
    if bad_row:
        sheets["案件"][2][1] = "不是日期"
    # an unknown sheet of hard-to-compress text: makes the file larger than 64 KB
    sheets["说明"] = [["备注"], *([hashlib.sha256(str(i).encode()).hexdigest() * 2] for i in range(3000))]
    return workbook(sheets)


def _run(sessions, job_id: int) -> dict:
    jobs.run_job(sessions, job_id, ADMIN, limits=Limits())
    with sessions() as session:
        return jobs.job_state(session, job_id)


def test_dry_run_confirm_import_and_undo(engine) -> None:
    sessions = with_court(engine)
    content = _file()
    assert len(content) > 64 * 1024
    with session_scope(sessions) as session:
        dry = jobs.create_job(session, kind="dry_run", actor=ADMIN.username, file_name="本院.xlsx", content=content)
    state = _run(sessions, dry)
    assert state["status"] == "done" and state["batch_id"] is None and state["result"]["new"] > 0
    assert state["result"]["ignored_sheets"] == ["说明"]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0
        assert session.scalar(select(ImportJob.content).where(ImportJob.id == dry)) == content  # kept whole
    with session_scope(sessions) as session:
        run = jobs.confirm_job(session, dry, actor=ADMIN.username, skip_invalid=False)
    with pytest.raises(ValueError, match="请勿重复提交"), session_scope(sessions) as session:
        jobs.confirm_job(session, dry, actor=ADMIN.username, skip_invalid=False)
    state = _run(sessions, run)
    assert state["status"] == "done" and state["batch_id"]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 3
        assert session.scalar(select(ImportJob.content).where(ImportJob.id == run)) is None  # dropped once done
        assert [b["id"] for b in jobs.history(session)] == [state["batch_id"]]
    with session_scope(sessions) as session:
        restored = jobs.undo_batch(session, state["batch_id"], ADMIN)
        assert restored
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0
        actions = [e["action"] for e in audit.search(session, action=["import", "import_undo"])]
    assert actions == ["import_undo", "import", "import"]


def test_problems_rejects_and_confirm_rules(engine) -> None:
    sessions = with_court(engine)
    with session_scope(sessions) as session:
        dry = jobs.create_job(session, kind="dry_run", actor="a", file_name="有问题.xlsx", content=_file(bad_row=True))
    state = _run(sessions, dry)
    assert state["has_rejects"] and state["result"]["error_count"] == len(state["result"]["errors"]) >= 1
    with sessions() as session:
        name, body = jobs.rejects_of(session, dry)
    assert name == "有问题_问题行.xlsx" and body[:2] == b"PK"
    with pytest.raises(ValueError, match="跳过有问题的行"), session_scope(sessions) as session:
        jobs.confirm_job(session, dry, actor="a", skip_invalid=False)
    with session_scope(sessions) as session:
        run = jobs.confirm_job(session, dry, actor="a", skip_invalid=True)
    assert _run(sessions, run)["batch_id"]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 2
        detail = json.loads(session.scalar(select(ImportJob.result).where(ImportJob.id == run)))
    assert detail["rejected"] >= 1
    with pytest.raises(ValueError, match="请先上传文件"), session_scope(sessions) as session:
        jobs.confirm_job(session, run, actor="a", skip_invalid=True)  # an import is no dry run
