"""执行指挥中心质效看板: composition root, config, CLI, scheduler wiring."""
from __future__ import annotations

from dashboard.app import create_app

__all__ = ["create_app"]
