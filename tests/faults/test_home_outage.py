"""The start page 首页 during a database outage (issue #16): the last figures kept in the shared
cache marked with the notice, or a plain message when none are kept — never the eternal
「正在读取数据…」 — and the real figures again once the database is back, with no reload (the
callback listens to the shell's banner, which clears by itself)."""
from __future__ import annotations

import json
from typing import Any

import pytest

from tests.auth_helpers import login, make_user
from tests.faults.conftest import FAST, LOAD_SLACK, Proxied, wait_for
from tests.faults.test_database import NOTICE, _banner, live  # noqa: F401 - the fixture

LOADING = "正在读取数据"
NO_KEPT = "暂无缓存的首页数据"


def _home(client: Any, banner: str = "") -> tuple[str, str, Any]:
    """The home callback as the browser calls it when the shell's banner changes: (lead, all text, summary)."""
    body = {
        "output": ("..home-court.children...home-summary.children...home-sections.children..."
                   "home-as-of.children...home-shown-version.data.."),
        "outputs": [{"id": "home-court", "property": "children"},
                    {"id": "home-summary", "property": "children"},
                    {"id": "home-sections", "property": "children"},
                    {"id": "home-as-of", "property": "children"},
                    {"id": "home-shown-version", "property": "data"}],
        "inputs": [{"id": "home-load", "property": "n_intervals", "value": None},
                   {"id": "shell-stale-banner", "property": "children", "value": banner},
                   {"id": "shell-snapshot-version", "property": "data", "value": None}],
        "state": [{"id": "home-shown-version", "property": "data", "value": None}],
        "changedPropIds": ["shell-stale-banner.children"],
    }
    reply = client.post("/_dash-update-component", json=body)
    assert reply.status_code == 200, (reply.status_code, reply.get_data(as_text=True)[:300])
    response = reply.get_json()["response"]
    text = json.dumps(response, ensure_ascii=False)
    assert "Traceback" not in text and LOADING not in text
    return str(response["home-court"]["children"]), text, response["home-summary"]["children"]


def _stats(summary: Any) -> list[tuple[str, str]]:
    """The headline counts in the order shown: (data-stat, value) of the serialized panels."""
    found: list[tuple[str, str]] = []

    def walk(node: Any, stat: str | None) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, stat)
        elif isinstance(node, dict):
            props = node.get("props", {})
            stat = props.get("data-stat", stat)
            if stat and props.get("className") == "stat-value":
                found.append((stat, str(props.get("children"))))
            walk(props.get("children"), stat)

    walk(summary, None)
    return found


@pytest.mark.parametrize("fault", ["refuse", "hang"])
def test_home_during_outage_shows_kept_figures_then_recovers(live: dict[str, Any],  # noqa: F811
                                                            proxied: Proxied, fault: str) -> None:
    app, proxy = live["app"], live["proxy"]
    center = app.server.test_client()
    assert login(center, live["user"].username).status_code == 302
    lead, body, summary = _home(center)
    assert lead.startswith("当前数据：包头市土默特右旗人民法院")
    figures = _stats(summary)
    assert len(figures) == 6 and not NOTICE.search(body), figures
    # a team leader signed in, who has not opened 首页 yet: nothing is kept for that scope
    lead_user = make_user(proxied.direct_url, "lead", team_id=1)
    team = app.server.test_client()
    assert login(team, lead_user.username).status_code == 302

    proxy.set_mode(fault)
    lead, body, summary = _home(center, "")
    assert lead.startswith("当前数据：包头市土默特右旗人民法院")
    assert NOTICE.search(body) and "home-stale" in body
    assert _stats(summary) == figures  # the same figures as before, greyed under the notice
    wait_for(lambda: NOTICE.search(_banner(center)), 10, "outage banner")
    banner = _banner(center)
    lead, body, summary = _home(team, banner)
    assert lead == "数据库暂不可用，暂时无法读取首页数据"
    assert NO_KEPT in body and NOTICE.search(body) and not _stats(summary)

    proxy.set_mode("pass")
    # the banner clears by itself; its change triggers the home callback again: real figures
    # (two refresh intervals, plus a statement timeout for a request caught mid-way by a hang)
    wait_for(lambda: not _banner(center),
             2 * FAST["REFRESH_INTERVAL_S"] + FAST["DB_STATEMENT_TIMEOUT_S"] + LOAD_SLACK, "banner cleared")
    lead, body, summary = _home(center, "")
    assert lead.startswith("当前数据：包头市土默特右旗人民法院")
    assert _stats(summary) == figures and not NOTICE.search(body) and "home-stale" not in body
    lead, body, summary = _home(team, "")
    assert lead.startswith("当前数据：") and NO_KEPT not in body and _stats(summary)
