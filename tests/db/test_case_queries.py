"""Case lists, case timeline, action queue, deadlines and year-end outlook on three backends."""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.auth.masking import mask_name
from db.indicators import Period, compute, load_indicator_settings
from db.models import Case, CaseEvent, CaseExtension, CaseParty, CasePause, Officer
from db.queries.cases import case_rows, case_timeline, team_info
from db.queries.outlook import Target, load_targets, year_end_outlook
from db.queries.queue import (
    QUEUE_KINDS,
    add_months,
    legal_deadlines,
    queue_case_ids,
    queue_counts,
)
from tests.db import test_indicators_data as data

TODAY = dt.date(2022, 8, 15)
D = dt.date.fromisoformat


def number(short: str) -> str:
    return f"（{short[:4]}）{data.COURT}{short[4:]}号"


def seed_desk(engine: Engine) -> dict[str, Any]:
    """The indicator tests' crafted court plus parties, events, a pause and an extension."""
    data.seed(engine)
    with Session(engine) as session, session.begin():
        cid = {n: session.scalar(select(Case.id).where(Case.case_number == number(n)))
               for n in ("2022执2", "2020执5", "2021执1")}
        session.add_all([
            CaseParty(case_id=cid["2022执2"], role="applicant", kind="natural", name="张三丰"),
            CaseParty(case_id=cid["2022执2"], role="respondent", kind="legal",
                      name="包头市某某建材有限公司"),
            CaseParty(case_id=cid["2022执2"], role="respondent", kind="natural", name="=HYPERLINK(1)"),
            CaseEvent(case_id=cid["2020执5"], kind="seizure", occurred_at=dt.datetime(2020, 6, 1, 2),
                      expires_on=D("2023-06-01"), detail="查封房产一处"),
            CaseEvent(case_id=cid["2022执2"], kind="online_query_started",
                      occurred_at=dt.datetime(2022, 2, 2, 1), detail="总对总查询"),
            CasePause(case_id=cid["2022执2"], kind="suspension", started_on=D("2022-03-01"),
                      ended_on=D("2022-03-11"), reason="中止"),
            CaseExtension(case_id=cid["2022执2"], approved_on=D("2022-07-20"), days=30, reason="报批延长"),
        ])
    return data.ids(engine) | {f"case:{k}": v for k, v in cid.items()}


@pytest.fixture
def seeded(engine: Engine) -> tuple[Engine, dict[str, Any]]:
    return engine, seed_desk(engine)


def test_mask_name() -> None:
    assert mask_name("张三", "natural") == "张*"
    assert mask_name("张三丰", "natural") == "张**"
    assert mask_name("包头市某某建材有限公司", "legal") == "包头***有限公司"
    assert mask_name("某某县第一建筑工程处", "organization") == "某某******程处"
    assert mask_name("李", "natural") == "李*"  # a one-character name is not shown either
    assert mask_name("") == ""


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(D("2022-08-31"), -6) == D("2022-02-28")
    assert add_months(D("2024-02-29"), 12) == D("2025-02-28")
    assert add_months(D("2022-01-15"), -1) == D("2021-12-15")


def test_case_rows_keep_order_and_mask_parties(seeded) -> None:
    engine, ids = seeded
    wanted = [ids["case:2021执1"], ids["case:2022执2"], 999999, ids["case:2021执1"]]
    with Session(engine) as session:
        rows = case_rows(session, wanted, today=TODAY)
    assert [r["id"] for r in rows] == [ids["case:2021执1"], ids["case:2022执2"]]
    second = rows[1]
    assert second["applicant"] == "张**"
    assert second["respondent"] == "包头***有限公司、=" + "*" * 12
    assert second["days"] == (TODAY - D("2022-02-01")).days
    assert rows[0]["closing_method"] == "执行完毕" and rows[0]["category"] == "首执"
    assert rows[0]["target_amount"] == Decimal("1000.00")


def test_case_timeline_has_full_names_and_every_kind(seeded) -> None:
    engine, ids = seeded
    with Session(engine) as session:
        detail = case_timeline(session, ids["case:2022执2"], today=TODAY)
        missing = case_timeline(session, 999999, today=TODAY)
        paid = case_timeline(session, ids["case:2021执1"], today=TODAY)
    assert missing is None
    head = detail["header"]
    assert head["case_number"] == number("2022执2") and head["team"] == "简案一组"
    assert [p["name"] for p in head["parties"]] == ["张三丰", "包头市某某建材有限公司", "=HYPERLINK(1)"]
    labels = [i["label"] for i in detail["timeline"]]
    assert labels == ["立案", "分案/改派", "网络查控发起", "扣除期限：中止执行", "延长执行期限"]
    assert detail["pauses"][0]["days"] == 10
    money = [i["label"] for i in paid["timeline"] if i["group"] == "money"]
    assert money == ["案款到账", "案款发放", "案款到账", "案款发放", "案款到账", "案款到账"]
    assert [i["on"] for i in paid["timeline"]] == sorted(i["on"] for i in paid["timeline"])


