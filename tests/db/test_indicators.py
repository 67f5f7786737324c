"""Indicator values on crafted cases, on SQLite, PostgreSQL and MariaDB."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from db.indicators import REGISTRY, Period, compute, compute_all, explain
from tests.db import test_indicators_data as data

P = Period.parse("2022-01-01:2022-06-30")

COURT = {  # key: (display, numerator, denominator)
    "accepted": ("10件", 10, None), "carried": ("3件", 3, None), "new": ("7件", 7, None),
    "closed": ("7件", 7, None), "pending": ("3件", 3, None),
    "closure_rate": ("70.00%", 7, 10), "close_to_new_ratio": ("100.00%", 7, 7),
    "closed_per_judge": ("2.33件", 7, 3), "completed": ("5件", 5, None),
    "completion_rate": ("50.00%", 5, 10), "termination_rate": ("16.66%", 1, 6),
    "actual_rate": ("71.42%", 5, 7), "recovery_rate": ("56.46%", "1750.75", "3100.50"),
    "legal_limit_rate": ("83.33%", 5, 6), "first_avg_days": ("133.50天", 801, 6),
    "completed_avg_days": ("129.50天", 518, 4), "avg_days": ("118天", 832, 7),
    "preservation_rate": ("50.00%", 1, 2), "long_pending": ("1件", 1, None),
    "long_pending_ratio": ("33.33%", 1, 3), "payment_avg_days": ("38.66天", 116, 3),
    "payment_timely_rate": ("25.00%", 1, 4),
    "pending_payout": ("200.00元", "200.00", None),  # received 05-01 and 06-20, unpaid at 06-30
}


@pytest.fixture
def seeded(engine) -> tuple[Any, dict[str, int]]:
    data.seed(engine)
    return engine, data.ids(engine)


def _by_name(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r["indicators"] for r in results}


def test_registry_has_every_required_indicator() -> None:
    names = {i.name for i in REGISTRY.values()}
    assert {"受理数", "旧存", "新收", "结案数", "未结数", "结案率", "结收比", "人均结案数",
            "执行完毕数", "执行完毕率", "终本率", "实际执结率", "执行到位率", "法定期限内结案率",
            "首执案件结案平均用时", "执行完毕案件结案平均用时", "平均执行天数", "保全率",
            "超12个月未结案件数", "超12个月未结案件比", "案款发放平均天数",
            "案款发放及时率"} <= names


def test_court_values(seeded) -> None:
    engine, _ = seeded
    with Session(engine) as session:
        (court,) = compute(session, "court", period=P)
    got = {k: (v["display"], v["numerator"], v["denominator"])
           for k, v in court["indicators"].items() if k in COURT}
    assert got == COURT  # the 繁简分流 figures are checked in test_triage_indicators.py
    assert court["name"] == "测试法院"


def test_court_comparison_with_last_year(seeded) -> None:
    engine, _ = seeded
    with Session(engine) as session:
        (court,) = compute(session, "court", period=P)
    ind = court["indicators"]
    assert ind["accepted"]["compare_display"] == "3件"
    assert ind["accepted"]["delta_display"] == "+7件（+233.33%）"
    assert ind["closure_rate"]["compare_display"] == "0.00%"
    assert ind["closure_rate"]["delta_display"] == "+70.00个百分点"
    assert ind["closure_rate"]["delta"] == "70.00"
    # No 首执 closed last year: "—", never a division error.
    assert ind["first_avg_days"]["compare_value"] is None
    assert ind["first_avg_days"]["compare_display"] == "—"
    assert ind["first_avg_days"]["delta_display"] == "—"
    assert ind["long_pending_ratio"]["delta_display"] == "0.00个百分点"


def test_explicit_and_no_comparison(seeded) -> None:
    engine, _ = seeded
    with Session(engine) as session:
        (same,) = compute(session, "court", period=P, compare=P, keys=["closure_rate"])
        (none,) = compute(session, "court", period=P, compare=False, keys=["closure_rate"])
    assert same["indicators"]["closure_rate"]["delta_display"] == "0.00个百分点"
    assert none["indicators"]["closure_rate"]["compare_value"] is None
    assert none["indicators"]["closure_rate"]["delta_display"] is None
    assert list(none["indicators"]) == ["closure_rate"]


def test_team_values_reassignment_empty_team_and_preservation_digits(seeded) -> None:
    engine, _ = seeded
    with Session(engine) as session:
        teams = _by_name(compute(session, "team", period=P))
    simple, preservation, empty = teams["简案一组"], teams["保全组"], teams["繁案空组"]
    # （2022）执4 was moved from 保全组 to 简案一组: it counts for its current holder only.
    assert simple["accepted"]["numerator"] == 9 and simple["closed"]["numerator"] == 7
    assert simple["closure_rate"]["display"] == "77.77%"
    assert simple["preservation_rate"]["display"] == "—"
    assert preservation["accepted"]["numerator"] == 2
    # 保全团队 rates are published with 0 decimals (team_kind_digits).
    assert preservation["closure_rate"]["display"] == "50%"
    assert preservation["preservation_rate"]["display"] == "50%"
    assert preservation["avg_days"]["display"] == "10天"
    assert empty["accepted"]["display"] == "0件"
    assert empty["closure_rate"]["value"] is None and empty["closure_rate"]["display"] == "—"
    assert empty["closure_rate"]["status"] == "none"
    assert empty["closed_per_judge"]["display"] == "0.00件"


def test_officer_scope_and_id_filter(seeded) -> None:
    engine, ids = seeded
    with Session(engine) as session:
        officers = _by_name(compute(session, "officer", period=P, keys=["closed", "accepted"]))
        only = compute(session, "officer", ids=[ids["乙助理"]], period=P, keys=["accepted"])
    assert officers["甲法官"]["closed"]["numerator"] == 6
    assert officers["乙助理"]["accepted"]["numerator"] == 3
    assert officers["丁法官"]["accepted"]["numerator"] == 0
    assert "戊退休" not in officers  # inactive and holding no case
    assert [r["name"] for r in only] == ["乙助理"]


def test_partial_period_on_a_single_day(seeded) -> None:
    engine, _ = seeded
    with Session(engine) as session:
        (court,) = compute(session, "court", period=Period.parse("2022-06-30:2022-06-30"),
                           keys=["closed", "new", "first_avg_days"])
    ind = court["indicators"]
    assert ind["closed"]["numerator"] == 1 and ind["new"]["numerator"] == 1
    assert ind["first_avg_days"]["display"] == "0.00天"


def test_compute_all_matches_per_scope_compute(seeded) -> None:
    engine, _ = seeded
    with Session(engine) as session:
        everything = compute_all(session, P)
        separate = {s: compute(session, s, period=P) for s in ("court", "team", "officer")}
    assert everything == separate


def _check_rows(measure: str, value: Any, rows: list[dict[str, Any]], where: str) -> None:
    if "." in measure:  # a sum: each row carries its part
        total = sum(float(r["value"]) for r in rows)
        assert total == pytest.approx(float(value)), where
    else:
        assert len(rows) == int(value), where


def test_explain_rows_match_every_number(seeded) -> None:
    engine, ids = seeded
    scopes = [("court", ids["court"]), ("team", ids["简案一组"]), ("team", ids["保全组"]),
              ("team", ids["繁案空组"]), ("officer", ids["甲法官"])]
    with Session(engine) as session:
        for scope, entity in scopes:
            (result,) = compute(session, scope, ids=[entity], period=P, compare=False)
            for key, shown in result["indicators"].items():
                rows = explain(session, key, scope, entity, P)
                where = f"{scope} {entity} {key}"
                ind = REGISTRY[key]
                _check_rows(ind.numerator, shown["numerator"], rows["numerator"], where)
                if ind.denominator:
                    _check_rows(ind.denominator, shown["denominator"], rows["denominator"],
                                where + " denominator")


def test_explain_lists_case_rows(seeded) -> None:
    engine, ids = seeded
    with Session(engine) as session:
        rows = explain(session, "legal_limit_rate", "court", ids["court"], P)
    numbers = [r["case_number"] for r in rows["numerator"]]
    assert "（2021）内0221执1号" not in numbers  # 346 days, no extension
    assert "（2022）内0221执3号" in numbers  # 非诉: 118 days − 30 paused ≤ 90
    assert "（2021）内0221执2号" in numbers  # 233 days ≤ 183 + 60 extension
    first = rows["denominator"][0]
    assert set(first) == {"id", "case_number", "filed_on", "closed_on", "closing_method",
                          "team", "officer"}


def test_monthly_targets_are_validated() -> None:
    """A month outside 1–12 or a non-number is refused with a Chinese message."""
    import pytest as _pytest

    from db.indicators.settings import SettingsError, settings_from_dict

    ok = settings_from_dict({"monthly_targets": {"closure_rate_ytd": {"3": 18, "12": 93}}})
    assert ok.monthly_targets["closure_rate_ytd"][3] == 18
    with _pytest.raises(SettingsError, match="月份应为 1–12"):
        settings_from_dict({"monthly_targets": {"closure_rate_ytd": {"13": 1}}})
    with _pytest.raises(SettingsError, match="应为数字"):
        settings_from_dict({"monthly_targets": {"closure_rate_ytd": {"3": "x"}}})


def test_officer_results_name_their_team(seeded) -> None:
    """Officer rows carry their current team's name (the wall's ranking shows it)."""
    engine, _ = seeded
    with Session(engine) as session:
        officers = {r["name"]: r for r in compute(session, "officer", period=P)}
        (team,) = compute(session, "team", ids=[data.ids(engine)["简案一组"]], period=P)
    assert officers["甲法官"]["team"] == "简案一组"
    assert "team" not in team
