"""An import that changes a case's 繁简 writes the track history (source import); undo removes it."""
from __future__ import annotations

from sqlalchemy import select

from db.imports import run_import, undo
from db.models import Case, TrackChange
from tests.db.imports.helpers import CN, standard, with_court, workbook


def _import(factory, data):
    with factory() as session:
        result = run_import(session, data, name="本院数据.xlsx", actor="admin")
        session.commit()
    return result


def test_track_changed_by_import_is_recorded_and_undone(engine) -> None:
    factory = with_court(engine)
    _import(factory, workbook(standard()))
    with factory() as s:
        assert s.scalars(select(TrackChange)).all() == []  # new cases: no change yet
    sheets = standard()
    sheets["案件"][3][11] = "繁"  # case 3: 简 → 繁 in the case system
    second = _import(factory, workbook(sheets))
    with factory() as s:
        case = s.scalar(select(Case).where(Case.case_number == CN.format(3)))
        changes = s.scalars(select(TrackChange)).all()
        assert case.track == "complex"
        assert [(c.case_id, c.old_track, c.new_track, c.source, c.actor) for c in changes] == [
            (case.id, "simple", "complex", "import", "admin")]
    with factory() as s:
        undo(s, second.batch, "admin")
        s.commit()
        assert s.scalars(select(TrackChange)).all() == []
        assert s.scalar(select(Case.track).where(Case.case_number == CN.format(3))) == "simple"
