"""The refresher freezes what outlives a build and unfreezes before a full one (db/snapshot/heap.py)."""
from __future__ import annotations

import gc
import time
import weakref
from collections.abc import Iterator

import pytest
from cachelib import SimpleCache

from db.session import bump_data_version, make_session_factory, session_scope
from db.snapshot import heap
from db.snapshot.builder import default_port
from db.snapshot.refresh import PUBLISHED, Refresher
from tests.db.snapshot_data import seed


class Node:
    other: Node


@pytest.fixture(autouse=True)
def unfrozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    gc.unfreeze()
    # the last unfreeze just now: the process's clock since an earlier test's full build (more
    # than THAW_AFTER_S in a long run) would make every build unfreeze
    monkeypatch.setattr(heap, "_thawed_at", time.monotonic())
    yield
    gc.unfreeze()


def _frozen_cycle() -> weakref.ref[Node]:
    """A cycle alive when settle() freezes it, garbage right after."""
    a, b = Node(), Node()
    a.other, b.other = b, a
    heap.settle()
    return weakref.ref(a)


def test_a_frozen_cycle_is_freed_by_the_next_full_builds_thaw() -> None:
    found = _frozen_cycle()
    assert gc.get_freeze_count() > 0
    gc.collect()
    assert found() is not None  # frozen: the collections skip it
    assert not heap.thaw(full=False)  # an incremental build within THAW_AFTER_S keeps it frozen
    gc.collect()
    assert found() is not None
    assert heap.thaw(full=True)
    gc.collect()
    assert found() is None and gc.get_freeze_count() == 0


def test_an_old_freeze_is_thawed_before_any_build(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _frozen_cycle()
    monkeypatch.setattr(heap, "_thawed_at", time.monotonic() - heap.THAW_AFTER_S - 1)
    assert heap.thaw(full=False)
    assert not heap.thaw(full=False)  # … and the clock starts again
    gc.collect()
    assert found() is None


def test_the_refresher_thaws_before_full_builds_and_freezes_after_each(
        sqlite_engine, monkeypatch: pytest.MonkeyPatch) -> None:
    sessions = make_session_factory(sqlite_engine)
    with session_scope(sessions) as s:
        seed(s)
    asked: list[bool] = []
    thaw = heap.thaw
    monkeypatch.setattr(heap, "thaw", lambda full: asked.append(full) or thaw(full))
    refresher = Refresher(sessions=sessions, cache=SimpleCache(),
                          port_factory=lambda: default_port(None), full_rebuild_s=0)
    assert refresher.run() == PUBLISHED and refresher.last_mode == "full"
    assert gc.get_freeze_count() > 0  # the kept parts among what was frozen
    with session_scope(sessions) as s:
        bump_data_version(s)
    assert refresher.run() == PUBLISHED and refresher.last_mode == "incremental"
    assert refresher.run(full=True) == PUBLISHED
    assert asked == [True, False, True]
