"""Turn query results into values that JSON (and a dcc.Store) accept unchanged."""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# values returned as they are, by exact type (a province's snapshot has ~900,000 of them)
_PLAIN = frozenset({str, int, float, bool, type(None)})


def json_safe(value: Any) -> Any:
    """Return `value` with Decimals as floats, dates as ISO strings, tuples as lists."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {k: v if type(v) in _PLAIN else json_safe(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _PLAIN else json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    if isinstance(value, enum.Enum):
        return json_safe(value.value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return json_safe(dataclasses.asdict(value))
    raise TypeError(f"快照中出现无法序列化的值：{type(value).__name__}")


# The keys that make a dict an entity row of the indicator engine (db/indicators/engine.py: a
# court's, team's or officer's results of one period): the unit `SafeCopies` keeps.
ROW_KEYS = ("scope", "indicators")


@dataclass
class SafeCopies:
    """The entity rows one build's `json_safe_kept` copied, for the next build.

    The refresher's incremental core hands in the rows of the entities whose data did not
    change as the very objects it derived before (db/snapshot/incremental.py: `keep`), never
    changed in place: at a province's scale about 1,800 rows of 31 indicators, 900,000 values,
    nearly all of the 20 MB body. Walking and copying them again cost 0.10–0.17 s of a 1.4 s
    incremental build at 1,000,000 cases; a row handed in again gets last build's copy.

    `before`: the last published build's copies by the identity of their row (each entry
    holds its row, so an id is never reused while kept); `now`: this build's, the next build's
    `before` once published. A row is copied anew where it appears a second time in one body
    (the court's row in its view and in its 辖区): no two places of a body share a container,
    as with `json_safe`, since a reader may change one."""

    before: dict[int, tuple[Any, Any]] = field(default_factory=dict)
    now: dict[int, tuple[Any, Any]] = field(default_factory=dict)
    reused: int = 0  # rows whose copy came from `before` (tests, the bench)

    def row(self, value: dict[Any, Any]) -> Any:
        key = id(value)
        if key in self.now:  # a second place in this body: a copy of its own
            return json_safe(value)
        found = self.before.get(key)
        if found is not None and found[0] is value:
            self.reused += 1
        else:
            found = (value, json_safe(value))
        self.now[key] = found
        return found[1]


def json_safe_kept(value: Any, copies: SafeCopies) -> Any:
    """`json_safe`, with each entity row's copy kept in `copies` (see SafeCopies)."""
    kind = type(value)
    if kind is dict:
        if all(k in value for k in ROW_KEYS):
            return copies.row(value)
        return {k: v if type(v) in _PLAIN else json_safe_kept(v, copies)
                for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _PLAIN else json_safe_kept(v, copies) for v in value]
    return json_safe(value)
