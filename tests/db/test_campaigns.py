"""专项行动 results on crafted cases and the demo's 疾风骏马, on SQLite, PostgreSQL and MariaDB."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.campaigns.measures import campaign_results, create_campaign, list_campaigns
from db.errors import ValidationError
from db.models import Payment
from tests.db.nodes_factory import D, add_event, make_case, make_org

DAY = D(2024, 5, 20)


def test_results_count_only_targets_within_the_dates(engine: Engine) -> None:
    """Closed, 执行完毕, money, 腾退, 拘留, 失信/限高 of the target cases during the action."""
    with Session(engine) as s:
        org = make_org(s)
        done = make_case(s, org, D(2024, 1, 5), closed_on=DAY, closing_method="completed")
        terminated = make_case(s, org, D(2024, 1, 5), closed_on=DAY, closing_method="terminated_this_round")
        visited = make_case(s, org, D(2024, 1, 5), team=1)
        before = make_case(s, org, D(2024, 1, 5), closed_on=D(2024, 5, 1), closing_method="completed")
        outsider = make_case(s, org, D(2024, 1, 5), closed_on=DAY, closing_method="completed")
        s.add_all([
            Payment(case_id=done.id, received_on=DAY, amount=Decimal("600000.50")),
            Payment(case_id=visited.id, received_on=D(2024, 5, 21), amount=Decimal("400000.00")),
            Payment(case_id=visited.id, received_on=D(2024, 5, 19), amount=Decimal("9.00")),
            Payment(case_id=outsider.id, received_on=DAY, amount=Decimal("7.00")),
        ])
        add_event(s, done, "eviction", DAY)
        add_event(s, visited, "detention", D(2024, 5, 21), hour=7)
        add_event(s, visited, "blacklist", DAY)
        add_event(s, visited, "consumption_ban", DAY)
        add_event(s, outsider, "detention", DAY)
        cid = create_campaign(
            s, court_id=org.court.id, name="夏季攻坚", started_on=DAY, ended_on=D(2024, 5, 22),
            case_ids=[done.id, terminated.id, before.id], team_ids=[org.teams[1].id],
        )
        during = campaign_results(s, cid, D(2024, 5, 20))
        after = campaign_results(s, cid, D(2024, 6, 1))
        listed = list_campaigns(s, D(2024, 5, 21))
    assert (during["targets"], during["closed"], during["completed"]) == (4, 2, 1)
    assert during["recovered"] == "600000.50" and during["evictions"] == 1 and during["detentions"] == 0
    assert (after["recovered"], after["detentions"], after["blacklisted"], after["consumption_bans"]) == (
        "1000000.50", 1, 1, 1)
    assert after["as_of"] == "2024-05-22" and not after["running"] and during["running"]
    assert {t["team_id"]: t["targets"] for t in after["by_team"]} == {org.teams[0].id: 3, org.teams[1].id: 1}
    assert listed == [{"id": cid, "name": "夏季攻坚", "started_on": DAY, "ended_on": D(2024, 5, 22),
                       "targets": 4, "running": True}]


def test_bad_definitions_are_refused(engine: Engine) -> None:
    with Session(engine) as s:
        org = make_org(s)
        with pytest.raises(ValidationError, match="结束日期 2024-05-01 早于开始日期 2024-05-20"):
            create_campaign(s, court_id=org.court.id, name="x", started_on=DAY, ended_on=D(2024, 5, 1))
        with pytest.raises(ValidationError, match="案件“424242”不存在或不属于该法院"):
            create_campaign(s, court_id=org.court.id, name="x", started_on=DAY, ended_on=DAY, case_ids=[424242])
        with pytest.raises(ValidationError, match="行动名称不能为空"):
            create_campaign(s, court_id=org.court.id, name=" ", started_on=DAY, ended_on=DAY)
        with pytest.raises(ValidationError, match="专项行动“9”不存在"):
            campaign_results(s, 9, DAY)
