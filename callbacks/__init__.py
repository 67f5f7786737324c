"""Thin callbacks, wired explicitly by `register(app)`; logic lives in db/ and layouts/."""
from __future__ import annotations

import dash

from callbacks import home

_MODULES = (home,)


def register(app: dash.Dash) -> None:
    for module in _MODULES:
        module.register(app)
