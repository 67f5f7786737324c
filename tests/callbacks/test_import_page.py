"""The 数据导入 page through the real callback endpoint: upload → preview and a background dry run →
confirm → a background import → counts and history → undo; problems with the rejects workbook;
the template; 指挥中心 only when configured; every step audited."""
from __future__ import annotations

import base64
import io
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from dashboard.app import create_app
from db.auth import audit
from db.models import Case, Court, Officer, Team
from db.session import make_session_factory, session_scope
from db.uploads.jobs import job_state
from tests.auth_helpers import login, make_user
from tests.callbacks.test_access import payload, post
from tests.db.imports.helpers import standard, with_court, workbook

P = "admin-import-"


@pytest.fixture
def site(sqlite_engine: Engine) -> Iterator[Any]:
    with_court(sqlite_engine)
    made = []

    def _app(**overrides: Any) -> Any:
        url = sqlite_engine.url.render_as_string(hide_password=False)
        app = create_app({"DATABASE_URL": url, "CACHE_URL": "simple://", "SCHEDULER_ENABLED": False, **overrides})
        made.append(app)
        return app

    yield _app
    for app in made:
        app.server.extensions["dashboard"].engine.dispose()


def _client(app: Any, engine: Engine, role: str) -> Any:
    binding: dict[str, int] = {}
    if role in ("lead", "officer"):
        with session_scope(make_session_factory(engine)) as session:
            court = session.scalars(select(Court)).first()
            team = Team(court_id=court.id, name="测试团队", kind="simple")
            session.add(team)
            session.flush()
            officer = Officer(court_id=court.id, name="测试法官", role="judge", team_id=team.id)
            session.add(officer)
            session.flush()
            binding = {"team_id": team.id} if role == "lead" else {"officer_id": officer.id}
    user = make_user(engine, role, **binding)
    client = app.server.test_client()
    assert login(client, user.username, user.password).status_code == 302
    client.get("/")
    return client


def _upload(app: Any, client: Any, data: bytes, name: str = "本院数据.xlsx") -> dict[str, Any]:
    contents = "data:application/octet-stream;base64," + base64.b64encode(data).decode()
    status, body = post(client, payload(app, f"{P}file", {f"{P}upload.contents": contents,
                                                          f"{P}upload.filename": name}))
    assert status == 200, body
    return json.loads(body)["response"]


def _wait(engine: Engine, job_id: int) -> dict[str, Any]:
    sessions = make_session_factory(engine)
    for _ in range(300):
        with sessions() as session:
            state = job_state(session, job_id)
        if state and state["status"] in ("done", "failed"):
            return state
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def _poll(app: Any, client: Any, job_id: int) -> dict[str, Any]:
    status, body = post(client, payload(app, f"{P}errors", {f"{P}poll.n_intervals": 1, f"{P}job.data": {"id": job_id},
                                                            f"{P}rev.data": 0}))
    assert status == 200, body
    response = json.loads(body)["response"]
    return {key.split("@")[0]: value for key, value in response.items()}


def _text(part: Any) -> str:
    return json.dumps(part, ensure_ascii=False)


def _cases(engine: Engine) -> int:
    with make_session_factory(engine)() as session:
        return session.scalar(select(func.count()).select_from(Case))


