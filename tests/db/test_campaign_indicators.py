"""Registry indicators as 专项行动 targets (issue #19) on SQLite, PostgreSQL and MariaDB: the
indicator engine restricted to a campaign's case scope (``cases_where``) and period — the scope
narrows, the period's first and last days count, the explain lists equal the numbers, and a scope
of every case gives the court's own figure from the engine."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.auth.access import Principal
from db.campaigns import edit
from db.campaigns.figures import campaign_report, explain_indicator
from db.campaigns.indicators import TARGETABLE
from db.errors import ValidationError
from db.indicators import compute
from db.indicators.period import Period
from db.models import Case, CaseParty, Payment
from tests.db.nodes_factory import D, make_case, make_org

START, END = D(2026, 11, 10), D(2026, 11, 20)
TODAY = D(2026, 12, 1)
CENTER = Principal(user_id=None, username="center1", display_name="指挥中心", role="center")
KEYS = ("closure_rate", "completion_rate", "first_avg_days", "closed", "pending", "recovery_rate",
        "payment_timely_rate", "completed_avg_days", "pending_payout", "triage_pending")


def _form(scope: dict | None = None, targets: dict | None = None, **extra) -> edit.CampaignForm:
    return edit.parse_form({"name": "结案率攻坚", "started_on": START.isoformat(),
                            "ended_on": END.isoformat(), "scope": scope or {},
                            "targets": targets or {f"ind.{k}": "50" for k in KEYS}, **extra})


def _case(s: Session, org, filed: dt.date, *, team: int = 0, closed_on: dt.date | None = None,
          method: str = "completed", category: str = "first", cause: str = "民间借贷纠纷",
          amount: str = "10000", recovered: str | None = None) -> Case:
    case = make_case(s, org, filed, team=team, closed_on=closed_on, category=category,
                     closing_method=method if closed_on else None)
    case.cause, case.target_amount = cause, Decimal(amount)
    if recovered is not None:
        case.recovered_amount = Decimal(recovered)
    s.add(CaseParty(case_id=case.id, role="respondent", kind="natural", name="王某某"))
    s.flush()
    return case


def _court(s: Session, org) -> None:
    """A small court: cases closed before, on the first day, inside, on the last day and after the
    period, in two teams, two categories and two causes, some with payments."""
    _case(s, org, D(2026, 1, 5), closed_on=START - dt.timedelta(days=1))
    first = _case(s, org, D(2026, 2, 1), closed_on=START, recovered="3000")
    _case(s, org, D(2026, 3, 1), closed_on=D(2026, 11, 14), method="terminated_this_round", team=1)
    last = _case(s, org, D(2026, 4, 1), closed_on=END, cause="追索劳动报酬纠纷", recovered="8000")
    _case(s, org, D(2026, 5, 1), closed_on=END + dt.timedelta(days=1))
    _case(s, org, D(2026, 6, 1), team=1, cause="追索劳动报酬纠纷")
    _case(s, org, D(2026, 11, 12), category="resumed", closed_on=D(2026, 11, 18))
    _case(s, org, D(2026, 11, 15))
    _case(s, org, D(2026, 11, 21))  # filed after the period
    s.add_all([Payment(case_id=first.id, received_on=START, amount=Decimal("100"),
                       paid_out_on=START + dt.timedelta(days=3), paid_amount=Decimal("100")),
               Payment(case_id=last.id, received_on=D(2026, 10, 1), amount=Decimal("50"),
                       paid_out_on=END, paid_amount=Decimal("50")),
               Payment(case_id=last.id, received_on=D(2026, 11, 15), amount=Decimal("70.5"))])
    s.flush()


def _figures(s: Session, cid: int, today: dt.date = TODAY) -> dict[str, dict]:
    return {f["indicator"]: f for f in campaign_report(s, cid, today)["indicators"]}


def _check_explain(s: Session, cid: int, figures: dict[str, dict], today: dt.date = TODAY) -> None:
    """Each indicator's explain lists give its numerator and denominator."""
    for key, f in figures.items():
        rows = explain_indicator(s, cid, key, today)
        for part in ("numerator", "denominator"):
            if f[part] is None:
                continue
            listed = rows[part]
            if (listed and "value" in listed[0]) or isinstance(f[part], str):  # sums (days, 元)
                total = sum(Decimal(str(r["value"])) for r in listed)
                assert total == Decimal(str(f[part])), (key, part)
            else:
                assert len(listed) == f[part], (key, part)


