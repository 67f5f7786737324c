"""The demo court reproduces the published figures, counted with plain SQL (docs/data-model.md, “统计口径”).

The SQL here is written from the counting rules, independently of the indicator engine.
Seeded once per backend (module scope); every test only reads.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import Engine, text

from db.cases.numbers import parse_case_number
from db.cases.vocab import CLOSING_METHODS
from db.demo import seed_demo
from db.session import make_engine
from tests.backends import BACKENDS, clear_all

TODAY = dt.date(2024, 3, 31)
DAYS = {
    "sqlite": "CAST(julianday(c.closed_on) - julianday(c.filed_on) AS INTEGER)",
    "postgresql": "(c.closed_on - c.filed_on)",
    "mysql": "DATEDIFF(c.closed_on, c.filed_on)",
}


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request: pytest.FixtureRequest, migrated_urls: dict[str, str]) -> Iterator[Engine]:
    """The demo court seeded once into each backend."""
    eng = make_engine(migrated_urls[request.param])
    clear_all(eng)
    summary = seed_demo(eng, today=TODAY)
    eng.info = {"summary": summary}  # type: ignore[attr-defined]
    yield eng
    clear_all(eng)
    eng.dispose()


def _one(eng: Engine, sql: str, **params: object) -> tuple:
    with eng.connect() as conn:
        return tuple(conn.execute(text(sql), params).one())


def _window(eng: Engine, start: str, end: str, scope: str, extra: str = "") -> tuple:
    """受理, 结案, 执行完毕, 保全完毕, total days of 结案 for one scope and period."""
    days = DAYS[eng.dialect.name]
    return tuple(int(v or 0) for v in _one(eng, f"""
        SELECT
          SUM(CASE WHEN c.filed_on <= :e AND (c.closed_on IS NULL OR c.closed_on >= :s) THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.closed_on BETWEEN :s AND :e THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.closed_on BETWEEN :s AND :e
                    AND c.closing_method IN ('completed', 'settled') THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.closed_on BETWEEN :s AND :e
                    AND c.closing_method = 'preservation_done' THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.closed_on BETWEEN :s AND :e THEN {days} ELSE 0 END)
        FROM cases c LEFT JOIN teams t ON t.id = c.team_id
        WHERE c.category IN ({scope}) {extra}
    """, s=start, e=end))


def _d(value: object) -> dt.date:
    """A date from any driver (SQLite returns text for raw SQL)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _ts(value: object) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def _trunc(value: Fraction, places: int = 2) -> Decimal:
    """ROUND_DOWN to `places` decimals, exactly."""
    scale = 10**places
    return Decimal(int(value * scale)) / scale


TEAM_SCOPE = "'first', 'resumed', 'preservation'"
COURT_SCOPE = "'first', 'resumed'"


def test_simple_team_figures(demo: Engine) -> None:
    accepted, closed, completed, _, days = _window(
        demo, "2021-10-01", "2022-09-30", TEAM_SCOPE, "AND t.name = '简案团队'")
    assert (accepted, closed, completed) == (810, 707, 248)
    assert _trunc(Fraction(closed * 100, accepted)) == Decimal("87.28")
    assert _trunc(Fraction(completed * 100, accepted)) == Decimal("30.61")
    assert int(Fraction(int(days), closed)) == 42


def test_preservation_team_figures(demo: Engine) -> None:
    accepted, closed, _, done, days = _window(
        demo, "2021-10-01", "2022-09-30", TEAM_SCOPE, "AND t.name = '保全团队'")
    assert (accepted, closed, done) == (216, 214, 214)
    assert _trunc(Fraction(closed * 100, accepted), 0) == 99
    assert int(Fraction(int(days), closed)) == 10


def test_court_rates_and_change(demo: Engine) -> None:
    now = _window(demo, "2022-01-01", "2022-09-30", COURT_SCOPE)
    before = _window(demo, "2021-01-01", "2021-09-30", COURT_SCOPE)
    rate_now = _trunc(Fraction(now[1] * 100, now[0]))
    rate_before = _trunc(Fraction(before[1] * 100, before[0]))
    assert (rate_now, rate_before) == (Decimal("81.21"), Decimal("49.72"))
    assert rate_now - rate_before == Decimal("31.49")


