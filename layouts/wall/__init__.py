"""The /wall video-wall page (大屏): `wall.py` is the page, the other modules build its screens;
data arrives through callbacks/wall/wall.py."""
from __future__ import annotations

from layouts.wall.wall import frozen_layout, layout

__all__ = ["frozen_layout", "layout"]
