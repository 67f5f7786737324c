"""Dialect helpers, cross-backend equality, settings variants and monthly trends."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Numeric, case, cast, literal, select
from sqlalchemy.orm import Session

from db.indicators import (
    Period,
    SettingsError,
    compute,
    compute_all,
    load_indicator_settings,
    month_periods,
    monthly_trend,
    settings_from_dict,
)
from db.indicators.dialect import cents
from db.session import make_engine
from db.sqldates import add_months, days_between
from tests.backends import BACKENDS, clear_all
from tests.db import test_indicators_data as data

D = dt.date.fromisoformat
P = Period.parse("2022-01-01:2022-06-30")


@pytest.mark.parametrize(("start", "months", "expected"), [
    ("2021-08-31", 6, "2022-02-28"), ("2019-08-31", 6, "2020-02-29"),
    ("2022-01-31", 1, "2022-02-28"), ("2022-01-15", 3, "2022-04-15"),
    ("2021-12-31", 12, "2022-12-31"),
])
def test_add_months_clamps_to_month_end(engine, start: str, months: int, expected: str) -> None:
    with engine.connect() as conn:
        got = conn.execute(select(add_months(literal(D(start)), months))).scalar()
    assert str(got)[:10] == expected


def test_days_between_and_exact_cents(engine) -> None:
    amount = cast(literal("1234.57"), Numeric(18, 2))
    with engine.connect() as conn:
        days = conn.execute(select(days_between(literal(D("2021-03-01")),
                                                literal(D("2022-02-10"))))).scalar()
        money = conn.execute(select(cents(amount))).scalar()
    assert int(days) == 346
    assert int(money) == 123457


def _without_ids(results: dict) -> dict:
    """Key entities by name: autoincrement ids differ between reused databases."""
    return {
        scope: {row["name"]: row["indicators"] for row in rows}
        for scope, rows in results.items()
    }


def test_every_backend_gives_identical_results(migrated_urls) -> None:
    results = {}
    for backend in BACKENDS:
        eng = make_engine(migrated_urls[backend])
        try:
            clear_all(eng)
            data.seed(eng)
            with Session(eng) as session:
                results[backend] = _without_ids(compute_all(session, P))
        finally:
            eng.dispose()
    assert results["postgresql"] == results["sqlite"]
    assert results["mariadb"] == results["sqlite"]


def test_variants_are_settings(sqlite_engine) -> None:
    data.seed(sqlite_engine)
    variant = settings_from_dict({
        "rules": {"payment_limit_days": 70, "legal_limit_months": 12},
        "scope_categories": {"court": ["first"]},
        "indicators": {
            "completion_rate": {"denominator": "closed"},
            "first_avg_days": {"numerator": "closed.days_net"},
            "closure_rate": {"rounding": "ROUND_HALF_UP", "digits": 1},
        },
    })
    with Session(sqlite_engine) as session:
        (court,) = compute(session, "court", period=P, settings=variant, compare=False)
    ind = court["indicators"]
    assert ind["closure_rate"]["display"] == "66.7%"  # 首执 only: 6/9, half-up to 1 digit
    assert ind["completion_rate"]["display"] == "66.66%"  # ÷结案: 4/6
    assert ind["first_avg_days"]["display"] == "128.50天"  # (801 − 30 paused) / 6
    assert ind["legal_limit_rate"]["display"] == "100.00%"  # 12-month limit
    assert ind["payment_timely_rate"]["numerator"] == 2  # 15 and 61 days ≤ 70


def test_default_file_reproduces_registry_defaults() -> None:
    settings = load_indicator_settings(None)
    assert settings.indicators["completion_rate"].denominator == "accepted"
    assert settings.indicators["completion_rate"].rounding == "ROUND_DOWN"
    assert settings.team_kind_digits == {"preservation": {"%": 0}}
    assert settings.payment_limit_days == 30
    assert settings.scope_categories["court"] == ("first", "resumed")


@pytest.mark.parametrize(("data_", "message"), [
    ({"indicators": {"nope": {}}}, "未知的指标“nope”"),
    ({"indicators": {"closure_rate": {"denominator": "accepted.days"}}}, "closure_rate.denominator"),
    ({"indicators": {"closure_rate": {"rounding": "UP"}}}, "rounding"),
    ({"indicators": {"closure_rate": {"colour": 1}}}, "未知的配置项“colour”"),
    ({"rules": {"payment_limit_days": -1}}, "rules.payment_limit_days"),
    ({"scope_categories": {"court": ["criminal"]}}, "未知的案件类别“criminal”"),
    ({"team_kind_digits": {"giant": {"%": 0}}}, "未知的团队类型“giant”"),
])
def test_bad_settings_name_the_key(data_, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        settings_from_dict(data_)


def test_bad_settings_file_names_the_file(tmp_path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[indicators.closure_rate]\ndigits = 9\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="bad.toml.*digits"):
        load_indicator_settings(path)
    with pytest.raises(SettingsError, match="不存在"):
        load_indicator_settings(tmp_path / "missing.toml")


def test_unknown_key_and_reversed_period_are_reported(sqlite_engine) -> None:
    with pytest.raises(ValueError, match="起始日"):
        Period(D("2022-02-01"), D("2022-01-01"))
    with pytest.raises(ValueError, match="格式不正确"):
        Period.parse("2022-01-01")
    with Session(sqlite_engine) as session, pytest.raises(ValueError, match="未知的指标"):
        compute(session, "court", period=P, keys=["nope"])


def test_monthly_trend_equals_month_by_month_compute(engine) -> None:
    data.seed(engine)
    months = month_periods(D("2022-01-01"), 6)
    ids = data.ids(engine)
    with Session(engine) as session:
        trend = monthly_trend(session, "closure_rate", "team", None, months,
                              load_indicator_settings(None))
        expected = {
            ids[name]: [
                None if r["indicators"]["closure_rate"]["value"] is None
                else float(Decimal(r["indicators"]["closure_rate"]["value"]))
                for r in [_one(session, ids[name], m) for m in months]
            ]
            for name in ("简案一组", "保全组", "繁案空组")
        }
    assert trend == expected
    assert trend[ids["繁案空组"]] == [None] * 6


def _one(session: Session, team: int, month: Period) -> dict:
    (row,) = compute(session, "team", ids=[team], period=month, compare=False,
                     keys=["closure_rate"])
    return row


def test_limit_months_change_is_not_served_from_the_statement_cache(sqlite_engine) -> None:
    data.seed(sqlite_engine)
    longer = settings_from_dict({"rules": {"legal_limit_months": 12}})
    with Session(sqlite_engine) as session:
        (six,) = compute(session, "court", period=P, compare=False, keys=["legal_limit_rate"])
        (twelve,) = compute(session, "court", period=P, compare=False, settings=longer,
                            keys=["legal_limit_rate"])
    assert six["indicators"]["legal_limit_rate"]["display"] == "83.33%"
    assert twelve["indicators"]["legal_limit_rate"]["display"] == "100.00%"


def _months_later(day: dt.date, months: int) -> dt.date:
    """day + months, clamped to the month's last day (as sqldates.add_months)."""
    year, month = divmod(day.month - 1 + months, 12)
    target = dt.date(day.year + year, month + 1, 1)
    last = (target.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return target.replace(day=min(day.day, last.day))


def test_within_limit_by_date_equals_the_day_counts(engine) -> None:
    """法定期限内结案 with no pause or extension is tested as 结案 <= 立案 + N months (limits.py):
    for cases closed on their last day and the day after (month ends, a leap February, a
    year's end, 非诉), and the crafted cases with pauses and extensions, the same answer as
    the day counts (结案 − 立案) − 扣除 <= (立案 + N months − 立案) + 延长."""
    from db.indicators.limits import _limit_days, net_days, within_limit_test
    from db.models import Case, Court

    settings = load_indicator_settings(None)
    data.seed(engine)
    filed_days = ["2021-08-31", "2021-08-30", "2023-08-31", "2022-01-31", "2021-12-31",
                  "2022-06-15", "2021-07-31", "2022-11-30"]
    with Session(engine) as session, session.begin():
        court = session.scalars(select(Court)).one()
        serial = 9000
        for filed in map(D, filed_days):
            for non_litigation in (False, True):
                months = (settings.non_litigation_limit_months if non_litigation
                          else settings.legal_limit_months)
                last = _months_later(filed, months)
                for closed in (last - dt.timedelta(days=1), last, last + dt.timedelta(days=1)):
                    serial += 1
                    session.add(Case(
                        court_id=court.id, case_number=f"（{filed.year}）{court.code}执{serial}号",
                        year=filed.year, court_code=court.code, type_code="执", serial=serial,
                        category="first", filed_on=filed, closed_on=closed,
                        closing_method="completed", non_litigation=non_litigation))
    limit = case((Case.non_litigation.is_(True),
                   _limit_days(settings.non_litigation_limit_months)),
                  else_=_limit_days(settings.legal_limit_months))
    by_days = net_days() <= limit + Case.extension_days
    with Session(engine) as session:
        rows = session.execute(
            select(Case.filed_on, Case.closed_on, Case.non_litigation, Case.paused_days,
                   Case.extension_days, case((within_limit_test(settings), 1), else_=0),
                   case((by_days, 1), else_=0))
            .where(Case.closed_on.is_not(None))).all()
    assert len(rows) > 48
    assert any(r.paused_days or r.extension_days for r in rows)
    for filed, closed, non_litigation, paused, extension, got, want in rows:
        assert got == want, (filed, closed, non_litigation, paused, extension)
        if not paused and not extension:
            months = (settings.non_litigation_limit_months if non_litigation
                      else settings.legal_limit_months)
            assert got == (D(str(closed)[:10]) <= _months_later(D(str(filed)[:10]), months))


def test_holders_in_keeps_the_groups_of_every_listed_entity() -> None:
    """sql.holders_in (compute_all's `only` read in SQL): a group counts for its court, its
    team and its officer, so a row is kept when any of the three is listed; None is the
    groups of no such entity; nothing listed reads nothing; no holders reads everything."""
    from sqlalchemy import column

    from db.indicators.sql import holders_in

    cols = {"court": column("c"), "team": column("t"), "officer": column("o")}
    assert holders_in(cols, None) == []
    (cond,) = holders_in(cols, {"court": [2, 1], "team": [None, 5], "officer": []})
    assert str(cond.compile(compile_kwargs={"literal_binds": True})) == \
        "c IN (1, 2) OR t IN (5) OR t IS NULL"
    (nothing,) = holders_in(cols, {"court": [], "team": [], "officer": []})
    assert str(nothing.compile()) == "false"
