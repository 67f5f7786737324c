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


class Wall:
    ROOT = "wall-root"
    PARAMS = "wall-params"  # URL query (kiosk, rotate, screen) as the layout received it
    CONFIG = "wall-config"  # effective settings: URL over server defaults
    SHOWN = "wall-shown-version"  # snapshot version currently on screen
    FIRST = "wall-first-version"  # first version shown: later versions highlight changes
    FLASH = "wall-flash"  # fingerprints of the plotted data, to highlight changed charts
    COURT = "wall-court"
    UPDATED = "wall-updated"
    STALE = "wall-stale"
    PERIOD = "wall-period"
    TILES = "wall-tiles"
    TREND = "wall-trend"
    TEAMS = "wall-teams"
    TEAM_CHART = "wall-team-chart"
    RANKING = "wall-ranking"
    NODES = "wall-nodes"
    FEED = "wall-feed"
    CAMPAIGN = "wall-campaign"
    MONTH = "wall-month"
    ERRORS = "wall-errors"


class Team:
    QUERY = "team-query"  # URL path/query as the layout received it
    NAV = "team-nav"  # page-local Location the period bar writes to
    CRUMBS = "team-crumbs"
    TITLE = "team-title"
    ERROR = "team-error"
    INDICATORS = "team-indicators"
    OFFICERS = "team-officers"
    OFFICERS_TITLE = "team-officers-title"
    QUEUE_COUNTS = "team-queue-counts"
    QUEUE = "team-queue"
    SUPERVISION = "team-supervision"
    START = "team-start"
    END = "team-end"
    APPLY = "team-apply"


class Officer:
    QUERY = "officer-query"
    NAV = "officer-nav"
    CRUMBS = "officer-crumbs"
    TITLE = "officer-title"
    ERROR = "officer-error"
    INDICATORS = "officer-indicators"
    DEADLINES = "officer-deadlines"
    QUEUE_COUNTS = "officer-queue-counts"
    START = "officer-start"
    END = "officer-end"
    APPLY = "officer-apply"


class Analysis:
    QUERY = "analysis-query"
    NAV = "analysis-nav"
    CRUMBS = "analysis-crumbs"
    TITLE = "analysis-title"
    ERROR = "analysis-error"
    PERIOD = "analysis-period"
    KPIS = "analysis-kpis"
    OUTLOOK = "analysis-outlook"
    GRID = "analysis-grid"
    EXPORT = "analysis-export"
    GRID_TITLE = "analysis-grid-title"
    GRID_BOX = "analysis-grid-box"
    GRID_PRINT = "analysis-grid-print"  # plain-table copy of the grid for the printed handout
    INDICATORS = "analysis-indicators"
    START = "analysis-start"
    END = "analysis-end"
    CMP_START = "analysis-cmp-start"
    CMP_END = "analysis-cmp-end"
    APPLY = "analysis-apply"


class Cases:
    QUERY = "cases-query"
    CRUMBS = "cases-crumbs"
    TITLE = "cases-title"
    ERROR = "cases-error"
    SUMMARY = "cases-summary"
    GRID = "cases-grid"
    EXPORT = "cases-export"


class CaseDetail:
    QUERY = "case-query"
    TITLE = "case-title"
    ERROR = "case-error"
    HEADER = "case-header"
    PARTIES = "case-parties"
    TIMELINE = "case-timeline"
    TABLES = "case-tables"
