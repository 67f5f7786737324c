"""繁简分流 indicators in SQL on SQLite, PostgreSQL and MariaDB; explain lists equal the numbers."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from db.indicators import Period, compute, compute_all, explain
from tests.db import triage_data as data

P = Period.parse("2026-03-01:2026-03-31")
KEYS = ("triage_avg_days", "triage_pending", "triage_pending_age", "simple_share",
        "conversion_rate", "simple_avg_days", "complex_avg_days", "override_rate")
COURT = {  # key: (display, numerator, denominator)
    "triage_avg_days": ("2.00天", 6, 3),  # waits 2 + 0 + 4
    "triage_pending": ("2件", 2, None),  # filed 03-28 (open), and 02-20 confirmed only on 04-02
    "triage_pending_age": ("21.00天", 42, 2),  # 3 + 39 days at 03-31
    "simple_share": ("66.66%", 2, 3),
    "conversion_rate": ("50.00%", 1, 2),  # the first 简案 moved to 繁 on 03-20
    "simple_avg_days": ("20.00天", 20, 1),
    "complex_avg_days": ("64.00天", 64, 1),
    "override_rate": ("33.33%", 1, 3),
}
SIMPLE_TEAM = {
    "triage_avg_days": ("3.00天", 6, 2), "triage_pending": ("0件", 0, None),
    "simple_share": ("100.00%", 2, 2), "conversion_rate": ("50.00%", 1, 2),
    "simple_avg_days": ("20.00天", 20, 1), "override_rate": ("0.00%", 0, 2),
}
COMPLEX_TEAM = {
    "triage_avg_days": ("0.00天", 0, 1), "simple_share": ("0.00%", 0, 1),
    "complex_avg_days": ("64.00天", 64, 1), "override_rate": ("100.00%", 1, 1),
}


@pytest.fixture
def seeded(engine) -> tuple[Any, dict[str, Any]]:
    return engine, data.seed_indicators(engine)


def _got(entry: dict[str, Any], keys: Any) -> dict[str, Any]:
    return {k: (entry[k]["display"], entry[k]["numerator"], entry[k]["denominator"]) for k in keys}


def test_court_figures(seeded) -> None:
    engine, ids = seeded
    with Session(engine) as session:
        (court,) = compute(session, "court", period=P, compare=False, keys=KEYS)
    assert _got(court["indicators"], KEYS) == COURT


def test_team_figures_follow_the_holder(seeded) -> None:
    """A team sees the 分流 of the cases it holds; waiting cases have no team (court only)."""
    engine, ids = seeded
    with Session(engine) as session:
        simple, complex_ = compute(session, "team", ids=[ids["simple"], ids["complex"]], period=P,
                                   compare=False, keys=KEYS)
    assert _got(simple["indicators"], SIMPLE_TEAM) == SIMPLE_TEAM
    assert _got(complex_["indicators"], COMPLEX_TEAM) == COMPLEX_TEAM


def test_compute_all_agrees_and_court_is_the_sum_of_parts(seeded) -> None:
    engine, ids = seeded
    with Session(engine) as session:
        every = compute_all(session, P, compare=False, keys=KEYS,
                            parts_for=[ids["simple"], ids["complex"]])
    (court,) = every["court"]
    assert _got(court["indicators"], KEYS) == COURT
    parts = every["court_parts"]
    for key in KEYS:
        slots = [t["indicators"][key] for t in parts["teams"]] + [parts["other"]["indicators"][key]]
        assert sum(int(s["numerator"]) for s in slots) == COURT[key][1], key


@pytest.mark.parametrize("scope", ["court", "team", "officer"])
def test_explain_rows_match_every_number(seeded, scope: str) -> None:
    engine, ids = seeded
    entities = {"court": [ids["court"]], "team": [ids["simple"], ids["complex"]],
                "officer": [ids["jia"], ids["yi"], ids["bing"]]}[scope]
    with Session(engine) as session:
        results = compute(session, scope, ids=entities, period=P, compare=False, keys=KEYS)
        for result in results:
            for key in KEYS:
                entry = result["indicators"][key]
                rows = explain(session, key, scope, result["id"], P)
                for part in ("numerator", "denominator"):
                    want = entry[part]
                    if want is None:
                        continue
                    got = (sum(r["value"] for r in rows[part]) if "value" in (rows[part] or [{}])[0]
                           else len(rows[part]))
                    assert got == want, (scope, result["name"], key, part, rows[part])


def test_explain_lists_the_cases(seeded) -> None:
    engine, ids = seeded
    with Session(engine) as session:
        rows = explain(session, "conversion_rate", "court", ids["court"], P)
        pending = explain(session, "triage_pending_age", "court", ids["court"], P)
    assert [r["id"] for r in rows["numerator"]] == [ids["c1"]]
    assert sorted(r["id"] for r in rows["denominator"]) == sorted([ids["c1"], ids["c3"]])
    assert {r["id"]: r["value"] for r in pending["numerator"]} == {ids["c5"]: 39, ids["c4"]: 3}


@pytest.mark.parametrize("max_columns", [1000, 4])
def test_triage_sums_of_several_jobs_equal_each_jobs_own(seeded, monkeypatch,
                                                         max_columns: int) -> None:
    """The incremental refresh reads the 分流 rows once for the periods of all its passes
    (triage_sums_jobs; split past MAX_COLUMNS sums): each pass's groups equal triage_sums
    of its periods and teams."""
    import datetime as dt

    from db.indicators import triage

    monkeypatch.setattr(triage, "MAX_COLUMNS", max_columns)

    from sqlalchemy import select

    from db.indicators import load_indicator_settings
    from db.indicators.engine import needs_by_source
    from db.indicators.triage import triage_sums, triage_sums_jobs
    from db.models import Team

    engine, _ = seeded
    settings = load_indicator_settings(None)
    needs = needs_by_source(list(settings.indicators.values()), settings,
                            ["court", "team", "officer"])["triage"]
    year = Period(dt.date(2026, 1, 1), dt.date(2026, 11, 30))
    month = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    jobs = [([year, year.previous_year()], needs), ([month], needs[::2]),
            ([dt_p for dt_p in (Period(dt.date(2026, m, 1), dt.date(2026, m, 28))
                                for m in (3, 9))], needs[1::2]), ([month], [])]
    with Session(engine) as session:
        team_ids = list(session.scalars(select(Team.id)))
        for listed in ({*team_ids, None}, {None}, set(team_ids[:1])):
            got = triage_sums_jobs(session, jobs, listed)
            for (periods, job_needs), found in zip(jobs, got, strict=True):
                assert found == triage_sums(session, periods, job_needs, teams=listed)
        assert any(triage_sums_jobs(session, jobs, {*team_ids, None})[0].values())
