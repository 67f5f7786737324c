"""The snapshot builder against the real indicator engine on every backend."""
from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from db.session import make_session_factory, session_scope
from db.snapshot.builder import build_snapshot, default_port, trend_months
from tests.db.snapshot_data import TODAY, seed

TZ = ZoneInfo("Asia/Shanghai")


def _build(engine) -> tuple[dict, dict]:
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        made = seed(session)
        ids = {"court": made["court"].id, "simple": made["simple"].id, "keep": made["keep"].id}
    with session_scope(sessions) as session:
        port = default_port(None, {"TIMEZONE": "Asia/Shanghai"})
        snap = build_snapshot(session, port, today=TODAY, tz=TZ)
    return snap, ids


def _value(result: dict, key: str = "closure_rate") -> str | None:
    return result["indicators"][key]["value"]


def test_views_follow_the_contract(engine) -> None:
    snap, ids = _build(engine)
    assert snap["court"] == {"id": ids["court"], "code": "内0221",
                             "name": "包头市土默特右旗人民法院"}
    assert snap["periods"]["ytd"] == {"label": "本年至今", "start": "2026-01-01",
                                      "end": "2026-11-20", "compare_start": "2025-01-01",
                                      "compare_end": "2025-11-20"}
    assert snap["periods"]["mtd"]["label"] == "本月"
    ytd, mtd = snap["views"]["ytd"], snap["views"]["mtd"]
    assert _value(ytd["court"]) == "66.66"  # 2 closed of 3 accepted (执+执恢), truncated
    assert [t["id"] for t in ytd["teams"]] == [ids["simple"], ids["keep"]]
    assert [_value(t) for t in ytd["teams"]] == ["66.66", "100"]  # 保全团队 shows 0 decimals
    assert len(ytd["officers"]) == 3
    assert _value(mtd["court"]) == "50.00"
    assert mtd["court"]["indicators"]["closure_rate"]["compare_value"] == "50.00"
    founding = snap["views"]["since_founding"]["teams"]
    assert [(t["id"], _value(t)) for t in founding] == [(ids["simple"], "75.00")]
    assert set(snap["nodes"]["totals"]) >= {"overdue", "due_soon"}  # node control summary
    json.dumps(snap)  # JSON-safe throughout


def test_trend_covers_twelve_months(engine) -> None:
    snap, ids = _build(engine)
    trend = snap["trend"]
    assert trend["months"][0] == "2025-12" and trend["months"][-1] == "2026-11"
    court = trend["court"]["closure_rate"]
    assert len(court["values"]) == 12 and len(court["compare_values"]) == 12
    assert court["values"][-1] == 50.0
    assert set(trend["teams"]) == {ids["simple"], ids["keep"]}
    assert trend["targets"]["closure_rate"] == [None] * 12


def test_feed_and_campaign(engine) -> None:
    snap, _ids = _build(engine)
    feed = snap["feed"]
    assert [f["kind"] for f in feed] == ["seizure", "detention", "eviction", "transfer"]
    assert feed[0]["label"] == "查封" and feed[0]["officer"] == "张法官"
    assert feed[0]["at"] == "2026-11-19T10:00:00+08:00"
    assert feed[0]["team"] == "简案团队"
    assert feed[3]["detail"] == "金额 1,200,000.00 元"
    campaign = snap["campaign"]
    assert {k: campaign[k] for k in ("name", "start", "end", "closed", "completed",
                                     "recovered", "evictions", "detentions",
                                     "blacklisted")} == {
        "name": "疾风骏马", "start": "2026-11-01", "end": "2026-11-30", "closed": 1,
        "completed": 0, "recovered": 1200000.0, "evictions": 1, "detentions": 1,
        "blacklisted": 0}


def test_empty_database_gives_an_empty_snapshot(engine) -> None:
    with session_scope(make_session_factory(engine)) as session:
        snap = build_snapshot(session, default_port(None), today=TODAY)
    assert snap["court"] is None and snap["views"] == {} and snap["feed"] == []
    assert snap["nodes"] is None


def test_trend_months_end_today() -> None:
    months = trend_months(TODAY)
    assert len(months) == 12 and months[-1].end == TODAY
    assert str(months[0]) == "2025-12-01:2025-12-31"


def test_feed_window_and_fallback(engine) -> None:
    import datetime as dt

    from db.snapshot.activity import latest_feed

    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        court_id = seed(session)["court"].id
    with session_scope(sessions) as session:
        recent = latest_feed(session, court_id, tz=TZ, size=2, now=dt.datetime(2026, 11, 19, 12))
        late = latest_feed(session, court_id, tz=TZ, size=3, now=dt.datetime(2027, 6, 1))
    assert [f["kind"] for f in recent] == ["seizure", "detention"]  # inside the 7-day range
    assert [f["kind"] for f in late] == ["seizure", "detention", "eviction"]  # whole history


def test_year_to_date_closure_trend_and_targets(engine) -> None:
    """The cumulative 结案率 ends at the 本年至今 figure; targets follow the calendar months."""
    snap, _ = _build(engine)
    trend = snap["trend"]
    ytd = trend["court"]["closure_rate_ytd"]
    assert len(ytd["values"]) == 12 and len(ytd["compare_values"]) == 12
    court_ytd = snap["views"]["ytd"]["court"]["indicators"]["closure_rate"]
    assert ytd["values"][-1] == float(court_ytd["value"])
    compare = court_ytd["compare_value"]
    assert ytd["compare_values"][-1] == (None if compare is None else float(compare))
    # config/indicators.toml: 内蒙古 floors, March 18% … December 93%; none for Jan/Feb
    targets = dict(zip(trend["months"], trend["targets"]["closure_rate_ytd"], strict=True))
    assert targets["2025-12"] == 93.0
    assert targets["2026-01"] is None and targets["2026-02"] is None
    assert targets["2026-03"] == 18.0 and targets["2026-11"] == 88.0


def test_feed_names_the_actor_with_the_actors_own_team(engine) -> None:
    """A bailiff of another team acting on a case: their name with their team, never the
    case's team paired with them (the wall showed 简案团队 · 法警)."""
    import datetime as dt

    from db.models import CaseEvent, Officer, Team

    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        made = seed(session)
        center = Team(court_id=made["court"].id, name="指挥中心", kind="simple", sort_order=9)
        session.add(center)
        session.flush()
        bailiff = Officer(court_id=made["court"].id, team_id=center.id, name="赵法警", role="bailiff")
        session.add(bailiff)
        session.flush()
        session.add(CaseEvent(case_id=made["cases"][1].id, kind="arrival_110", officer_id=bailiff.id,
                              occurred_at=dt.datetime(2026, 11, 19, 3, 0)))
    with session_scope(sessions) as session:
        snap = build_snapshot(session, default_port(None, {"TIMEZONE": "Asia/Shanghai"}),
                              today=TODAY, tz=TZ)
    item = next(f for f in snap["feed"] if f["kind"] == "arrival_110")
    assert (item["team"], item["officer"]) == ("指挥中心", "赵法警")
    detention = next(f for f in snap["feed"] if f["kind"] == "detention")
    assert (detention["team"], detention["officer"]) == ("简案团队", "王法官")