def test_first_case_average_days(demo: Engine) -> None:
    now = _window(demo, "2022-01-01", "2022-09-30", "'first'")
    before = _window(demo, "2021-01-01", "2021-09-30", "'first'")
    avg_now = _trunc(Fraction(int(now[4]), now[1]))
    avg_before = _trunc(Fraction(int(before[4]), before[1]))
    assert (avg_now, avg_before) == (Decimal("83.65"), Decimal("135.91"))
    assert avg_before - avg_now == Decimal("52.26")
    assert _trunc(Fraction(avg_before - avg_now) * 100 / Fraction(avg_before)) == Decimal("38.45")


def test_campaign_jifeng_junma(demo: Engine) -> None:
    name, started, ended, targets = _one(demo, """
        SELECT m.name, m.started_on, m.ended_on, COUNT(*) FROM campaigns m
        JOIN campaign_cases cc ON cc.campaign_id = m.id GROUP BY m.name, m.started_on, m.ended_on""")
    assert (name, str(started), str(ended)) == ("疾风骏马", "2022-08-24", "2022-08-24")
    closed, recovered = _one(demo, """
        SELECT COUNT(*), SUM(c.recovered_amount) FROM campaign_cases cc JOIN cases c ON c.id = cc.case_id
        WHERE c.closed_on = '2022-08-24' AND c.closing_method = 'completed'""")
    assert closed == 11 and Decimal(recovered) > Decimal("1000000")
    # 2022-08-24 in Asia/Shanghai is 2022-08-23 16:00 .. 2022-08-24 16:00 UTC.
    (evictions,) = _one(demo, """
        SELECT COUNT(*) FROM case_events e JOIN campaign_cases cc ON cc.case_id = e.case_id
        WHERE e.kind = 'eviction' AND e.occurred_at >= '2022-08-23 16:00:00'
          AND e.occurred_at < '2022-08-24 16:00:00'""")
    assert evictions == 1
    (total,) = _one(demo, """SELECT SUM(c.recovered_amount) FROM campaign_cases cc
                            JOIN cases c ON c.id = cc.case_id""")
    assert Decimal(total) > Decimal("1000000")


def test_case_2690(demo: Engine) -> None:
    with demo.connect() as conn:
        rows = conn.execute(text("""
            SELECT c.id, c.closing_method, c.recovered_amount, c.category FROM cases c
            WHERE c.target_amount = 2690""")).all()
        assert [(r[1], Decimal(r[2]), r[3]) for r in rows] == [("completed", Decimal("2690.00"), "first")]
        parties = conn.execute(text("SELECT role, kind, name FROM case_parties WHERE case_id = :i"),
                               {"i": rows[0][0]}).all()
    assert {p[0] for p in parties} == {"applicant", "respondent"}
    assert all(p[1] == "natural" for p in parties)


def test_case_rows_are_valid(demo: Engine) -> None:
    with demo.connect() as conn:
        cases = conn.execute(text("""
            SELECT case_number, year, type_code, serial, category, filed_on, closed_on,
                   closing_method, target_amount, recovered_amount, received_on FROM cases""")).all()
    for number, year, type_code, serial, category, filed, closed, method, target, got, received in cases:
        filed, received = _d(filed), _d(received)
        closed = _d(closed) if closed else None
        parsed = parse_case_number(number)
        assert (parsed.year, parsed.type_code, parsed.serial, parsed.category) == (
            year, type_code, serial, category) and filed.year == year
        assert received <= filed
        assert (closed is None) == (method is None)
        if closed:
            assert filed <= closed <= TODAY
            assert category in CLOSING_METHODS[method].categories
            if method == "terminated_this_round":
                assert (closed - filed).days >= 90
        assert Decimal(0) <= Decimal(got) <= Decimal(target)


