"""Cheaper random helpers for the hot loops of bulk generation (same idea as randint/choice)."""
from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def ri(rng: random.Random, low: int, high: int) -> int:
    """A random integer in [low, high] (one float draw; randint costs several calls)."""
    return low + int(rng.random() * (high - low + 1))


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """A random element of a non-empty sequence."""
    return items[int(rng.random() * len(items))]
