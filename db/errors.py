"""Exceptions of the data layer; messages are Chinese and name the row or field."""
from __future__ import annotations


class ValidationError(ValueError):
    """Input rejected before anything is written."""

    def __init__(self, message: str, *, field: str | None = None, row: int | None = None):
        self.field = field
        self.row = row
        prefix = f"第 {row} 行：" if row is not None else ""
        super().__init__(prefix + message)
