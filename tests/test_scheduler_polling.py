"""Database load does not grow with open pages: 1 and 50 polling clients, same ticks."""
from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from dashboard import scheduler as wiring
from dashboard.app import create_app
from db.session import bump_data_version, make_session_factory, session_scope
from layouts import ids
from tests.auth_helpers import copy_session, login, make_user
from tests.backends import clear_all
from tests.db.snapshot_data import seed

TICKS = 6
CHANGED_AT = {2, 4}  # ticks at which the case data changes


def _poll_request(http, n: int, shown: int | None, banner: str | None) -> dict:
    deps = http.get("/_dash-dependencies").json
    (dep,) = [d for d in deps if d["inputs"] == [{"id": ids.Shell.POLL,
                                                  "property": "n_intervals"}]]
    state_values = {ids.Shell.VERSION: shown, ids.Shell.BANNER: banner,
                    ids.Shell.ROOT: "shell"}
    return {
        "output": dep["output"],
        "outputs": [{"id": o.split(".")[0], "property": o.split(".")[1]}
                    for o in dep["output"].strip(".").split("...")],
        "inputs": [{"id": ids.Shell.POLL, "property": "n_intervals", "value": n}],
        "state": [dict(s, value=state_values[s["id"]]) for s in dep["state"]],
        "changedPropIds": [f"{ids.Shell.POLL}.n_intervals"],
    }


class Client:
    """One open page: remembers the version it shows, like the dcc.Store does."""

    def __init__(self, app) -> None:
        self.app, self.http, self.shown, self.seen = app, app.server.test_client(), None, []

    def poll(self, n: int) -> None:
        body = _poll_request(self.http, n, self.shown, None)
        reply = self.http.post("/_dash-update-component", json=body)
        assert reply.status_code in (200, 204)
        if reply.status_code == 200:
            version = json.loads(reply.data)["response"][ids.Shell.VERSION].get("data")
            if version is not None:
                self.shown = version
        self.seen.append(self.shown)
        assert self.http.get("/healthz").status_code == 200


@pytest.fixture
def app(sqlite_engine: Engine) -> Iterator:
    url = sqlite_engine.url.render_as_string(hide_password=False)
    # AUTH_RECHECK_S: the signed-in user is re-checked at most once an hour, not during the run
    yield create_app({"DATABASE_URL": url, "CACHE_URL": "simple://", "AUTH_RECHECK_S": 3600,
                      "SCHEDULER_ENABLED": False, "REFRESH_INTERVAL_S": 60})


def _run(app, clients: int) -> tuple[int, list[int]]:
    """Reset the data, run TICKS refresher ticks with `clients` polls each; count statements."""
    state = app.server.extensions["dashboard"]
    clear_all(state.engine)
    state.extras["cache"].clear()
    with session_scope(state.sessions) as session:
        seed(session)
    refresher = wiring.make_refresher(state)
    pages = [Client(app) for _ in range(clients)]
    user = make_user(state.engine, "center")  # every page signed in (the same user, one sign-in)
    assert login(pages[0].http, user.username, user.password).status_code == 302
    for page in pages[1:]:
        copy_session(pages[0].http, page.http)
    pages[0].http.get("/_dash-dependencies")  # warm Dash's first-request setup
    count = {"n": 0}

    def counter(*_args) -> None:
        count["n"] += 1

    event.listen(state.engine, "before_cursor_execute", counter)
    try:
        for tick in range(TICKS):
            if tick in CHANGED_AT:
                with session_scope(make_session_factory(state.engine)) as session:
                    bump_data_version(session)
            refresher.run()
            for page in pages:
                page.poll(tick)
    finally:
        event.remove(state.engine, "before_cursor_execute", counter)
    return count["n"], pages[-1].seen


def test_statements_do_not_grow_with_clients(app) -> None:
    one, seen_one = _run(app, 1)
    fifty, seen_fifty = _run(app, 50)
    assert one > 0  # the refresher did query the database
    assert fifty == one
    assert seen_one == seen_fifty == [1, 1, 2, 2, 3, 3]  # every page followed each version
