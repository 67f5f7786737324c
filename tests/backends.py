"""Real database servers for the tests: SQLite, PostgreSQL and MariaDB.

Each test session creates its own throw-away database on each server, so parallel runs do
not collide. Locally a missing server skips its tests with a loud reason; under CI=true a
missing server fails them.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from db.base import Base

PG_ADMIN = os.environ.get("TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MY_ADMIN = os.environ.get("TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test?charset=utf8mb4")
BACKENDS = ("sqlite", "postgresql", "mariadb")


def unavailable(reason: str) -> None:
    """Skip loudly, or fail under CI where every service must be present."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but a required service is missing: {reason}")
    pytest.skip(f"SERVICE MISSING, test skipped: {reason}")


@contextmanager
def server_database(backend: str, tmp_dir: str) -> Iterator[str]:
    """Yield the URL of a new empty database on `backend`; drop it afterwards."""
    name = f"dash_t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    if backend == "sqlite":
        yield f"sqlite:///{tmp_dir}/{name}.db"
        return
    admin_url = PG_ADMIN if backend == "postgresql" else MY_ADMIN
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            extra = " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" if backend == "mariadb" else ""
            conn.execute(text(f"CREATE DATABASE {name}{extra}"))
    except Exception as exc:  # noqa: BLE001 - any connection error means "not available"
        unavailable(f"{backend} at {admin_url}: {exc}")
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    if backend == "mariadb":
        url += "?charset=utf8mb4"
    try:
        yield url
    finally:
        with admin.connect() as conn:
            if backend == "postgresql":
                conn.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"))
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


def clear_all(engine: Engine) -> None:
    """Delete every row (children first) so a migrated database can be reused.

    cases.origin_case_id (执恢 → 原案) references cases itself and has no index: MariaDB
    refuses a plain DELETE of linked rows, and SQLite/PostgreSQL check each deleted row
    with a full scan (minutes for the demo court). So skip row-wise FK checks here.
    """
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        return
    with engine.connect() as conn:
        off, on = {"sqlite": ("PRAGMA foreign_keys=OFF", "PRAGMA foreign_keys=ON")}.get(
            engine.dialect.name, ("SET FOREIGN_KEY_CHECKS=0", "SET FOREIGN_KEY_CHECKS=1"))
        conn.exec_driver_sql(off)
        try:
            for name in tables:
                conn.exec_driver_sql(f"DELETE FROM {name}")
            conn.commit()
        finally:
            conn.exec_driver_sql(on)
