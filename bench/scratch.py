"""Scratch databases for the benchmarks: a new empty database per run, dropped afterwards.

The servers are the loopback services (override with BENCH_PG_URL / BENCH_MYSQL_URL, each pointing at
an existing database the benchmark may CREATE DATABASE from); SQLite gets a file under `tmp`.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

ADMIN = {
    "postgresql": os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    "mariadb": os.environ.get("BENCH_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test?charset=utf8mb4"),
}


def database_url(backend: str, name: str) -> str:
    """The URL of database `name` on the server of ADMIN[backend] (same user, same query string)."""
    base, _, tail = ADMIN[backend].rpartition("/")
    return f"{base}/{name}" + ("?" + tail.split("?", 1)[1] if "?" in tail else "")


def drop_database(backend: str, name: str) -> None:
    """Drop `name`, first ending other sessions on it (PostgreSQL refuses to drop a database in use)."""
    admin = create_engine(ADMIN[backend], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if backend == "postgresql":
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
    admin.dispose()


@contextmanager
def scratch_database(backend: str, tmp: str, prefix: str, keep: bool = False) -> Iterator[str]:
    """Yield the URL of a new empty database named `<prefix>_<random>`; drop it afterwards unless `keep`."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    if backend == "sqlite":
        yield f"sqlite:///{tmp}/{name}.db"
        return
    admin = create_engine(ADMIN[backend], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    try:
        yield database_url(backend, name)
    finally:
        if keep:
            print(f"  kept {database_url(backend, name)} (measure again with --url)")
        else:
            drop_database(backend, name)


def demo_database(directory: str) -> str:
    """A SQLite file under `directory`, migrated and seeded with the demo court; its URL."""
    from db import migrate
    from db.demo import seed_demo
    from db.session import make_engine

    url = f"sqlite:///{directory}/demo.db"
    migrate.upgrade(url)
    engine = make_engine(url)
    print("seed-demo:", seed_demo(engine)["cases"], "cases", flush=True)
    engine.dispose()
    return url
