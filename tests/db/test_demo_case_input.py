"""db.cases.input.add_cases rejects a bad row with a Chinese message and writes nothing."""
from __future__ import annotations

import random
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from db.cases.input import add_cases
from db.demo.org import build_org
from db.errors import ValidationError
from db.models import Case, CaseAssignment
from db.session import make_session_factory, session_scope

GOOD = {"case_number": "（2022）内0221执101号", "filed_on": "2022-03-01", "closed_on": "2022-04-01",
        "closing_method": "completed", "team": "简案团队", "target_amount": "2690",
        "recovered_amount": "2690"}


@pytest.fixture
def factory(engine: Engine):  # noqa: ANN201
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        build_org(session, random.Random(1))
    return factory


def _cases(factory: Any) -> int:
    with session_scope(factory) as session:
        return session.scalar(select(func.count()).select_from(Case))


@pytest.mark.parametrize(("bad", "field", "words"), [
    ({"case_number": "2022内0221执5号"}, "case_number", "案号"),
    ({"team": "不存在的团队"}, "team", "团队“不存在的团队”不存在"),
    ({"filed_on": "2022-05-01", "closed_on": "2022-04-01"}, "closed_on", "早于立案日期"),
    ({"target_amount": "-5"}, "target_amount", "不能为负数"),
])
def test_bad_row_is_rejected_and_nothing_written(factory: Any, bad: dict, field: str,
                                                 words: str) -> None:
    rows = [GOOD, {**GOOD, "case_number": "（2022）内0221执102号", **bad}]
    with pytest.raises(ValidationError) as info, session_scope(factory) as session:
        add_cases(session, rows)
    assert info.value.row == 2 and info.value.field == field
    assert str(info.value).startswith("第 2 行：") and words in str(info.value)
    assert _cases(factory) == 0


def test_good_rows_are_written_with_assignments(factory: Any) -> None:
    with session_scope(factory) as session:
        add_cases(session, [GOOD, {**GOOD, "case_number": "（2022）内0221执102号"}])
    assert _cases(factory) == 2
    with session_scope(factory) as session:
        assert session.scalar(select(func.count()).select_from(CaseAssignment)) == 2
