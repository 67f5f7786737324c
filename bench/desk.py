"""Time the desk pages' data work (cold = first view, warm = repeated view from the cache).

    .venv/bin/python bench/desk.py [--db URL]      # default: seed the demo court into a temp SQLite file

Prints one line per page: cold and warm milliseconds and the SQL statements each needed.
Numbers, not assertions: docs/operations.md (基准) quotes a run.
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
from sqlalchemy import event  # noqa: E402

from callbacks.desk import analysis, case, cases, officer, team  # noqa: E402
from dashboard.app import create_app  # noqa: E402
from db.auth.access import Principal  # noqa: E402

ARTICLE = {"preset": "custom", "start": "2021-10-01", "end": "2022-09-30"}
PAGES = (
    ("/analysis (court)", analysis.render_analysis, ARTICLE),
    ("/analysis (team)", analysis.render_analysis, ARTICLE | {"team": "2"}),
    ("/team/2", team.render_team, {"path_id": "2", "query": {}}),
    ("/officer/12", officer.render_officer, {"path_id": "12", "query": {}}),
    ("/cases 受理 (court)", cases.render_cases, {"indicator": "accepted", "scope": "court", "id": "1",
                                                "start": "2021-10-01", "end": "2022-09-30"}),
    ("/cases 节点超期 (team)", cases.render_cases, {"node": "overdue", "scope": "team", "id": "2"}),
    ("/case/1661", case.render_case, {"path_id": "1661"}),
)


def _database(url: str | None) -> str:
    if url:
        return url
    from bench.scratch import demo_database

    return demo_database(tempfile.mkdtemp(prefix="desk-bench-"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL with the demo court (default: seed one)")
    args = parser.parse_args()
    app = create_app({"DATABASE_URL": _database(args.db), "CACHE_URL": "simple://",
                      "SCHEDULER_ENABLED": False})
    statements = [0]
    event.listen(app.server.extensions["dashboard"].engine, "before_cursor_execute",
                 lambda *_: statements.__setitem__(0, statements[0] + 1))
    print(f"{'page':<24}{'cold ms':>10}{'SQL':>6}{'warm ms':>10}{'SQL':>6}")
    with app.server.test_request_context():
        # a whole-court viewer: without one every page answers its refusal in a millisecond
        g.principal = Principal(user_id=None, username="bench", display_name="基准", role="center")
        for name, render, arg in PAGES:
            runs = []
            for _ in range(2):
                statements[0] = 0
                start = time.perf_counter()
                render(arg)
                runs.append(((time.perf_counter() - start) * 1000, statements[0]))
            (cold, cold_sql), (warm, warm_sql) = runs
            print(f"{name:<24}{cold:>10.0f}{cold_sql:>6}{warm:>10.1f}{warm_sql:>6}")


if __name__ == "__main__":
    main()
