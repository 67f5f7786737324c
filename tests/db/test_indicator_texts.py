"""Words generated from the registry: formulas name their own measures, one status vocabulary,
the caveat rule for young periods and thin denominators (issue #15 §3)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from db.indicators.engine import caveat, indicator_entry, period_caveat
from db.indicators.period import Period
from db.indicators.registry import (
    CASE_VALUES,
    PAYMENT_VALUES,
    REGISTRY,
    measure_source,
    split_measure,
)
from db.indicators.settings import load_indicator_settings
from db.indicators.sql import Need
from db.indicators.texts import (
    STATUS_WORDS,
    definitions,
    formula_text,
    measure_text,
    scope_label,
)


def test_every_formula_names_its_own_numerator_and_denominator() -> None:
    settings = load_indicator_settings(None)
    for key, ind in settings.indicators.items():
        text = formula_text(ind, settings.categories(ind, "court"))
        assert text.startswith(f"{ind.name} = {measure_text(ind.numerator)}"), key
        if ind.denominator:
            assert f" ÷ {measure_text(ind.denominator)}" in text, key
        assert "数数" not in text, key
        for measure in (ind.numerator, ind.denominator):
            if measure is None:
                continue
            rows, value = split_measure(measure)
            source = measure_source(measure)
            if value == "days" and source == "payments":
                assert PAYMENT_VALUES["days"] in text, key
            elif value == "days" and source == "cases":  # a case's 结案用时, never the payments' 到账至发放天数
                assert CASE_VALUES["days"] in text and "到账" not in text, key
            elif value == "days":  # the center's and 分流 rows: days of their own, never 到账至发放
                assert "天" in text and PAYMENT_VALUES["days"] not in text, key


def test_the_three_average_days_name_the_closing_time() -> None:
    for key in ("first_avg_days", "completed_avg_days", "avg_days"):
        assert "结案用时" in formula_text(REGISTRY[key]) and "到账" not in formula_text(REGISTRY[key])
    assert formula_text(REGISTRY["payment_avg_days"]).count("笔数数") == 0


def test_scope_labels() -> None:
    assert scope_label(("first", "resumed")) == "不含执保"
    assert scope_label(("first",)) == "仅首执"
    assert scope_label(("first", "resumed", "preservation")) == "含执保"
    defs = definitions(load_indicator_settings(None))
    assert defs["accepted"]["court"]["scope"] == "不含执保"
    assert defs["accepted"]["team"]["scope"] == "含执保"
    assert "不含执保" in defs["closed"]["court"]["formula"]


def test_one_status_vocabulary() -> None:
    from callbacks.desk.views import STATUS_LABELS
    from dashboard.cli.indicators import STATUS_LABELS as CLI
    from layouts.desk.common import STATUS_TEXT
    from layouts.wall.marks import LIGHTS

    for status in ("good", "warn", "bad"):
        words = {STATUS_WORDS[status], STATUS_LABELS[status], CLI[status], STATUS_TEXT[status],
                 LIGHTS[status].text}
        assert words == {STATUS_WORDS[status]}


def test_young_period_and_thin_denominator_get_a_neutral_caveat() -> None:
    settings = load_indicator_settings(None)
    rate = settings.indicators["closure_rate"]
    assert period_caveat(Period(dt.date(2026, 12, 1), dt.date(2026, 12, 3))) == "月初"
    assert period_caveat(Period(dt.date(2026, 1, 1), dt.date(2026, 1, 2))) == "年初"
    assert period_caveat(Period(dt.date(2026, 12, 1), dt.date(2026, 12, 7))) is None
    cats = settings.categories(rate, "court")
    sums = {(0, Need("closed", cats)): 1, (0, Need("accepted", cats)): 17}
    entry = indicator_entry(rate, sums, "court", settings, None, False, "月初")
    assert entry["value"] == "5.88" and entry["status"] == "caveat" and entry["caveat"] == "月初"
    thin = {(0, Need("closed", cats)): 1, (0, Need("accepted", cats)): 3}
    assert indicator_entry(rate, thin, "court", settings, None, False)["caveat"] == "样本少"
    full = {(0, Need("closed", cats)): 1, (0, Need("accepted", cats)): 100}
    entry = indicator_entry(rate, full, "court", settings, None, False)
    assert entry["status"] == "bad" and entry["caveat"] is None
    # amounts are no sample size: only the young-period rule applies to them
    assert caveat(settings.indicators["recovery_rate"], 5, None) is None
    assert Decimal(entry["value"]) == Decimal("1.00")


def test_ytd_closure_rate_is_judged_against_the_charted_monthly_target() -> None:
    """87% on 3 December: 达标 against the 80% threshold, but below December's 93% floor that
    the trend chart draws — the tile must say 临界 and name the 93% it was judged against."""
    settings = load_indicator_settings(None)
    rate = settings.indicators["closure_rate"]
    cats = settings.categories(rate, "court")
    sums = {(0, Need("closed", cats)): 87, (0, Need("accepted", cats)): 100}
    ytd = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 3))
    entry = indicator_entry(rate, sums, "court", settings, None, False, None, ytd)
    assert entry["status"] == "warn" and "93%" in entry["basis"] and "目标线" in entry["basis"]
    low = {(0, Need("closed", cats)): 80, (0, Need("accepted", cats)): 100}
    assert indicator_entry(rate, low, "court", settings, None, False, None, ytd)["status"] == "bad"
    month = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))  # not year-to-date: thresholds
    entry = indicator_entry(rate, sums, "court", settings, None, False, None, month)
    assert entry["status"] == "good" and entry["basis"] == "达标 ≥80%，临界 ≥70%"