def test_queue_counts_ids_and_order(seeded) -> None:
    engine, ids = seeded
    team = ids["简案一组"]
    with Session(engine) as session:
        counts = queue_counts(session, "team", team, today=TODAY)
        court = queue_counts(session, "court", ids["court"], today=TODAY)
        lists = {k: queue_case_ids(session, k, "team", team, today=TODAY) for k in QUEUE_KINDS}
    assert counts == {"unpaid": 1, "long12": 1, "long6": 1, "near_termination": 1}
    # 2022执5 has no team: only the court sees it; 2020执5 has a 查封 so it is not near 终本.
    assert court["near_termination"] == 2
    assert {k: len(v) for k, v in lists.items()} == counts
    assert lists["long12"] == [ids["case:2020执5"]]
    assert lists["near_termination"] == [ids["case:2022执2"]]


def test_legal_deadlines_add_extension_and_pause(seeded) -> None:
    engine, ids = seeded
    with Session(engine) as session:
        rows = legal_deadlines(session, "officer", ids["乙助理"], today=TODAY)
    assert [r["case_number"] for r in rows] == [number("2020执5"), number("2022执2")]
    late = rows[1]
    assert late["deadline"] == D("2022-08-01") + dt.timedelta(days=40)
    assert (late["extension_days"], late["paused_days"], late["remaining"]) == (30, 10, 26)


def test_year_end_outlook_at_current_pace(seeded) -> None:
    engine, ids = seeded
    settings = load_indicator_settings(None)
    today = D("2022-06-30")
    targets = {"closure_rate": Target(Decimal("93"), "test"), "completion_rate": Target(Decimal("35"), "t")}
    with Session(engine) as session:
        (ytd,) = compute(session, "court", period=Period(D("2022-01-01"), today), compare=False,
                         settings=settings, keys=["accepted", "new", "closed", "completed"])
        out = {o["key"]: o for o in year_end_outlook(session, "court", ids["court"], today=today,
                                                     settings=settings, targets=targets)}
    n = {k: v["numerator"] for k, v in ytd["indicators"].items()}
    assert n == {"accepted": 10, "new": 7, "closed": 7, "completed": 5}
    elapsed, left = 181, 184
    accepted_end = 10 + Decimal(7) / elapsed * left
    closed_end = 7 * (1 + Decimal(left) / elapsed)
    rate = out["closure_rate"]
    assert rate["days_left"] == left and rate["display"] == "70.00%"
    assert rate["projected"] == (closed_end * 100 / accepted_end).quantize(Decimal("0.01"), "ROUND_DOWN")
    assert rate["needed"] == math.ceil(Decimal("0.93") * accepted_end) - 7 == 9
    assert out["completion_rate"]["needed"] == 1
    assert out["completion_rate"]["expected_more"] == 5


def test_outlook_targets_file(tmp_path) -> None:
    good = tmp_path / "o.toml"
    good.write_text('[targets.closure_rate]\nvalue = 88\nsource = "x"\n', encoding="utf-8")
    assert load_targets(good)["closure_rate"].value == Decimal("88")
    assert load_targets(tmp_path / "missing.toml") == {}
    bad = tmp_path / "bad.toml"
    bad.write_text('[targets.closure_rate]\nvalue = 150\n', encoding="utf-8")
    with pytest.raises(ValueError, match="0–100"):
        load_targets(bad)
    assert load_targets()["closure_rate"].value == Decimal("93")  # the shipped config/outlook.toml


def test_team_info_lists_judges_and_case_holders_as_its_officers(seeded) -> None:
    """The team's officer grid shows 承办人: judges, and anyone else who holds a case; a clerk
    without cases is a member but not listed."""
    engine, ids = seeded
    team_id = ids["简案一组"]
    with Session(engine) as session, session.begin():
        court_id = session.get(Case, ids["case:2022执2"]).court_id
        clerk = Officer(court_id=court_id, team_id=team_id, name="丁书记员", role="clerk")
        judge = Officer(court_id=court_id, team_id=team_id, name="戊法官", role="judge")
        session.add_all([clerk, judge])
        session.flush()
        clerk_id, judge_id = clerk.id, judge.id
    with Session(engine) as session:
        info = team_info(session, team_id)
    assert {clerk_id, judge_id, ids["乙助理"]} <= set(info["officer_ids"])
    assert judge_id in info["holder_ids"] and ids["乙助理"] in info["holder_ids"]  # an assistant with cases
    assert clerk_id not in info["holder_ids"]
