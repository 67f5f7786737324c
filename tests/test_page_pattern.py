"""One page pattern: every page is layouts/<area>/<page>.py + callbacks/<area>/<page>.py, and
the modules at the top of layouts/ and callbacks/ are only the ones every page shares."""
from __future__ import annotations

import importlib

from dashboard.config import ROOT
from layouts import PAGES

# cross-page modules (docs/development.md#add-page); anything else belongs in an area
SHARED = {
    "layouts": {"__init__", "ids", "access", "shell", "units", "table"},
    "callbacks": {"__init__", "authz", "context", "render_cache", "shell"},
}


def test_every_page_is_an_area_module_on_both_sides() -> None:
    for name, path, _title, layout, _nav in PAGES:
        parts = layout.__module__.split(".")
        assert len(parts) == 3 and parts[0] == "layouts", f"{name} ({path}): layout in {layout.__module__}"
        area, page = parts[1], parts[2]
        callbacks = importlib.import_module(f"callbacks.{area}.{page}")
        assert callable(getattr(callbacks, "register", None)), f"callbacks.{area}.{page} has no register(app)"
        area_init = importlib.import_module(f"callbacks.{area}")
        assert callbacks in area_init._MODULES, f"callbacks/{area}/__init__.py does not register {page}"


def test_no_loose_modules_at_the_top() -> None:
    for package, allowed in SHARED.items():
        loose = {p.stem for p in (ROOT / package).glob("*.py")} - allowed
        assert not loose, f"{package}/: {sorted(loose)} should live in an area (layouts/<area>/<page>.py)"
