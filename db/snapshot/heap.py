"""The refresher's process heap and CPython's cyclic garbage collector.

A build allocates a few hundred thousand objects; CPython's collector then runs a full
(oldest-generation) collection about once a build, and a full collection walks every tracked
object of the process: the imported modules, SQLAlchemy's metadata, the kept indicator and
节点管控 parts. On the 1,000,000-case province that walk was 0.27–0.31 s of a 1.4–2 s
incremental build (measured with `gc.callbacks`, docs/operations.md `#bench-scale-heap`),
for objects that live as long as the process.

So after a published build, `settle` collects the young generations (the build's own cyclic
garbage) and moves every object still alive into the permanent generation (`gc.freeze`),
which later collections skip: the next build's collections walk what that build allocates.
An object frozen here that later becomes cyclic garbage is not collected while frozen; every
build calls `thaw` first, which unfreezes (`gc.unfreeze`) before a full build and before any
build when the last unfreeze is `THAW_AFTER_S` old, so that build's collections reclaim it: a
frozen cycle lives at most ten minutes and one build. Objects freed by reference counting (the
replaced parts: plain dicts, tuples and arrays) are freed at once, frozen or not.

The collector's state is the process's: in `python -m dashboard run` (one process for the web
and the refresher) the web's live objects are frozen too, which only spares them the walks.
"""
from __future__ import annotations

import gc
import time

THAW_AFTER_S = 600.0
_thawed_at = time.monotonic()


def settle() -> None:
    """After a published build: collect the build's young garbage, freeze what is alive."""
    gc.collect(1)
    gc.freeze()


def thaw(full: bool) -> bool:
    """Before a build: unfreeze when it is full or the last unfreeze is `THAW_AFTER_S` old,
    so the build's collections see (and free) every object again. True when it unfroze."""
    global _thawed_at
    now = time.monotonic()
    if not full and now - _thawed_at < THAW_AFTER_S:
        return False
    gc.unfreeze()
    _thawed_at = now
    return True
