"""The outage walkthrough (scripts/outage_walkthrough.py) in headless Chromium: the banner on the
home page, the notice page, the sign-in notice, and recovery without a restart."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.browser.harness import browser_missing

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.browser
def test_outage_walkthrough_in_chromium(tmp_path: Path) -> None:
    reason = browser_missing()
    if reason:
        pytest.skip(reason)
    spec = importlib.util.spec_from_file_location("outage_walkthrough", ROOT / "scripts" / "outage_walkthrough.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shots = module.walkthrough(tmp_path)  # each step waits for its text and fails if it never shows
    assert set(shots) == {"home", "page", "login"}
    assert all(path.stat().st_size > 10_000 for path in shots.values())