def test_upload_preview_dry_run_confirm_history_undo(site, sqlite_engine) -> None:
    app = site()
    admin = _client(app, sqlite_engine, "admin")
    sheets = standard()
    sheets["案件"][0].append("备注")  # an unknown column: shown, not imported
    for row in sheets["案件"][1:]:
        row.append("随便写")
    shown = _upload(app, admin, workbook(sheets))
    preview = _text(shown[f"{P}preview"])
    assert "本院数据.xlsx" in preview and "表头识别" in preview and "未识别的列（不会导入）：备注" in preview
    assert "（2024）内0299执1号" in preview and "执行一团队" in preview
    job = shown[f"{P}job"]["data"]["id"]
    assert shown[f"{P}poll"]["disabled"] is False
    assert _wait(sqlite_engine, job)["status"] == "done"
    assert _cases(sqlite_engine) == 0  # a dry run writes nothing
    polled = _poll(app, admin, job)
    summary = _text(polled[f"{P}status"])
    assert "试导入完成（未写入任何数据）：没有发现问题" in summary and "新增" in summary
    assert polled[f"{P}confirm"]["disabled"] is False and polled[f"{P}poll"]["disabled"] is True

    status, body = post(admin, payload(app, f"{P}msg", {f"{P}confirm.n_clicks": 1, f"{P}job.data": {"id": job},
                                                       f"{P}skip.value": []}))
    answer = json.loads(body)["response"]
    assert "已提交导入" in _text(answer[f"{P}msg"])
    run = answer[f"{P}job"]["data"]["id"]
    done = _wait(sqlite_engine, run)
    assert done["status"] == "done" and done["batch_id"]
    assert _cases(sqlite_engine) == 3
    polled = _poll(app, admin, run)
    assert f"导入完成，批次 {done['batch_id']}" in _text(polled[f"{P}status"]) and polled[f"{P}rev"]["data"] == 1
    # confirming the same dry run again is refused (no second import of one upload)
    _, again = post(admin, payload(app, f"{P}msg", {f"{P}confirm.n_clicks": 2, f"{P}job.data": {"id": job}}))
    assert "已提交导入" in again and "请勿重复提交" in again

    _, history = post(admin, payload(app, f"{P}history", {f"{P}rev.data": 1}))
    assert "本院数据.xlsx" in history and "有效" in history and f"批次 {done['batch_id']}" in history
    _, undone = post(admin, payload(app, f"{P}undo-msg", {f"{P}undo.n_clicks": 1,
                                                          f"{P}pick.value": done["batch_id"]}))
    assert f"已撤销批次 {done['batch_id']}" in undone
    assert _cases(sqlite_engine) == 0
    _, history = post(admin, payload(app, f"{P}history", {f"{P}rev.data": 2}))
    assert "已撤销" in history
    with make_session_factory(sqlite_engine)() as session:
        entries = audit.search(session, action=["import", "import_undo"])
    assert [e["action"] for e in entries] == ["import_undo", "import", "import"]
    assert entries[1]["detail"].startswith(f"导入（任务 {run}，批次 {done['batch_id']}）：新增")
    assert entries[2]["detail"].startswith(f"试导入（任务 {job}）")


def test_problems_listed_rejects_workbook_and_skip_invalid(site, sqlite_engine) -> None:
    app = site()
    admin = _client(app, sqlite_engine, "admin")
    sheets = standard()
    sheets["案件"][2][1] = "不是日期"
    job = _upload(app, admin, workbook(sheets))[f"{P}job"]["data"]["id"]
    _wait(sqlite_engine, job)
    polled = _poll(app, admin, job)
    errors = polled[f"{P}errors"]["rowData"]
    assert errors and errors[0]["sheet"] == "案件" and errors[0]["row"] == 3 and "立案日期" in errors[0]["column"]
    assert "发现" in _text(polled[f"{P}status"]) and "处问题" in _text(polled[f"{P}status"])
    link = polled[f"{P}rejects"]["children"]["props"]["href"]
    rejects = admin.get(link)
    assert rejects.status_code == 200 and rejects.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(rejects.data))["案件"].iter_rows(values_only=True))
    assert rows[0][-1] == "错误原因" and rows[1][1] == "不是日期"
    _, refused = post(admin, payload(app, f"{P}msg", {f"{P}confirm.n_clicks": 1, f"{P}job.data": {"id": job},
                                                      f"{P}skip.value": []}))
    assert "跳过有问题的行" in refused
    status, body = post(admin, payload(app, f"{P}msg", {f"{P}confirm.n_clicks": 1, f"{P}job.data": {"id": job},
                                                       f"{P}skip.value": ["skip"]}))
    run = json.loads(body)["response"][f"{P}job"]["data"]["id"]
    assert _wait(sqlite_engine, run)["batch_id"]
    assert _cases(sqlite_engine) == 2  # the bad case left out, the others written
    assert admin.get(f"{link.split('?')[0]}?job=abc").status_code == 400


def test_a_refused_file_gets_a_chinese_message(site, sqlite_engine) -> None:
    app = site()
    admin = _client(app, sqlite_engine, "admin")
    shown = _upload(app, admin, b"\x00\x01\x02 not a workbook", name="照片.xlsx")
    assert "admin-msg error" in _text(shown[f"{P}file"]) and shown[f"{P}job"]["data"] is None


