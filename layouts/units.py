"""Money as the screens show it: 万元 with two decimals and thousands separators.

Case rows keep 元 (Decimal); every page, tile, report and chart label that shows an amount in 万元
formats it here, so the wall, the desk pages and the 战报 print the same figure the same way."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

YUAN_PER_WAN = 10000


def to_wan(value: Any) -> float:
    """元 → 万元 as a number (None counts as 0), e.g. for a chart's scale."""
    return float(value or 0) / YUAN_PER_WAN


def wan(value: Any, signed: bool = False) -> str:
    """元 → "1,234.56" (万元, no unit; None counts as 0); `signed` adds + for a change. A Decimal
    is divided exactly, anything else (figures from JSON) as a float, as the snapshot's are."""
    number: Decimal | float = (value / YUAN_PER_WAN if isinstance(value, Decimal)
                               else to_wan(value))
    return f"{number:+,.2f}" if signed else f"{number:,.2f}"
