"""The center's 事务集约 indicators (issue #18 §2) on the three databases: exact values per
center person, per center unit and for the court, and each explain list equal to its number."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from db.indicators import Period, compute, explain, load_indicator_settings
from db.indicators.registry import CENTER_KEYS, REGISTRY, split_measure
from db.models import Case, CaseEvent, Court, Officer, Payment, Team
from db.session import make_session_factory, session_scope

NOV = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


def _utc(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """Naive UTC of a court-local (UTC+8) time."""
    return dt.datetime.combine(day, dt.time(hour, minute)) - 8 * H


def _seed(session: Session) -> dict[str, Any]:
    court = Court(code="内0221", name="包头市土默特右旗人民法院", short_name="土右旗法院")
    session.add(court)
    session.flush()
    center = Team(court_id=court.id, name="执行指挥中心", kind="center", sort_order=0)
    simple = Team(court_id=court.id, name="简案团队", kind="simple", sort_order=1)
    session.add_all([center, simple])
    session.flush()
    people = {
        "qiao": Officer(court_id=court.id, team_id=center.id, name="乔查控", role="assistant",
                        duty="query"),
        "song": Officer(court_id=court.id, team_id=center.id, name="宋送达", role="clerk",
                        duty="service"),
        "jing": Officer(court_id=court.id, team_id=center.id, name="靖法警", role="bailiff",
                        duty="dispatch"),
        "kuan": Officer(court_id=court.id, team_id=center.id, name="宽专管", role="assistant",
                        duty="funds"),
        "zhang": Officer(court_id=court.id, team_id=simple.id, name="张法官", role="judge"),
    }
    session.add_all(people.values())
    session.flush()
    p = {k: o.id for k, o in people.items()}

    def case(serial: int, filed: dt.date, closed: dt.date | None = None,
             method: str | None = None) -> Case:
        return Case(court_id=court.id, case_number=f"(2026)内0221执{serial}号", year=2026,
                    court_code="内0221", type_code="执", serial=serial, category="first",
                    filed_on=filed, closed_on=closed, closing_method=method,
                    team_id=simple.id, officer_id=p["zhang"])

    c1 = case(1, dt.date(2026, 11, 2))
    c2 = case(2, dt.date(2026, 11, 3))
    c3 = case(3, dt.date(2026, 10, 20))
    c4 = case(4, dt.date(2025, 3, 1), dt.date(2026, 5, 1), "terminated_this_round")
    c5 = case(5, dt.date(2025, 3, 1), dt.date(2026, 6, 1), "completed")
    session.add_all([c1, c2, c3, c4, c5])
    session.flush()

    def ev(c: Case, kind: str, at: dt.datetime, who: str | None,
           expires: dt.date | None = None) -> CaseEvent:
        return CaseEvent(case_id=c.id, kind=kind, occurred_at=at, expires_on=expires,
                         officer_id=p[who] if who else None)

    session.add_all([
        # 网络查控: c1 asked 1 day after filing (timely), c2 after 5 days (late; limit 3),
        # c3's first query was in October: only its 复查 in November, which is not a first
        ev(c1, "online_query_started", _utc(dt.date(2026, 11, 3), 9), "qiao"),
        ev(c2, "online_query_started", _utc(dt.date(2026, 11, 8), 7), "qiao"),  # 11-07 23:00 UTC
        ev(c3, "online_query_started", _utc(dt.date(2026, 10, 21), 9), "qiao"),
        ev(c3, "online_query_started", _utc(dt.date(2026, 11, 10), 9), "qiao"),
        # 反馈: c1 two days after asking; c2 four days; c3's first result in November, 25 days
        ev(c1, "online_query_result", _utc(dt.date(2026, 11, 5), 16), "qiao"),
        ev(c2, "online_query_result", _utc(dt.date(2026, 11, 12), 10), "qiao"),
        ev(c3, "online_query_result", _utc(dt.date(2026, 11, 15), 10), "qiao"),
        # 送达: c1 after 6 days (timely, limit 10), c2 after 12 days (late)
        ev(c1, "service", _utc(dt.date(2026, 11, 8), 10), "song"),
        ev(c2, "service", _utc(dt.date(2026, 11, 15), 10), "song"),
        ev(c2, "service", _utc(dt.date(2026, 11, 16), 10), "song"),  # a second: not counted
        # 执行110: two alarms on c1 — the first dispatched after 7 min, arrived 25 min later;
        # the second (a consultation) never dispatched; one alarm on c2 dispatched after 12 min
        ev(c1, "alarm_110", _utc(dt.date(2026, 11, 9), 10, 0), "jing"),
        ev(c1, "dispatch_110", _utc(dt.date(2026, 11, 9), 10, 7), "jing"),
        ev(c1, "arrival_110", _utc(dt.date(2026, 11, 9), 10, 32), "jing"),
        ev(c1, "alarm_110", _utc(dt.date(2026, 11, 20), 15, 0), "jing"),
        ev(c2, "alarm_110", _utc(dt.date(2026, 11, 21), 9, 0), None),
        ev(c2, "dispatch_110", _utc(dt.date(2026, 11, 21), 9, 12), "jing"),
        # 续封: c3's freeze expires 11-18, renewed 11-10 by 乔; c4 (终本) lapses on 11-25;
        # c5 closed before expiry: not due
        ev(c3, "freeze", _utc(dt.date(2025, 11, 18), 9), "zhang", dt.date(2026, 11, 18)),
        ev(c3, "renewal", _utc(dt.date(2026, 11, 10), 11), "qiao", dt.date(2027, 11, 18)),
        ev(c4, "seizure", _utc(dt.date(2023, 11, 25), 9), "zhang", dt.date(2026, 11, 25)),
        ev(c5, "freeze", _utc(dt.date(2025, 11, 20), 9), "zhang", dt.date(2026, 11, 20)),
    ])
    session.add_all([
        # 案款: paid after 4 days by 宽 (timely), after 40 days by 宽 (late); one unpaid
        Payment(case_id=c1.id, received_on=dt.date(2026, 11, 6), amount=Decimal("100.00"),
                paid_out_on=dt.date(2026, 11, 10), paid_amount=Decimal("100.00"),
                clerk_id=p["kuan"]),
        Payment(case_id=c3.id, received_on=dt.date(2026, 10, 11), amount=Decimal("50.00"),
                paid_out_on=dt.date(2026, 11, 20), paid_amount=Decimal("50.00"),
                clerk_id=p["kuan"]),
        Payment(case_id=c2.id, received_on=dt.date(2026, 11, 25), amount=Decimal("70.00"),
                clerk_id=p["kuan"]),
    ])
    return {"court": court.id, "center": center.id, "simple": simple.id, **p}


# (indicator key, entity key, scope) → (display, numerator, denominator)
EXPECTED = {
    ("query_count", "qiao", "officer"): ("2件", 2, None),
    ("query_timely_rate", "qiao", "officer"): ("50.00%", 1, 2),
    ("query_feedback_days", "qiao", "officer"): ("10.33天", 31, 3),
    ("served_count", "song", "officer"): ("2件", 2, None),
    ("service_timely_rate", "song", "officer"): ("50.00%", 1, 2),
    ("alarms_110", "jing", "officer"): ("2件", 2, None),
    ("dispatch_rate_110", "jing", "officer"): ("50.00%", 1, 2),
    ("dispatch_rate_110", "center", "team"): ("50.00%", 1, 2),
    ("dispatch_rate_110", "court", "court"): ("66.66%", 2, 3),
    ("dispatch_minutes_110", "court", "court"): ("9.5分钟", 19, 2),
    ("arrival_minutes_110", "jing", "officer"): ("25.0分钟", 25, 1),
    ("renewal_timely_rate", "court", "court"): ("50.00%", 1, 2),
    ("renewal_timely_rate", "center", "team"): ("100.00%", 1, 1),
    ("renewal_timely_rate", "simple", "team"): ("0.00%", 0, 1),
    ("funds_payout_days", "kuan", "officer"): ("22.00天", 44, 2),
    ("funds_timely_rate", "center", "team"): ("50.00%", 1, 2),
    ("pending_payout_count", "court", "court"): ("1件", 1, None),
}


def test_center_indicators_and_explain(engine) -> None:
    with session_scope(make_session_factory(engine)) as session:
        made = _seed(session)
    settings = load_indicator_settings(None)
    with Session(engine) as session:
        for (key, who, scope), (shown, num, den) in EXPECTED.items():
            (result,) = compute(session, scope, ids=[made[who]], period=NOV, compare=False,
                                keys=[key], settings=settings)
            entry = result["indicators"][key]
            assert (entry["display"], entry["numerator"], entry["denominator"]) == \
                (shown, num, den), (key, who)
            rows = explain(session, key, scope, made[who], NOV, settings)
            ind = REGISTRY[key]
            for side, measure in (("numerator", ind.numerator), ("denominator", ind.denominator)):
                if measure is None:
                    continue
                total = (len(rows[side]) if split_measure(measure)[1] is None
                         else sum(int(r["value"]) for r in rows[side]))
                assert total == entry[side], (key, who, side)


def test_center_indicators_stay_out_of_the_standard_views(engine) -> None:
    with session_scope(make_session_factory(engine)) as session:
        made = _seed(session)
    with Session(engine) as session:
        (court,) = compute(session, "court", ids=[made["court"]], period=NOV, compare=False)
        every = compute(session, "officer", period=NOV, compare=False, keys=list(CENTER_KEYS))
    assert not set(CENTER_KEYS) & set(court["indicators"])
    by_name = {r["name"]: r["indicators"] for r in every}
    # the case-handling judge did none of the center's work
    assert by_name["张法官"]["query_count"]["numerator"] == 0


@pytest.mark.parametrize("kind", ["online_query_started", "service", "alarm_110"])
def test_a_period_counts_court_local_days(engine, kind: str) -> None:
    """An event at 23:30 UTC on 10-31 is 11-01 in the court (UTC+8): it counts in November."""
    with session_scope(make_session_factory(engine)) as session:
        made = _seed(session)
        (c1,) = session.query(Case).filter(Case.serial == 1).all()
        c1.filed_on = dt.date(2026, 10, 30)
        session.query(CaseEvent).filter(CaseEvent.case_id == c1.id,
                                        CaseEvent.kind == kind).delete()
        session.add(CaseEvent(case_id=c1.id, kind=kind, officer_id=made["qiao"],
                              occurred_at=dt.datetime(2026, 10, 31, 23, 30)))
    key = {"online_query_started": "query_count", "service": "served_count",
           "alarm_110": "alarms_110"}[kind]
    oct_ = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    with Session(engine) as session:
        nov = compute(session, "officer", ids=[made["qiao"]], period=NOV, compare=False,
                      keys=[key])[0]["indicators"][key]["numerator"]
        octo = compute(session, "officer", ids=[made["qiao"]], period=oct_, compare=False,
                       keys=[key])[0]["indicators"][key]["numerator"]
    assert nov >= 1
    assert octo == (1 if kind == "online_query_started" else 0)  # c3's October query


def test_triage_ageing_counts_the_rows_of_the_pending_indicator(engine) -> None:
    """The 中心 screens' 待分流 ageing (count, oldest, bands) reads the rows of 待分流数."""
    from db.indicators.center import triage_ageing
    from db.models import CaseTriage

    today = dt.date(2026, 11, 30)
    with session_scope(make_session_factory(engine)) as session:
        made = _seed(session)
        cases = {c.serial: c.id for c in session.query(Case).all()}
        session.add_all([
            CaseTriage(case_id=cases[1], suggested_track="simple", status="pending"),  # 28 days
            CaseTriage(case_id=cases[2], suggested_track="complex", status="pending"),  # 27 days
            CaseTriage(case_id=cases[3], suggested_track="simple", status="confirmed",
                       track="simple", confirmed_on=dt.date(2026, 10, 21)),
        ])
    with Session(engine) as session:
        (court,) = compute(session, "court", ids=[made["court"]], period=Period(today, today),
                           compare=False, keys=["triage_pending"])
        ageing = triage_ageing(session, today)
    assert court["indicators"]["triage_pending"]["numerator"] == ageing["count"] == 2
    assert ageing["oldest_days"] == 28
    assert [b["count"] for b in ageing["bands"]] == [0, 0, 0, 2]


