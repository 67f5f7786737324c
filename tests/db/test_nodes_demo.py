"""The generated demo court, seeded once per backend: node statuses, 终本 checks, 疾风骏马."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.campaigns.figures import (
    campaign_list,
    campaign_report,
    explain,
    explain_indicator,
)
from db.campaigns.measures import campaign_results, list_campaigns
from db.models import Case
from db.nodes.builders import NodeFilter
from db.nodes.compliance import compliance_summary
from db.nodes.counts import node_counts, node_summary
from db.nodes.rules import load_rules
from db.nodes.sql import node_rows
from db.queries.queue import node_alerts
from tests.backends import BACKENDS
from tests.db.nodes_factory import demo_court

TODAY = dt.date(2022, 11, 30)


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request: pytest.FixtureRequest, migrated_urls: dict[str, str]) -> Iterator[Engine]:
    """The demo court as of 2022-11-30 (seeding takes a while, so once per backend)."""
    yield from demo_court(migrated_urls[request.param], TODAY)


def test_jifeng_junma_results(demo: Engine) -> None:
    """The article's 疾风骏马 (2022-08-24): 11 执行完毕, 1 腾退, more than 1,000,000 元."""
    with Session(demo) as s:
        (action,) = [c for c in list_campaigns(s, TODAY) if c["name"] == "疾风骏马"]
        result = campaign_results(s, action["id"], TODAY)
    assert (result["started_on"], result["closed"], result["completed"]) == ("2022-08-24", 11, 11)
    assert result["evictions"] == 1
    assert Decimal(result["recovered"]) > Decimal("1000000")
    assert result["dispatches"] >= 11


def test_campaign_reports_of_the_demo(demo: Engine) -> None:
    """疾风骏马 through the campaign report (the page, wall and 战报 figures) keeps the article's
    numbers; 雷霆攻坚 runs on the demo's today with targets and figures that explain themselves."""
    with Session(demo) as s:
        listed = {c["name"]: c for c in campaign_list(s, TODAY)}
        old = campaign_report(s, listed["疾风骏马"]["id"], TODAY)
        live = campaign_report(s, listed["雷霆攻坚"]["id"], TODAY)
        closed_rows = explain(s, live["id"], "closed", TODAY)
        rate_rows = explain_indicator(s, live["id"], "ind.closure_rate", TODAY)
    figures = {m["key"]: m["value"] for m in old["measures"]}
    assert (figures["closed"], figures["completed"], figures["eviction"]) == (11, 11, 1)
    assert figures["recovered"] > 1_000_000 and old["status"] == "finished"
    assert live["status"] == "running" and live["start"] == "2022-11-13" and live["end"] == "2022-12-13"
    targets = {m["key"]: m for m in live["measures"] if m["target"]}
    assert set(targets) >= {"closed", "recovered", "blacklist"}
    assert len(closed_rows) == targets["closed"]["value"] > 0
    # its registry-indicator targets: 结案率 (a floor, not reached yet) and 首执平均用时 (a ceiling kept)
    inds = {f["indicator"]: f for f in live["indicators"]}
    assert set(inds) == {"closure_rate", "first_avg_days"}
    assert inds["closure_rate"]["rule"] == "不低于" and not inds["closure_rate"]["met"]
    assert inds["first_avg_days"]["rule"] == "不高于" and inds["first_avg_days"]["met"]
    assert (len(rate_rows["numerator"]), len(rate_rows["denominator"])) == \
        (inds["closure_rate"]["numerator"], inds["closure_rate"]["denominator"])
    # the same cases as 执结案件数 (the scope is 首执＋恢复执行, the court's own categories)
    assert inds["closure_rate"]["numerator"] == targets["closed"]["value"]


def test_node_statuses_look_plausible(demo: Engine) -> None:
    """Most nodes are met on time; some are overdue or due soon; every team has figures."""
    rules = load_rules()
    with Session(demo) as s:
        summary = node_summary(s, TODAY, rules)
        teams = node_counts(s, "team", None, TODAY, rules)
    totals = summary["totals"]
    done = totals["done_on_time"] + totals["done_late"]
    assert totals["done_on_time"] > 0.8 * done
    assert totals["overdue"] > 0 and totals["due_soon"] > 0 and totals["not_due"] > 0
    assert totals["overdue"] < 0.1 * sum(totals.values())
    by_node = {n["key"]: n for n in summary["by_node"]}
    assert by_node["notice"]["done_on_time"] > 1000
    assert by_node["disbursement"]["done_late"] > 0 and by_node["term"]["done_late"] > 0
    assert by_node["renewal"]["due_soon"] + by_node["renewal"]["not_due"] > 0
    assert len(summary["by_team"]) >= 4 and summary["payments"]["count"] > 0
    assert sum(t["open_cases"] for t in teams.values()) > 100


def test_compliance_rate_is_a_real_share(demo: Engine) -> None:
    with Session(demo) as s:
        summary = compliance_summary(s, dt.date(2022, 1, 1), dt.date(2022, 9, 30))
    assert summary["cases"] > 100
    assert 0 <= summary["compliant"] <= summary["cases"]
    failing = {c["key"]: c["failing"] for c in summary["failing_by_check"]}
    assert failing["ruling"] == 0 and failing["interview"] == 0  # the demo records both for 终本


def _alert_rows(s: Session, flt: NodeFilter) -> list[tuple]:
    """Every node row that is overdue or due soon, or an unpaid receipt (what 今日待办 reads)."""
    rows = node_rows(s, load_rules(), TODAY, flt)
    wanted = or_(rows.c.status.in_(("overdue", "due_soon")),
                 and_(rows.c.node == "disbursement", rows.c.status == "not_due"))
    stmt = select(rows).where(wanted).order_by(rows.c.node, rows.c.case_id, rows.c.item_id)
    return [tuple(r) for r in s.execute(stmt)]


def test_pending_node_rows_equal_the_full_computation(demo: Engine) -> None:
    """The fast path of the 节点 alerts and 今日待办 (NodeFilter.pending: the scope's open cases,
    plus closed ones only for rules that watch them) gives exactly the rows of the full
    computation over every case of the team or officer, and node_alerts() is that list."""
    with Session(demo) as s:
        teams = [t for (t,) in s.execute(select(Case.team_id).where(Case.team_id.isnot(None)).distinct())]
        officers = [o for (o,) in s.execute(select(Case.officer_id).where(Case.officer_id.isnot(None))
                                            .distinct().order_by(Case.officer_id).limit(6))]
        total = 0
        for scope, ids in (("team", teams), ("officer", officers)):
            for sid in ids:
                narrowing = {f"{scope}_ids": (sid,)}
                full = _alert_rows(s, NodeFilter(**narrowing))
                assert _alert_rows(s, NodeFilter.pending(TODAY, **narrowing)) == full
                alerts = node_alerts(s, scope, sid, today=TODAY, rules=load_rules())
                reference = sorted((r[4], r[0], r[5]) for r in full if r[9] in ("overdue", "due_soon"))
                assert sorted((r["node"], r["case_id"], r["item_id"]) for a in alerts.values()
                              for r in a) == reference
                total += len(full)
    assert total > 0  # the demo has overdue nodes, so the comparison compares something