def test_full_scope_equals_the_courts_figure(engine: Engine) -> None:
    """One number, one definition: a campaign over every case gives the engine's court figure for
    the same period, indicator by indicator, numerator and denominator."""
    with Session(engine) as s:
        org = make_org(s)
        _court(s, org)
        cid = edit.create(s, CENTER, org.court.id, _form())
        figures = _figures(s, cid)
        court = compute(s, "court", [org.court.id], Period(START, END), compare=False,
                        keys=KEYS)[0]["indicators"]
        _check_explain(s, cid, figures)
    assert set(figures) == set(KEYS)
    for key in KEYS:
        assert (figures[key]["display"], figures[key]["numerator"], figures[key]["denominator"]) == \
            (court[key]["display"], court[key]["numerator"], court[key]["denominator"]), key
    assert figures["closed"]["value"] == 4  # first day, inside, last day (the resumed one too)


def test_scope_restricts_the_engine(engine: Engine) -> None:
    with Session(engine) as s:
        org = make_org(s)
        _court(s, org)
        team1 = edit.create(s, CENTER, org.court.id, _form({"teams": [org.teams[1].id]}))
        wages = edit.create(s, CENTER, org.court.id, _form({"livelihood": "yes"}))
        resumed = edit.create(s, CENTER, org.court.id, _form({"categories": ["resumed"]}))
        got = {name: _figures(s, cid) for name, cid in
               (("team1", team1), ("wages", wages), ("resumed", resumed))}
        for cid, figures in zip((team1, wages, resumed), got.values(), strict=True):
            _check_explain(s, cid, figures)
    # team 1: one closed in the period (终本) of two accepted (the other still open)
    assert (got["team1"]["closed"]["value"], got["team1"]["closure_rate"]["numerator"],
            got["team1"]["closure_rate"]["denominator"]) == (1, 1, 2)
    assert Decimal(got["team1"]["completion_rate"]["value"]) == 0
    # 涉民生: the wages case closed on the last day and the open one
    assert (got["wages"]["closure_rate"]["numerator"], got["wages"]["closure_rate"]["denominator"]) == (1, 2)
    assert got["wages"]["payment_timely_rate"]["denominator"] == 1
    assert got["wages"]["pending_payout"]["numerator"] == "70.50"
    assert got["team1"]["pending_payout"]["numerator"] == "0.00"
    # 恢复执行 only: the registry's court categories include resumed cases
    assert (got["resumed"]["closed"]["value"], got["resumed"]["closure_rate"]["denominator"]) == (1, 1)
    assert got["resumed"]["payment_timely_rate"]["value"] is None  # no payment: no ratio


def test_period_boundaries_and_progress(engine: Engine) -> None:
    """The first and the last day count; while running, the figure is up to today; before the
    start there is none. A lower-is-better target is a ceiling."""
    with Session(engine) as s:
        org = make_org(s)
        _court(s, org)
        cid = edit.create(s, CENTER, org.court.id, _form(targets={"ind.closed": "8", "ind.first_avg_days": "100",
                                                                 "ind.closure_rate": "90"}))
        first_day = _figures(s, cid, START)
        before = _figures(s, cid, START - dt.timedelta(days=1))
        done = _figures(s, cid)
        _check_explain(s, cid, first_day, START)
    assert first_day["closed"]["value"] == 1 and done["closed"]["value"] == 4
    assert before["closed"]["value"] is None and before["closed"]["behind"] is False
    days = done["first_avg_days"]
    assert days["direction"] == "lower" and days["value"] > 100 and days["met"] is False and days["behind"]
    assert days["progress"] == pytest.approx(100 / days["value"])
    assert done["closed"]["progress"] == pytest.approx(0.5) and done["closed"]["met"] is False
    rate = done["closure_rate"]
    assert rate["met"] is (rate["value"] >= 90) and rate["behind"] is not rate["met"]


def test_targets_are_checked(engine: Engine) -> None:
    with pytest.raises(ValidationError, match="不是可作专项行动目标的指标"):
        _form(targets={"ind.closed_per_judge": "5"})  # 员额法官: not made of case rows
    with pytest.raises(ValidationError, match="结案率的目标应为数字"):
        _form(targets={"ind.closure_rate": "很高"})
    assert "closure_rate" in TARGETABLE and "accepted" not in TARGETABLE
    assert _form(targets={"ind.closure_rate": "85%", "closed": ""}).targets == {"ind.closure_rate": 85.0}
