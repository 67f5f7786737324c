"""Physical upkeep of the case table: `cluster_cases` puts each team's cases on adjacent pages.

Cases arrive in filing order, every court's and team's mixed, so one team's rows lie on pages
all over the table. The incremental snapshot build reads only the changed teams' cases, and on
PostgreSQL at province scale most of its time is those scattered page reads (docs/operations.md
#bench-scale-province). `CLUSTER cases USING ix_cases_team_closed` rewrites the table in team
order, then by closing date with the open cases last, so a team's open and recently closed cases
(what the builds read most) end up side by side. PostgreSQL keeps the choice: a later plain
`CLUSTER cases` uses the same index. The rewrite leaves room on each page (`fillfactor`) for
the new versions of cases updated later; new cases, and updates that find no room, go elsewhere,
so the order wears off with the weeks; a court runs it again at night (docs/install.md).

CLUSTER holds an ACCESS EXCLUSIVE lock on `cases` for as long as it runs (minutes at millions of
rows): the wall keeps showing the cached snapshot, while builds and desk pages that read cases
wait for their own statement timeouts. So the lock is only waited for `lock_timeout_s` (a long
report would otherwise queue every later reader behind the waiting CLUSTER), and the whole
rewrite is bounded by `timeout_s`; either way out leaves the table as it was (CLUSTER is one
transaction). SQLite and MariaDB have no CLUSTER: the outcome says why nothing was done.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from db.timeouts import TIMEOUT_OPTION, server_statement_limit

CLUSTER_INDEX = "ix_cases_team_closed"

NOT_SUPPORTED = {
    "sqlite": "嵌入式 SQLite 数据库没有 CLUSTER，也无需整理：它只用于演示和小型法院，"
              "省级规模请使用 PostgreSQL（见 docs/install.md）。",
    "mariadb": "MariaDB/MySQL (InnoDB) 按主键顺序存放行，没有 CLUSTER，未整理；"
               "省级规模请使用 PostgreSQL（见 docs/install.md）。",
}
NOT_SUPPORTED["mysql"] = NOT_SUPPORTED["mariadb"]
DEFAULT_FILLFACTOR = 90
# PostgreSQL SQLSTATEs of the two ways out: waited too long for the lock; ran too long
LOCK_NOT_AVAILABLE = "55P03"
QUERY_CANCELED = "57014"


@dataclass(frozen=True)
class ClusterOutcome:
    """`done`: the table was rewritten; `message`: what happened, in Chinese, for the operator."""

    done: bool
    message: str
    seconds: float = 0.0


def team_order(engine: Engine) -> float | None:
    """PostgreSQL's statistic of how closely the rows' physical order follows team_id (1: the
    same order, 0: none); None where there is no such statistic (other databases, before the
    table was analyzed)."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        value = conn.execute(text(
            "SELECT correlation FROM pg_stats WHERE schemaname = current_schema() "
            "AND tablename = 'cases' AND attname = 'team_id'")).scalar()
    return None if value is None else float(value)


def cluster_cases(engine: Engine, lock_timeout_s: float = 10, timeout_s: float = 3600,
                  fillfactor: int | None = DEFAULT_FILLFACTOR) -> ClusterOutcome:
    """Rewrite `cases` in team order (PostgreSQL), then vacuum and analyze it.

    `fillfactor` (PostgreSQL's storage parameter, set in the same transaction): the share of each
    page the rewrite fills, so that a later UPDATE of a case finds room for the row's new version
    on the same page — PostgreSQL tries that page first, indexed columns changed or not — and
    the team order holds for updated cases; only new cases go elsewhere. None leaves it alone."""
    backend = engine.dialect.name
    if backend != "postgresql":
        return ClusterOutcome(False, NOT_SUPPORTED.get(backend, f"{backend} 数据库不支持整理。"))
    began = time.perf_counter()
    # the client-side deadline, past the server's own; it applies on an engine with client
    # deadlines (db.timeouts: the web app's) — the command line's engines have none
    budget = timeout_s + lock_timeout_s + 60
    try:
        with engine.connect().execution_options(**{TIMEOUT_OPTION: budget}) as conn, \
                conn.begin():  # one transaction: all of it or nothing
            conn.execute(text(f"SET LOCAL lock_timeout = {int(lock_timeout_s * 1000)}"))
            server_statement_limit(conn, timeout_s)
            if fillfactor is not None:
                conn.execute(text(f"ALTER TABLE cases SET (fillfactor = {int(fillfactor)})"))
            conn.execute(text(f"CLUSTER cases USING {CLUSTER_INDEX}"))
    except DBAPIError as exc:
        state = getattr(exc.orig, "sqlstate", None)
        if state == LOCK_NOT_AVAILABLE:
            return ClusterOutcome(False, f"案件表正被其他操作占用，{lock_timeout_s:g} 秒内未能加锁，"
                                         "未整理（表未改变）；请在夜间业务空闲时重试。")
        if state == QUERY_CANCELED:
            return ClusterOutcome(False, f"整理超过 {timeout_s / 60:g} 分钟被取消，表未改变；"
                                         "请用 --timeout-min 给出更长的时限后重试。")
        raise
    clustered = time.perf_counter() - began
    # VACUUM runs outside a transaction; it takes no lock that stops readers or writers
    kept = f"，每页留 {100 - int(fillfactor)}% 空间给修改" if fillfactor and fillfactor < 100 else ""
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT",
                                                **{TIMEOUT_OPTION: budget}) as conn:
            conn.execute(text("VACUUM (ANALYZE) cases"))
    except DBAPIError as exc:  # the rewrite stands; only the statistics wait for autovacuum
        reason = " ".join(str(exc.orig).split())[:200]
        return ClusterOutcome(True, f"案件表已按团队重排{kept}（CLUSTER {clustered:.1f} 秒），"
                                    f"但随后的 VACUUM ANALYZE 失败：{reason}；"
                                    "请稍后运行 VACUUM ANALYZE cases。", clustered)
    seconds = time.perf_counter() - began
    return ClusterOutcome(True, f"案件表已按团队重排{kept}（CLUSTER {clustered:.1f} 秒，"
                                f"VACUUM ANALYZE {seconds - clustered:.1f} 秒）。", seconds)