def _center_needs(settings) -> list:
    from db.indicators.engine import needs_by_source

    indicators = [settings.indicators[k] for k in CENTER_KEYS]
    return needs_by_source(indicators, settings, ["court", "team", "officer"])["center"]


@pytest.mark.parametrize("max_columns", [1000, 5])
def test_center_sums_of_several_jobs_equal_each_jobs_own(engine, monkeypatch,
                                                         max_columns: int) -> None:
    """The incremental refresh reads the center's rows once per row set for the periods of
    all its passes (center_sums_jobs; split past MAX_COLUMNS sums): each pass's groups equal
    center_sums of its periods, restricted to the listed teams (the actor's team; None: no
    team) in SQL."""
    from db.indicators import center
    from db.indicators.center import center_sums, center_sums_jobs

    monkeypatch.setattr(center, "MAX_COLUMNS", max_columns)

    with session_scope(make_session_factory(engine)) as session:
        made = _seed(session)
        center_team = session.get(Officer, made["qiao"]).team_id
        simple_team = session.get(Officer, made["zhang"]).team_id
    settings = load_indicator_settings(None)
    needs = _center_needs(settings)
    oct_ = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    year = Period(dt.date(2026, 1, 1), dt.date(2026, 11, 30))
    day = Period(dt.date(2026, 11, 2), dt.date(2026, 11, 2))
    jobs = [([NOV, NOV.previous_year()], needs), ([oct_, year, day], needs[::2]),
            ([day], needs[1::2]), ([year], [])]
    teams = {center_team, simple_team, None}
    with Session(engine) as session:
        for listed in (teams, {center_team}, {None}, {simple_team}):
            got = center_sums_jobs(session, jobs, settings, listed)
            for (periods, job_needs), found in zip(jobs, got, strict=True):
                whole = center_sums(session, periods, job_needs, settings)
                own = center_sums(session, periods, job_needs, settings, teams=listed)
                assert own == {h: s for h, s in whole.items() if h[1] in listed}
                assert found == own, (periods, listed)
        first = center_sums_jobs(session, jobs, settings, teams)[0]
        assert any(first.values())  # the seed's November work is there


