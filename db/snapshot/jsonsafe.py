"""Turn query results into values that JSON (and a dcc.Store) accept unchanged."""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
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
