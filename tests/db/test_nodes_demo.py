"""The generated demo court, seeded once per backend: node statuses, 终本 checks, 疾风骏马."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.campaigns.measures import campaign_results, list_campaigns
from db.nodes.compliance import compliance_summary
from db.nodes.counts import node_counts, node_summary
from db.nodes.rules import load_rules
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
