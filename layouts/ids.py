"""Every component ID of the app, in one place."""
from __future__ import annotations

URL = "url"


class Shell:
    NAV = "shell-nav"
    BANNER = "shell-stale-banner"
    ROOT = "shell-root"  # gets the "stale" class so pages grey their last good figures
    POLL = "shell-poll"  # the one dcc.Interval that asks for the snapshot version
    VERSION = "shell-snapshot-version"  # dcc.Store: current snapshot version (int | None)


class Home:
    COURT = "home-court"
    SUMMARY = "home-summary"
    LOAD = "home-load"
    SECTIONS = "home-sections"  # entry cards; the team card points at the first team
