"""`python -m dashboard court add/list` and `import FILE | history | undo` from an empty database."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from dashboard.cli import cli
from db.models import Case, ImportMapping
from db.session import make_session_factory
from tests.db.imports.helpers import CN, read_sheets, standard, workbook


def _run(engine, *args: str):
    env = {"DASHBOARD_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    return CliRunner().invoke(cli, list(args), env=env, prog_name="python -m dashboard")


def _cases(engine) -> int:
    with make_session_factory(engine)() as s:
        return s.scalar(select(func.count()).select_from(Case))


def test_court_then_import_json_history_and_undo(sqlite_engine, tmp_path: Path) -> None:
    assert "还没有登记法院" in _run(sqlite_engine, "court", "list").output
    done = _run(sqlite_engine, "court", "add", "--code", "内0299", "--name", "某某人民法院")
    assert done.exit_code == 0, done.output
    assert "内0299" in _run(sqlite_engine, "court", "list").output
    assert _run(sqlite_engine, "court", "add", "--code", "内0299", "--name", "x").exit_code == 1
    path = tmp_path / "本院数据.xlsx"
    path.write_bytes(workbook(standard()))

    dry = _run(sqlite_engine, "import", str(path), "--dry-run", "--format", "json")
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.output)["batch"] is None and _cases(sqlite_engine) == 0

    done = _run(sqlite_engine, "import", str(path), "--format", "json")
    assert done.exit_code == 0, done.output
    data = json.loads(done.output)
    assert data["batch"] == 1 and data["new"] == 19 and data["errors"] == []
    assert data["sheets"]["案件"] == {"new": 3, "updated": 0, "unchanged": 0, "rejected": 0, "deleted": 0}
    for key in ("new", "updated", "unchanged", "rejected"):
        assert data[key] == sum(s[key] for s in data["sheets"].values())
    again = json.loads(_run(sqlite_engine, "import", str(path), "--format", "json").output)
    assert again["unchanged"] == 19 and again["new"] == again["updated"] == 0

    listed = _run(sqlite_engine, "import", "history")
    assert listed.exit_code == 0 and "本院数据.xlsx" in listed.output
    refused = _run(sqlite_engine, "import", "undo", "99")
    assert refused.exit_code == 1 and "不存在" in refused.output
    undone = _run(sqlite_engine, "import", "undo", "1")
    assert undone.exit_code == 0, undone.output
    assert _cases(sqlite_engine) == 0


def test_rejected_file_exits_2_and_skip_invalid_writes_rejects(sqlite_engine, tmp_path: Path) -> None:
    _run(sqlite_engine, "court", "add", "--code", "内0299", "--name", "某某人民法院")
    sheets = standard()
    sheets["案件"][2][1] = "2024-02-30"
    path = tmp_path / "有错.xlsx"
    path.write_bytes(workbook(sheets))
    bad = _run(sqlite_engine, "import", str(path), "--format", "json")
    assert bad.exit_code == 2
    error = json.loads(bad.output)["errors"][0]
    assert (error["sheet"], error["row"], error["column"], error["value"]) == ("案件", 3, "立案日期", "2024-02-30")
    assert _cases(sqlite_engine) == 0
    text = _run(sqlite_engine, "import", str(path))
    assert text.exit_code == 2 and "案件表第 3 行“立案日期”" in text.output

    skipped = _run(sqlite_engine, "import", str(path), "--skip-invalid")
    assert skipped.exit_code == 0, skipped.output
    assert _cases(sqlite_engine) == 2
    rejects = read_sheets((tmp_path / "有错.拒绝行.xlsx").read_bytes())
    assert rejects["案件"][1][0] == CN.format(2)

    (tmp_path / "notes.txt").write_bytes(b"\x00\x01binary")
    refused = _run(sqlite_engine, "import", str(tmp_path / "notes.txt"), "--format", "json")
    assert refused.exit_code == 2 and "不是 xlsx" in json.loads(refused.output)["errors"][0]["message"]


def test_csv_with_sheet_option_and_mapping_file(sqlite_engine, tmp_path: Path) -> None:
    _run(sqlite_engine, "court", "add", "--code", "内0299", "--name", "某某人民法院")
    path = tmp_path / "export.csv"
    path.write_bytes("编号,立案日\r\n（2024）内0299执5号,2024-01-02\r\n".encode("gb18030"))
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('["案件"]\n"编号" = "案号"\n"立案日" = "立案日期"\n', encoding="utf-8")
    done = _run(sqlite_engine, "import", str(path), "--sheet", "案件", "--mapping", str(mapping))
    assert done.exit_code == 0, done.output
    assert _cases(sqlite_engine) == 1
    with make_session_factory(sqlite_engine)() as s:
        assert s.scalar(select(func.count()).select_from(ImportMapping)) == 1
    template = tmp_path / "模板.xlsx"
    assert _run(sqlite_engine, "import", "template", str(template)).exit_code == 0
    assert set(read_sheets(template.read_bytes())) == set(standard())
