"""`python -m dashboard check` finds nothing on imported data (issue #15 §2), on 3 databases:
the standard import workbook, then the checker's snapshot, CLI, drill-down and export rules."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from dashboard.cli.check import run_check
from dashboard.config import load_settings
from db.imports import run_import
from db.models import Court
from tests.db.imports.helpers import STANDARD, workbook


def test_check_finds_nothing_on_imported_data(engine) -> None:
    with Session(engine) as session:
        session.add(Court(code="内0299", name="某某人民法院"))
        session.commit()
        result = run_import(session, workbook(dict(STANDARD)), name="x.xlsx", actor="test")
        session.commit()
        assert result.errors == []
    settings = load_settings({"INDICATOR_SETTINGS": "", "COURT_CODE": "", "TIMEZONE": "UTC"})
    with Session(engine) as session:
        what, found = run_check(session, settings, dt.date(2024, 12, 31), None)
        session.rollback()
    assert "已从数据库现算" in what and "没有法院" not in what
    assert [str(v) for v in found] == []
