"""The /wall video-wall page (大屏): builders only; data arrives through callbacks/wall.py."""
from __future__ import annotations

from layouts.wall.page import frozen_layout, layout

__all__ = ["frozen_layout", "layout"]
