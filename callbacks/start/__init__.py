"""Callbacks of the start page (/); `register(app)` wires them."""
from __future__ import annotations

import dash

from callbacks.start import home

_MODULES = (home,)


def register(app: dash.Dash) -> None:
    for module in _MODULES:
        module.register(app)
