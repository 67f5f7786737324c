"""Callbacks of the video wall (/wall); `register(app)` wires them."""
from __future__ import annotations

import dash

from callbacks.wall import wall

_MODULES = (wall,)


def register(app: dash.Dash) -> None:
    for module in _MODULES:
        module.register(app)
