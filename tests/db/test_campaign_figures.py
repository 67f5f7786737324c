"""专项行动 measures in SQL (issue #19) on SQLite, PostgreSQL and MariaDB: scope filters, period
boundaries by local day, a case in two campaigns, explain lists equal to the numbers, and
launching/editing/ending a campaign (audited)."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.auth.access import Principal
from db.campaigns import edit
from db.campaigns.figures import (
    MEASURES,
    campaign_list,
    campaign_report,
    explain,
    measure_values,
    running_on_wall,
)
from db.errors import ValidationError
from db.models import AuditEntry, Case, CaseParty, Payment
from tests.db.nodes_factory import D, add_event, make_case, make_org

START, END = D(2026, 11, 10), D(2026, 11, 20)
CENTER = Principal(user_id=None, username="center1", display_name="指挥中心", role="center")


def _form(name: str = "冬季攻坚", start: dt.date = START, end: dt.date = END, **extra) -> edit.CampaignForm:
    return edit.parse_form({"name": name, "started_on": start.isoformat(), "ended_on": end.isoformat(), **extra})


def _case(s: Session, org, *, team: int = 0, cause: str = "民间借贷纠纷", amount: str = "10000",
          closed_on: dt.date | None = None, category: str = "first", legal: bool = False) -> Case:
    case = make_case(s, org, D(2026, 1, 5), team=team, closed_on=closed_on, category=category,
                     closing_method="completed" if closed_on else None)
    case.cause, case.target_amount = cause, Decimal(amount)
    s.add(CaseParty(case_id=case.id, role="respondent", kind="legal" if legal else "natural",
                    name="某某有限公司" if legal else "王某某"))
    s.flush()
    return case


def _check_explain(s: Session, cid: int, today: dt.date) -> dict:
    values = measure_values(s, cid, today)
    for key, measure in MEASURES.items():
        rows = explain(s, cid, key, today)
        if measure.money:
            assert round(sum(r["amount"] for r in rows), 2) == values[key], key
        else:
            assert len(rows) == values[key], key
    return values


def test_period_boundaries_by_local_day(engine: Engine) -> None:
    """Start and end days are inclusive by the court's day (UTC+8): an event at 07:00 on the first
    day (23:00 UTC the day before) counts, one at 00:30 the day after the end does not."""
    with Session(engine) as s:
        org = make_org(s)
        case = _case(s, org)
        add_event(s, case, "detention", START, hour=7)          # 11-09 23:00 UTC: counts
        add_event(s, case, "detention", START - dt.timedelta(days=1), hour=23)   # the day before
        add_event(s, case, "blacklist", END, hour=23)            # last day 23:00: counts
        add_event(s, case, "blacklist", END + dt.timedelta(days=1), hour=0)      # 00:00 after: no
        s.add_all([Payment(case_id=case.id, received_on=START, amount=Decimal("100.10")),
                   Payment(case_id=case.id, received_on=END, amount=Decimal("0.20"),
                           paid_out_on=END, paid_amount=Decimal("0.20")),
                   Payment(case_id=case.id, received_on=END + dt.timedelta(days=1), amount=Decimal("5"))])
        closed_first = _case(s, org, closed_on=START)
        _case(s, org, closed_on=START - dt.timedelta(days=1))
        _case(s, org, closed_on=END + dt.timedelta(days=1))
        cid = edit.create(s, CENTER, org.court.id, _form())
        values = _check_explain(s, cid, D(2026, 12, 1))
        midway = _check_explain(s, cid, START)  # as of the first day: only what happened so far
        first_closed = explain(s, cid, "closed", END)
    assert (values["detention"], values["blacklist"], values["closed"]) == (1, 1, 1)
    assert (values["recovered"], values["disbursed"]) == (100.3, 0.2)
    assert (midway["detention"], midway["blacklist"], midway["recovered"]) == (1, 0, 100.1)
    assert [r["case_number"] for r in first_closed] == [closed_first.case_number]


def test_scope_filters(engine: Engine) -> None:
    with Session(engine) as s:
        org = make_org(s)
        wages = _case(s, org, cause="追索劳动报酬纠纷", amount="5000")
        company = _case(s, org, team=1, amount="2000000", legal=True)
        resumed = _case(s, org, category="resumed", amount="80000")
        for case in (wages, company, resumed):
            add_event(s, case, "consumption_ban", D(2026, 11, 12))
        runs = {
            "all": {},
            "team1": {"teams": [org.teams[1].id]},
            "livelihood": {"livelihood": "yes"},
            "not_livelihood": {"livelihood": "no"},
            "enterprise": {"enterprise": "yes"},
            "resumed": {"categories": ["resumed"]},
            "cause": {"causes": ["民间借贷纠纷"]},
            "amount": {"amount_min": "5000", "amount_max": "80000"},
        }
        got = {}
        for name, scope in runs.items():
            cid = edit.create(s, CENTER, org.court.id, _form(name, scope=scope))
            got[name] = {r["case_number"] for r in explain(s, cid, "consumption_ban", END)}
        listed = edit.create(s, CENTER, org.court.id, _form("清单", scope={"livelihood": "no"},
                                                          case_numbers=[company.case_number, wages.case_number]))
        got["listed"] = {r["case_number"] for r in explain(s, listed, "consumption_ban", END)}
    w, c, r = wages.case_number, company.case_number, resumed.case_number
    assert got == {"all": {w, c, r}, "team1": {c}, "livelihood": {w}, "not_livelihood": {c, r},
                   "enterprise": {c}, "resumed": {r}, "cause": {c, r}, "amount": {w, r}, "listed": {c}}


def test_case_in_two_campaigns_counts_in_both_and_the_report_adds_up(engine: Engine) -> None:
    with Session(engine) as s:
        org = make_org(s)
        shared = _case(s, org, cause="抚养费纠纷", closed_on=D(2026, 11, 15))
        other = _case(s, org, team=1, closed_on=D(2026, 11, 16))
        s.add(Payment(case_id=shared.id, received_on=D(2026, 11, 15), amount=Decimal("3000.00")))
        add_event(s, other, "search", D(2026, 11, 16))
        one = edit.create(s, CENTER, org.court.id, _form("涉民生", scope={"livelihood": "yes"},
                                                         targets={"closed": "4", "recovered": "6000"}))
        two = edit.create(s, CENTER, org.court.id, _form("全院", D(2026, 11, 14), D(2026, 11, 30)))
        first, second = (campaign_report(s, cid, D(2026, 11, 16), tz=dt.timezone(dt.timedelta(hours=8)))
                         for cid in (one, two))
        on_wall = running_on_wall(s, org.court.id, D(2026, 11, 25))
        statuses = {r["name"]: r["status"] for r in campaign_list(s, D(2026, 11, 25))}
    by_key = {m["key"]: m for m in first["measures"]}
    assert by_key["closed"]["value"] == 1 and by_key["recovered"]["value"] == 3000.0
    assert by_key["closed"]["progress"] == 0.25 and by_key["recovered"]["progress"] == 0.5
    assert first["time_progress"] == pytest.approx(7 / 11) and by_key["closed"]["behind"]
    sec = {m["key"]: m["value"] for m in second["measures"]}
    assert (sec["closed"], sec["recovered"], sec["search"]) == (2, 3000.0, 1)
    # the trend and the rankings are the same rows: they add up to the totals
    for report in (first, second):
        for m in report["measures"]:
            assert round(sum(report["daily"]["series"][m["key"]]), 2) == m["value"]
            assert round(sum(t.get(m["key"], 0) for t in report["teams"]), 2) == m["value"]
    assert second["daily"]["days"][0] == "2026-11-14" and second["daily"]["days"][-1] == "2026-11-16"
    assert on_wall == [two] and statuses == {"涉民生": "finished", "全院": "running"}
    assert first["events"] == [] and [(e["label"], e["case_number"]) for e in second["events"]] == [
        ("搜查", other.case_number)]


def test_launch_edit_end_are_checked_and_audited(engine: Engine) -> None:
    with Session(engine) as s:
        org = make_org(s)
        case = _case(s, org)
        with pytest.raises(ValidationError, match="结束日期 2026-11-01 早于开始日期 2026-11-10"):
            _form(end=D(2026, 11, 1))
        with pytest.raises(ValidationError, match="标的额上限 1 小于下限 5"):
            _form(scope={"amount_min": "5", "amount_max": "1"})
        with pytest.raises(ValidationError, match="执结案件数的目标应为数字"):
            _form(targets={"closed": "很多"})
        with pytest.raises(ValidationError, match="第 2 行：案号“（2026）内0221执99999号”不是本院的案件"):
            edit.create(s, CENTER, org.court.id,
                        _form(case_numbers=[case.case_number, "（2026）内0221执99999号"]))
        cid = edit.create(s, CENTER, org.court.id, _form(targets={"closed": "10"}))
        edit.update(s, CENTER, cid, _form("冬季攻坚（扩大）", scope={"teams": [org.teams[0].id]}))
        with pytest.raises(ValidationError, match="尚未开始"):
            edit.end(s, CENTER, cid, D(2026, 11, 1))
        edit.end(s, CENTER, cid, D(2026, 11, 15))
        with pytest.raises(ValidationError, match="已于 2026-11-15 结束"):
            edit.end(s, CENTER, cid, D(2026, 11, 18))
        values = edit.form_values(s, cid)
        actions = list(s.execute(select(AuditEntry.action, AuditEntry.actor).order_by(AuditEntry.id)).all())
    assert values["ended_on"] == "2026-11-15" and values["name"] == "冬季攻坚（扩大）"
    assert values["scope"]["teams"] == [org.teams[0].id] and values["targets"] == {}
    assert actions == [("campaign_create", "center1"), ("campaign_edit", "center1"), ("campaign_end", "center1")]


def test_case_numbers_from_xlsx() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "案号"])
    sheet.append([1, "（2026）内0221执1号"])
    sheet.append([2, None])
    sheet.append([3, " （2026）内0221执2号 "])
    buf = io.BytesIO()
    book.save(buf)
    assert edit.case_numbers_from_xlsx(buf.getvalue()) == ["（2026）内0221执1号", "（2026）内0221执2号"]
    with pytest.raises(ValidationError, match="无法读取该文件"):
        edit.case_numbers_from_xlsx(b"not a workbook")