def test_volume_and_categories(demo: Engine) -> None:
    with demo.connect() as conn:
        per_year = dict(conn.execute(text(
            "SELECT year, COUNT(*) FROM cases GROUP BY year")).all())
        cats = dict(conn.execute(text("SELECT category, COUNT(*) FROM cases GROUP BY category")).all())
        non_lit = conn.execute(text("SELECT COUNT(*) FROM cases WHERE non_litigation = :t"),
                               {"t": True}).scalar_one()
    for year in (2020, 2021, 2022, 2023):
        assert 2500 <= per_year[year] <= 4000
    assert set(cats) == {"first", "resumed", "preservation", "review"}
    assert 0.01 <= non_lit / sum(cats.values()) <= 0.06


def test_new_teams_hold_only_post_reform_cases(demo: Engine) -> None:
    (early,) = _one(demo, """SELECT COUNT(*) FROM cases c JOIN teams t ON t.id = c.team_id
                             WHERE t.kind IN ('simple', 'preservation') AND c.filed_on < '2021-10-01'""")
    assert early == 0
    founded = _one(demo, "SELECT MIN(founded_on), MAX(founded_on), COUNT(*) FROM teams")
    assert (str(founded[0]), str(founded[1]), founded[2]) == ("2021-10-01", "2021-10-01", 5)


def test_resumed_cases_point_at_earlier_final_cases(demo: Engine) -> None:
    with demo.connect() as conn:
        rows = conn.execute(text("""
            SELECT r.filed_on, o.closed_on, o.closing_method FROM cases r
            JOIN cases o ON o.id = r.origin_case_id WHERE r.category = 'resumed'""")).all()
        (resumed,) = conn.execute(text("SELECT COUNT(*) FROM cases WHERE category = 'resumed'")).one()
    assert len(rows) > 0.9 * resumed
    assert all(m == "terminated_this_round" and _d(closed) < _d(filed) for filed, closed, m in rows)


def test_events_fall_inside_the_case(demo: Engine) -> None:
    with demo.connect() as conn:
        rows = conn.execute(text("""
            SELECT c.filed_on, c.closed_on, MIN(e.occurred_at), MAX(e.occurred_at)
            FROM cases c JOIN case_events e ON e.case_id = c.id
            WHERE NOT (e.kind = 'renewal' AND c.closing_method = 'terminated_this_round')
            GROUP BY c.id, c.filed_on, c.closed_on""")).all()
        # 终本后查封冻结仍有效：续封 continue after closing, up to today, and only for 终本 cases
        renewals = [(method, (_ts(at) + dt.timedelta(hours=8)).date()) for method, closed, at in conn.execute(text("""
            SELECT c.closing_method, c.closed_on, e.occurred_at FROM cases c JOIN case_events e
            ON e.case_id = c.id WHERE e.kind = 'renewal' AND c.closed_on IS NOT NULL"""))
            if (_ts(at) + dt.timedelta(hours=8)).date() > _d(closed)]
        kinds = {k for (k,) in conn.execute(text("SELECT DISTINCT kind FROM case_events"))}
        bad_expiry = conn.execute(text("""SELECT COUNT(*) FROM case_events WHERE kind IN
            ('seizure', 'freeze', 'distraint') AND (expires_on IS NULL OR expires_on < occurred_at)""")
        ).scalar_one()
    shift = dt.timedelta(hours=8)  # stored in UTC, dated in Asia/Shanghai
    for filed, closed, first, last in rows:
        assert (_ts(first) + shift).date() >= _d(filed)
        assert (_ts(last) + shift).date() <= (_d(closed) if closed else TODAY)
    assert bad_expiry == 0
    assert renewals and all(method == "terminated_this_round" and day <= TODAY for method, day in renewals)
    assert {"notice_issued", "online_query_result", "seizure", "freeze", "interview",
            "termination_ruling", "dispatch_110", "field_photo", "auction_sold",
            "blacklist", "consumption_ban", "transfer", "property_investigation", "renewal",
            "appraisal", "reference_price", "eviction", "arrival_110", "result_110"} <= kinds


