"""Rounding with the configured Decimal mode, display strings and change strings."""
from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

ROUNDING_MODES: dict[str, str] = {"ROUND_DOWN": ROUND_DOWN, "ROUND_HALF_UP": ROUND_HALF_UP}
EMPTY = "—"


def quantize(value: Decimal, digits: int, mode: str) -> Decimal:
    """Round `value` to `digits` decimals with a ROUNDING_MODES key."""
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUNDING_MODES[mode])


def display(value: Decimal | None, unit: str) -> str:
    """Return "87.28%", "42天", "810件", or "—" when there is no value."""
    if value is None:
        return EMPTY
    return f"{value}{unit}"


def _signed(value: Decimal) -> str:
    return f"+{value}" if value > 0 else f"{value}"


def change(
    current: Decimal | None, previous: Decimal | None, unit: str, digits: int, mode: str
) -> tuple[Decimal | None, str]:
    """Return (delta, "+31.49个百分点" or "-52.26天（-38.45%）") from displayed values."""
    if current is None or previous is None:
        return None, EMPTY
    delta = current - previous
    if unit == "%":
        return delta, f"{_signed(delta)}个百分点"
    text = f"{_signed(delta)}{unit}"
    if previous != 0:
        relative = quantize(delta * 100 / previous, 2, mode)
        text += f"（{_signed(relative)}%）"
    return delta, text
