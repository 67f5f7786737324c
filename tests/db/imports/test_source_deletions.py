"""What a re-import (or a full sync run) does with rows the source no longer has, as
docs/import.md 定时同步 states it: a child sheet's rows are the complete list of each 案号 that
appears in it (rows it no longer lists are deleted); a case, or a whole child list, that no
longer appears is kept as stored."""
from __future__ import annotations

from sqlalchemy import func, select

from db.imports import run_import
from db.models import Case, CaseParty
from tests.db.imports.helpers import CN, standard, with_court, workbook


def _import(factory, sheets):
    with factory() as session:
        result = run_import(session, workbook(sheets), name="本院数据.xlsx", actor="sync:审判流程系统")
        session.commit()
    return result


def test_rows_gone_from_the_source(engine) -> None:
    factory = with_court(engine)
    _import(factory, standard())
    sheets = standard()
    del sheets["案件"][3]  # case 3 deleted at the source
    del sheets["当事人"][2]  # case 1 lost one of its two parties; case 2 keeps its one
    sheets["当事人"] = [r for r in sheets["当事人"] if r[0] != CN.format(2)]  # case 2: no party rows left
    del sheets["扣除期限"][2]  # case 3's pause goes with it
    result = _import(factory, sheets)
    assert result.errors == [] and result.sheets["当事人"].deleted == 1
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 3  # case 3 is kept
        parties = dict(s.execute(select(Case.case_number, func.count(CaseParty.id)).join(CaseParty)
                                 .group_by(Case.case_number)).all())
        assert parties == {CN.format(1): 1, CN.format(2): 1}  # case 2's list is kept as stored
