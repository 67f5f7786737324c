"""The pages added with 大中心, 专项行动 and 会议模式 during a database outage: their main callbacks
answer with a Chinese message or keep what is shown (204) — never a 500 or a traceback — and show
figures again once the database is back, without a restart."""
from __future__ import annotations

import json
from typing import Any

import pytest

from layouts import ids
from tests.auth_helpers import login, make_user
from tests.callbacks.test_access import payload
from tests.faults.conftest import wait_for
from tests.faults.test_database import live  # noqa: F401 - the fixture

CALLS = {  # output id → the inputs the page sends on load
    ids.Center.TITLE: {f"{ids.Center.QUERY}.data": {"path_id": None, "query": {}}},
    ids.Triage.QUEUE: {f"{ids.Triage.REV}.data": 0},
    ids.Campaigns.LIST: {f"{ids.Campaigns.QUERY}.data": {}},
    ids.CampaignPage.TITLE: {f"{ids.CampaignPage.QUERY}.data": {"campaign_id": "1", "query": {}}},
    ids.Meeting.TITLE: {f"{ids.Meeting.QUERY}.data": {}, f"{ids.Meeting.FOCUS}.data": None},
}
DOWN_WORDS = ("数据库", "暂不可用", "稍后")


def _call(client: Any, app: Any, output: str, values: dict[str, Any]) -> tuple[int, str]:
    reply = client.post("/_dash-update-component", json=payload(app, output, values))
    text = reply.get_data(as_text=True)
    if reply.is_json and text:
        text = json.dumps(reply.get_json(), ensure_ascii=False)
    assert reply.status_code != 500 and "Traceback" not in text and "Internal Server Error" not in text, \
        (output, reply.status_code, text[:300])
    return reply.status_code, text


@pytest.mark.parametrize("fault", ["refuse", "hang"])
def test_center_triage_campaign_and_meeting_pages_ride_out_an_outage(
        live: dict[str, Any], fault: str) -> None:  # noqa: F811
    app, user = live["app"], live["user"]
    client = app.server.test_client()
    assert login(client, user.username).status_code == 302
    for path in ("/center", "/triage", "/campaigns", "/meeting", "/admin/triage-rules"):
        assert client.get(path).status_code == 200, path
    live["proxy"].set_mode(fault)  # stopped, or hung (each call bounded by the timeouts)
    for output, values in CALLS.items():
        status, text = _call(client, app, output, values)
        # 204: nothing replaced; 503: the outage notice page; 200: the page's own Chinese message
        assert status in (200, 204, 503), (output, status)
        if status == 200:
            assert any(word in text for word in DOWN_WORDS), (output, text[:300])
    live["proxy"].set_mode("pass")

    def recovered() -> bool:
        status, text = _call(client, app, ids.Center.TITLE, CALLS[ids.Center.TITLE])
        return status == 200 and "指挥中心" in text and "暂不可用" not in text

    wait_for(recovered, 40, "the 中心 page recovers")


@pytest.mark.parametrize("fault", ["refuse", "hang"])
def test_the_supervision_list_rides_out_an_outage(live: dict[str, Any], proxied: Any,  # noqa: F811
                                                  fault: str) -> None:
    """/supervision's list (its court scope follows the switcher, read from the court tree)
    answers an outage in Chinese and lists the 督办 again once the database is back."""
    app = live["app"]
    centre = make_user(proxied.direct_url, "center")
    client = app.server.test_client()
    assert login(client, centre.username).status_code == 302
    assert client.get("/supervision").status_code == 200
    values = {f"{ids.Supervision.QUERY}.data": {}}
    live["proxy"].set_mode(fault)
    status, text = _call(client, app, ids.Supervision.SUMMARY, values)
    assert status in (200, 204, 503), status
    if status == 200:
        assert any(word in text for word in DOWN_WORDS), text[:300]
    live["proxy"].set_mode("pass")

    def recovered() -> bool:
        status, text = _call(client, app, ids.Supervision.SUMMARY, values)
        return status == 200 and "共 " in text and "暂不可用" not in text

    wait_for(recovered, 40, "the 督办 list recovers")