@pytest.mark.parametrize("listed", [
    {"court": ["court"], "team": ["center"], "officer": ["qiao", "song", "jing", "kuan"]},
    {"court": [], "team": ["center"], "officer": ["kuan"]},
    {"court": ["court"], "team": [], "officer": []},
    {"court": [], "team": ["simple"], "officer": ["zhang", "song"]},
])
def test_compute_all_reads_the_groups_of_the_entities_it_lists(engine, monkeypatch,
                                                               listed) -> None:
    """compute_all(only=…) — the snapshot's center part — reads the payments' and the
    center's groups only for the entities it lists (sql.holders_in): the same answer as when
    every group is read, and the narrowing really reaches the SQL."""
    import db.indicators.center as center_module
    import db.indicators.engine as engine_module
    from db.indicators import compute_all

    with session_scope(make_session_factory(engine)) as session:
        made = _seed(session)
    only = {scope: [made[k] for k in keys] for scope, keys in listed.items()}
    seen: list = []
    center_sums = center_module.center_sums

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen.append(kwargs.get("holders"))
        return center_sums(*args, **kwargs)

    monkeypatch.setattr(engine_module, "center_sums", spy)
    settings = load_indicator_settings(None)
    with Session(engine) as session:
        narrowed = compute_all(session, NOV, False, settings=settings, keys=list(CENTER_KEYS),
                               only=only)
        monkeypatch.setattr(engine_module, "_read_for", lambda *_: None)
        whole = compute_all(session, NOV, False, settings=settings, keys=list(CENTER_KEYS),
                            only=only)
    assert seen == [only, None]
    assert narrowed == whole
    assert {s: sorted(r["id"] for r in narrowed.get(s, [])) for s in only} == \
        {s: sorted(ids) for s, ids in only.items()}
