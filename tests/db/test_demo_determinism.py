"""Same seed → same demo court; another seed → another court with the same figures."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from db import migrate
from db.demo import seed_demo
from db.demo.calibrate import W2021, W2022, court_counts, first_days
from db.demo.org import OrgPlan
from db.demo.seed import build_drafts
from db.models import Case
from db.session import make_engine

TODAY = dt.date(2022, 12, 31)


def _seeded(tmp: Path, name: str, seed: int) -> tuple[Engine, dict]:
    url = f"sqlite:///{tmp / name}.db"
    migrate.upgrade(url)
    eng = make_engine(url)
    return eng, seed_demo(eng, today=TODAY, seed=seed)


def _cases(eng: Engine) -> list[tuple]:
    with eng.connect() as conn:
        return conn.execute(select(
            Case.case_number, Case.filed_on, Case.closed_on, Case.closing_method,
            Case.target_amount, Case.recovered_amount, Case.team_id, Case.origin_case_id,
        ).order_by(Case.id)).all()


def test_same_seed_same_court(tmp_path: Path) -> None:
    one, first = _seeded(tmp_path, "a", 20221001)
    two, second = _seeded(tmp_path, "b", 20221001)
    assert first == second
    assert _cases(one) == _cases(two)


def _plan() -> OrgPlan:
    keys = ("center", "simple", "complex1", "complex2", "preservation")
    staff = {k: {r: [i * 10 + j for j in range(1, 4)] for r in ("judge", "assistant", "clerk", "bailiff")}
             for i, k in enumerate(keys)}
    return OrgPlan(court_id=1, team_ids={k: i for i, k in enumerate(keys)}, staff=staff, movers={11: "complex1"})


@pytest.mark.parametrize(("seed", "today"), [
    (3, dt.date(2025, 6, 30)), (11, dt.date(2022, 10, 1)), (20221001, dt.date(2022, 10, 1)),
    (20221001, dt.date(2022, 11, 15)), (99, dt.date(2030, 1, 1)),
])
def test_calibration_hits_the_figures_for_any_seed(seed: int, today: dt.date) -> None:
    """In memory (no database): the court figures land in range whatever the seed or today."""
    import random

    drafts, campaign = build_drafts(random.Random(seed), random.Random(seed + 1), _plan(), today)
    n22, k22 = court_counts(drafts, W2022)
    n21, k21 = court_counts(drafts, W2021)
    assert int(k22 * 10000 / n22) == 8121 and int(k21 * 10000 / n21) == 4972
    c22, s22 = first_days(drafts, W2022)
    c21, s21 = first_days(drafts, W2021)
    assert (s22 * 100 // c22, s21 * 100 // c21) == (8365, 13591)
    assert len(campaign) == 18


def test_other_seed_other_cases() -> None:
    def dates(seed: int) -> list[tuple]:
        import random

        drafts, _ = build_drafts(random.Random(seed), random.Random(seed), _plan(), TODAY)
        return sorted((d.filed, d.closed or TODAY, d.method or "") for d in drafts)

    assert dates(1) != dates(2)


def test_today_before_the_article_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'early'}.db"
    migrate.upgrade(url)
    with pytest.raises(ValueError, match="不能早于 2022-10-01"):
        seed_demo(make_engine(url), today=dt.date(2022, 9, 1))
