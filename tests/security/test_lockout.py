"""Finding 2: the lockout check-and-record is atomic. Twelve parallel wrong passwords for one
account (or one address) get exactly five checks; the other seven are refused before their
password is looked at — on SQLite, PostgreSQL and MariaDB."""
from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

from db.auth.login_throttle import Limits, reserve_attempt, settle_attempt
from db.session import make_session_factory, session_scope
from tests.auth_helpers import csrf_from, make_user, same_site

LIMITS = Limits(max_failures=5, max_ip_failures=5, window=dt.timedelta(minutes=15),
                lockout=dt.timedelta(minutes=15))
NOW = dt.datetime(2026, 12, 3, 12, 0)


def _parallel(engine, calls: list[tuple[str, str]]) -> list[dt.datetime | None]:
    factory = make_session_factory(engine)
    start = threading.Barrier(len(calls))

    def one(args: tuple[str, str]) -> dt.datetime | None:
        start.wait()
        return reserve_attempt(factory, args[0], args[1], NOW, LIMITS)

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(one, calls))


def test_twelve_parallel_guesses_at_one_account_get_five_checks(engine) -> None:
    results = _parallel(engine, [("zhang", f"10.0.0.{i}") for i in range(12)])
    assert sum(r is None for r in results) == 5
    assert all(r == NOW + LIMITS.lockout for r in results if r is not None)
    # and it stays locked
    assert reserve_attempt(make_session_factory(engine), "zhang", "10.0.0.99", NOW, LIMITS) is not None


def test_twelve_parallel_guesses_from_one_address_get_five_checks(engine) -> None:
    results = _parallel(engine, [(f"user{i}", "10.9.9.9") for i in range(12)])
    assert sum(r is None for r in results) == 5
    factory = make_session_factory(engine)
    assert reserve_attempt(factory, "someone", "10.9.9.9", NOW, LIMITS) is not None
    assert reserve_attempt(factory, "user0", "10.9.9.8", NOW, LIMITS) is None  # the account is free


def test_a_success_gives_back_its_reservation(engine) -> None:
    factory = make_session_factory(engine)
    for i in range(4):
        assert reserve_attempt(factory, "wang", "10.1.1.1", NOW + dt.timedelta(seconds=i), LIMITS) is None
    assert reserve_attempt(factory, "wang", "10.1.1.1", NOW + dt.timedelta(seconds=5), LIMITS) is None
    with session_scope(factory) as db:
        settle_attempt(db, "wang", "10.1.1.1", ok=True)
    for i in range(4):  # the account starts over; the address keeps its four failures
        assert reserve_attempt(factory, "wang", "10.1.1.2", NOW + dt.timedelta(seconds=10 + i), LIMITS) is None
    assert reserve_attempt(factory, "li", "10.1.1.1", NOW + dt.timedelta(seconds=20), LIMITS) is None
    assert reserve_attempt(factory, "li", "10.1.1.1", NOW + dt.timedelta(seconds=21), LIMITS) is not None


def test_parallel_wrong_passwords_over_http_are_not_all_checked(app) -> None:
    """The whole /login path: twelve browsers post a wrong password for one account at once."""
    user = make_user(app.server.extensions["dashboard"].engine, "center")
    clients = []
    for _ in range(12):
        client = app.server.test_client()
        same_site(client)
        clients.append((client, csrf_from(client.get("/login").get_data(as_text=True))))
    start = threading.Barrier(len(clients))

    def post(pair) -> int:
        client, token = pair
        start.wait()
        return client.post("/login", data={"csrf_token": token, "username": user.username,
                                           "password": "Wrong#pass-2026"}).status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        codes = list(pool.map(post, clients))
    assert codes.count(401) == 5 and codes.count(429) == 7, codes