def test_template_has_every_standard_sheet(site, sqlite_engine) -> None:
    app = site()
    admin = _client(app, sqlite_engine, "admin")
    reply = admin.get("/export/import-template.xlsx")
    assert reply.status_code == 200
    book = load_workbook(io.BytesIO(reply.data))
    assert {"案件", "人员", "当事人", "执行事件"} <= set(book.sheetnames)
    assert book["案件"].max_row >= 2  # headers and an example row


@pytest.mark.parametrize("configured", [False, True])
def test_center_only_when_configured_others_never(site, sqlite_engine, configured: bool) -> None:
    app = site(IMPORT_CENTER=configured)
    center = _client(app, sqlite_engine, "center")
    expected = 200 if configured else 403
    assert center.get("/admin/import").status_code == expected
    assert center.get("/export/import-template.xlsx").status_code == expected
    status, body = post(center, payload(app, f"{P}history", {f"{P}rev.data": 0}))
    assert status == expected and ("还没有导入过数据" in body) == configured
    for role in ("leader", "lead", "officer"):
        other = _client(app, sqlite_engine, role)
        assert other.get("/admin/import").status_code == 403
        assert other.get("/export/import-template.xlsx").status_code == 403
        assert other.get("/export/import-rejects.xlsx?job=1").status_code == 403
        status, body = post(other, payload(app, f"{P}file", {f"{P}upload.contents": "data:x;base64,AAAA",
                                                             f"{P}upload.filename": "a.csv"}))
        assert status == 403 and "无权查看" in body
    anonymous = app.server.test_client()
    assert anonymous.get("/admin/import").status_code == 302
    assert anonymous.get("/export/import-template.xlsx").status_code == 401
    assert anonymous.get("/export/import-rejects.xlsx?job=1").status_code == 401


def test_progress_of_a_running_job_from_the_shared_cache(site, sqlite_engine) -> None:
    """Any worker shows the job's state (database) and its progress (shared cache)."""
    from callbacks.admin.imports import PROGRESS_KEY
    from db.uploads.jobs import create_job

    app = site()
    admin = _client(app, sqlite_engine, "admin")
    with session_scope(make_session_factory(sqlite_engine)) as session:
        job = create_job(session, kind="dry_run", actor="someone", file_name="大文件.xlsx", content=b"x")
    queued = _poll(app, admin, job)
    assert "试导入排队中" in _text(queued[f"{P}status"]) and queued[f"{P}poll"]["disabled"] is False
    app.server.extensions["dashboard"].extras["cache"].set(PROGRESS_KEY.format(job),
                                                          {"sheet": "案件", "read": 1000, "total": 5000})
    shown = _text(_poll(app, admin, job)[f"{P}status"])
    assert "工作表“案件”已读 1,000 行 / 共 5,000 行" in shown and '"width": "20%"' in shown


def test_wall_token_gets_nothing_of_the_import_page(site, sqlite_engine) -> None:
    from db.auth.wall_tokens import issue_wall_token
    from tests.auth_helpers import same_site

    app = site()
    with session_scope(make_session_factory(sqlite_engine)) as session:
        token = issue_wall_token(session, "大厅", None)[1]
    wall = app.server.test_client()
    same_site(wall)
    assert wall.get(f"/wall/token/{token}").status_code == 302
    assert wall.get("/admin/import").status_code == 403
    assert wall.get("/export/import-template.xlsx").status_code == 403
    assert wall.get("/export/import-rejects.xlsx?job=1").status_code == 403
    status, _ = post(wall, payload(app, f"{P}history", {f"{P}rev.data": 0}))
    assert status == 403


def test_a_workbook_without_known_sheets_fails_its_dry_run_with_the_reason(site, sqlite_engine) -> None:
    app = site()
    admin = _client(app, sqlite_engine, "admin")
    shown = _upload(app, admin, workbook({"Sheet1": [["甲", "乙"], [1, 2]]}), name="随便.xlsx")
    assert "没有识别出任何标准工作表" in _text(shown[f"{P}preview"])
    job = shown[f"{P}job"]["data"]["id"]
    state = _wait(sqlite_engine, job)
    assert state["status"] == "failed" and state["message"]
    polled = _poll(app, admin, job)
    assert "试导入失败：" in _text(polled[f"{P}status"]) and polled[f"{P}confirm"]["disabled"] is True
    with make_session_factory(sqlite_engine)() as session:
        entry = audit.search(session, action="import")[0]
    assert entry["outcome"] == "failed" and entry["detail"].startswith("试导入失败：")
