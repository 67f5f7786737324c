"""Snapshots: compute the standard views once per data change, publish them to the cache.

May import: the ``db`` root modules, ``db.models``, ``db.cases``, ``db.indicators``, ``db.nodes``,
``db.campaigns``, ``db.auth`` (masking: the snapshot holds no unmasked party data),
``db.export`` (the checker writes figures through the export to compare the cells), and ``db.org`` (the court tree).
"""
from __future__ import annotations

from db.snapshot.freshness import Freshness, assess, banner_text, health_report
from db.snapshot.store import RefreshState, current_snapshot, read_state

__all__ = ["Freshness", "RefreshState", "assess", "banner_text", "current_snapshot",
           "health_report", "read_state"]
