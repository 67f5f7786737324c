"""Every component ID of the app, in one place."""
from __future__ import annotations

URL = "url"


class Shell:
    NAV = "shell-nav"
    BANNER = "shell-stale-banner"


class Home:
    COURT = "home-court"
    SUMMARY = "home-summary"
    LOAD = "home-load"
