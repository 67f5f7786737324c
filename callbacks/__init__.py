"""Thin callbacks, wired explicitly by `register(app)`; logic lives in db/ and layouts/."""
from __future__ import annotations

import dash

from callbacks import desk, freshness, home, wall

_MODULES = (freshness, home, desk, wall)


def register(app: dash.Dash) -> None:
    for module in _MODULES:
        module.register(app)
