"""Time the authorization guard's decision per request (dashboard/guard.py), without the callback.

    .venv/bin/python bench/authz.py [--rounds N]

Builds the app on an empty migrated SQLite file with one team and one officer, then times
`check_request()` inside a request context for: a wall poll callback (allowed), a desk callback
(allowed), an admin callback refused for a team lead (403 + audit entry), a page GET whose path
names an officer (one small query), and the page router asked for a case page. Prints the mean
microseconds per decision. Numbers, not assertions: docs/operations.md (基准) quotes a run.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import g  # noqa: E402

from dashboard import guard  # noqa: E402
from dashboard.app import create_app  # noqa: E402
from db import migrate  # noqa: E402
from db.auth.access import Principal  # noqa: E402
from db.models import Court, Officer, Team  # noqa: E402
from db.session import make_engine, make_session_factory, session_scope  # noqa: E402


def _callback(key: str, outputs: list[tuple[str, str]], inputs: list[tuple[str, str, object]]) -> dict:
    return {"output": key, "outputs": [{"id": i, "property": p} for i, p in outputs],
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"], "state": []}


CASES = {
    "wall poll callback (allowed)": ("POST", "/_dash-update-component", _callback(
        "..wall-tiles.children...wall-trend.figure..", [("wall-tiles", "children"), ("wall-trend", "figure")],
        [("wall-shown-version", "data", 3)])),
    "desk callback (allowed)": ("POST", "/_dash-update-component", _callback(
        "..team-crumbs.children...team-title.children..", [("team-crumbs", "children"), ("team-title", "children")],
        [("team-query", "data", {"path_id": "1", "query": {}})])),
    "admin callback refused (403 + audit row)": ("POST", "/_dash-update-component", _callback(
        "..admin-users-table.children...admin-users-pick.options..",
        [("admin-users-table", "children"), ("admin-users-pick", "options")], [("admin-users-rev", "data", 0)])),
    "page GET /officer/<id> (scope query)": ("GET", "/officer/{officer}", None),
    "router asked for /officer/<id>": ("POST", "/_dash-update-component", _callback(
        ".._pages_content.children..._pages_store.data..", [("_pages_content", "children"), ("_pages_store", "data")],
        [("_pages_location", "pathname", "/officer/{officer}"), ("_pages_location", "search", "")])),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-authz-')}/authz.db"
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        court = Court(code="内0221", name="测试法院")
        session.add(court)
        session.flush()
        team = Team(court_id=court.id, name="简案团队", kind="simple")
        session.add(team)
        session.flush()
        officer = Officer(court_id=court.id, team_id=team.id, name="甲", role="judge")
        session.add(officer)
        session.flush()
        team_id, officer_id = team.id, officer.id
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "CACHE_URL": "null://", "SCHEDULER_ENABLED": False})
    lead = Principal(user_id=1, username="lead", display_name="团队长", role="lead", team_id=team_id)
    print(f"guard decision per request, mean of {args.rounds} (lead of team {team_id}):")
    for label, (method, path, body) in CASES.items():
        path = path.format(officer=officer_id)
        if body is not None:
            body = {**body, "inputs": [{**i, "value": i["value"].format(officer=officer_id)
                                        if isinstance(i["value"], str) else i["value"]} for i in body["inputs"]]}
        rounds = args.rounds if "refused" not in label else max(50, args.rounds // 20)
        with app.server.test_request_context(path, method=method, json=body):
            g.principal = lead
            outcome = guard.check_request()
            start = time.perf_counter()
            for _ in range(rounds):
                guard.check_request()
            took = (time.perf_counter() - start) / rounds
        status = "allowed" if outcome is None else outcome.status_code
        print(f"  {label:45s} {took * 1e6:9.1f} µs  ({status})")
    app.server.extensions["dashboard"].engine.dispose()


if __name__ == "__main__":
    main()
