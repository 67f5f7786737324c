"""Benchmark: POST /api/v1/events, one event per call against batches, through the real app.

`python bench/events_api.py [--events 2000] [--batch 500] [--backends sqlite,postgresql,mariadb]`

Seeds the small test court into a fresh database per backend (the test servers on loopback),
issues a source token and posts `--events` events twice: one per call, then `--batch` per call
(each through the whole request path: token check, rate-limit ledger, validation, write, audit).
Prints events per second for both and their ratio. The rate limit is switched off for the run.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def run(url: str, events: int, batch: int) -> None:
    from sqlalchemy import select

    from dashboard.app import create_app
    from db import migrate
    from db.events.sources import issue_source_token
    from db.models import Case
    from db.session import make_engine, make_session_factory, session_scope
    from tests.db.snapshot_data import seed

    migrate.upgrade(url)
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        seed(session)
        numbers = list(session.scalars(select(Case.case_number)))
        token = issue_source_token(session, "bench", None)[1]
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "CACHE_URL": "null://", "SCHEDULER_ENABLED": False,
                      "EVENTS_RATE_PER_MIN": 0, "EVENTS_MAX_BATCH": max(batch, 1),
                      "EVENTS_MAX_BODY_KB": 10240})
    client = app.server.test_client()
    when = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat(timespec="seconds")

    def event(prefix: str, i: int) -> dict:
        return {"external_id": f"{prefix}-{i}", "case_number": numbers[i % len(numbers)], "kind": "到场",
                "occurred_at": when, "detail": "执行干警到达现场"}

    def post(body: object) -> None:
        reply = client.post("/api/v1/events", data=json.dumps(body, ensure_ascii=False),
                            content_type="application/json", headers={"Authorization": f"Bearer {token}"})
        assert reply.status_code == 201, reply.get_data(as_text=True)[:300]

    started = time.perf_counter()
    for i in range(events):
        post(event("one", i))
    single = events / (time.perf_counter() - started)
    started = time.perf_counter()
    for first in range(0, events, batch):
        post({"events": [event("batch", i) for i in range(first, min(first + batch, events))]})
    batched = events / (time.perf_counter() - started)
    backend = url.split(":", 1)[0]
    print(f"{backend}: {events} events — one per call {single:,.0f}/s, {batch} per call {batched:,.0f}/s, "
          f"ratio {batched / single:.1f}")
    app.server.extensions["dashboard"].engine.dispose()


def main() -> None:
    from tests.backends import server_database

    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--backends", default="sqlite,postgresql,mariadb")
    args = parser.parse_args()
    for backend in args.backends.split(","):
        with server_database(backend, tempfile.mkdtemp()) as url:
            run(url, args.events, args.batch)


if __name__ == "__main__":
    main()