def test_money_pauses_extensions_assignments(demo: Engine) -> None:
    with demo.connect() as conn:
        mismatched = conn.execute(text("""
            SELECT COUNT(*) FROM cases c JOIN (SELECT case_id, SUM(amount) AS s FROM payments
            GROUP BY case_id) p ON p.case_id = c.id
            WHERE ABS(p.s - c.recovered_amount) > 0.001""")).scalar_one()  # SQLite sums as REAL
        bad_pay = conn.execute(text("""SELECT COUNT(*) FROM payments p JOIN cases c ON c.id = p.case_id
            WHERE p.received_on < c.filed_on OR p.paid_out_on < p.received_on
               OR (c.closed_on IS NOT NULL AND p.received_on > c.closed_on)""")).scalar_one()
        pending = conn.execute(text("SELECT COUNT(*) FROM payments WHERE paid_out_on IS NULL")).scalar_one()
        bad_pause = conn.execute(text(
            "SELECT COUNT(*) FROM case_pauses WHERE ended_on < started_on")).scalar_one()
        counts = [conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in
                  ("case_pauses", "case_extensions", "team_memberships")]
        moved = conn.execute(text("""SELECT COUNT(*) FROM (SELECT case_id FROM case_assignments
            GROUP BY case_id HAVING COUNT(DISTINCT team_id) > 1) x""")).scalar_one()
        roles = {r for (r,) in conn.execute(text("SELECT DISTINCT role FROM officers"))}
    assert mismatched == 0 and bad_pay == 0 and bad_pause == 0
    assert pending > 0 and all(n > 0 for n in counts) and moved > 0
    assert roles == {"judge", "assistant", "clerk", "bailiff"}


def test_current_holder_is_last_assignment(demo: Engine) -> None:
    with demo.connect() as conn:
        rows = conn.execute(text("""SELECT c.id, c.team_id, c.officer_id, a.team_id, a.officer_id
            FROM cases c JOIN case_assignments a ON a.case_id = c.id ORDER BY c.id, a.assigned_on, a.id""")
        ).all()
    last = {r[0]: r for r in rows}
    assert all((r[1], r[2]) == (r[3], r[4]) for r in last.values())


def test_seed_refuses_a_loaded_database(demo: Engine) -> None:
    with pytest.raises(ValueError, match="已有法院数据"):
        seed_demo(demo, today=TODAY)


def test_party_id_numbers_are_well_formed(demo: Engine) -> None:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    uscc = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    with demo.connect() as conn:
        rows = conn.execute(text("SELECT kind, name, id_number FROM case_parties")).all()
    for kind, name, number in rows:
        assert name and len(number) == 18
        if kind == "natural":
            assert number[17] == "10X98765432"[sum(int(a) * w for a, w in zip(number[:17], weights, strict=True)) % 11]
        else:
            total = sum(chars.index(a) * w for a, w in zip(number[:17], uscc, strict=True))
            assert number[17] == chars[(31 - total % 31) % 31]


def test_final_cases_mostly_meet_the_conditions(demo: Engine) -> None:
    """终本 cases carry a 网络查控 within three months before closing (most, not all)."""
    with demo.connect() as conn:
        finals = dict(conn.execute(text(
            "SELECT id, closed_on FROM cases WHERE closing_method = 'terminated_this_round'")).all())
        queries = conn.execute(text(
            "SELECT case_id, occurred_at FROM case_events WHERE kind = 'online_query_result'")).all()
        bans = {i for (i,) in conn.execute(text(
            "SELECT DISTINCT case_id FROM case_events WHERE kind = 'consumption_ban'"))}
    fresh = set()
    for case_id, at in queries:
        closed = finals.get(case_id)
        if closed and 0 <= (_d(closed) - _ts(at).date()).days <= 92:
            fresh.add(case_id)
    assert 0.85 < len(fresh) / len(finals) < 1.0
    assert len(bans & set(finals)) / len(finals) > 0.95
