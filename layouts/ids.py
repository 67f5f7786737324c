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
    SUPERVISE = "team-supervise"  # 督办 button, shown to who may issue
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
    SUPERVISION = "officer-supervision"
    SUPERVISE = "officer-supervise"
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
    SUPERVISE = "case-supervise"


class Supervision:
    QUERY = "supervision-query"  # URL query as the layout received it
    NAV = "supervision-nav"  # page-local Location the filters and actions write to
    REV = "supervision-rev"  # bumped after every action, so the list and the detail re-read
    ERROR = "supervision-error"
    STATS = "supervision-stats"
    SUMMARY = "supervision-summary"
    GRID = "supervision-grid"
    EXPORT = "supervision-export"
    F_STATUS = "supervision-f-status"
    F_TEAM = "supervision-f-team"
    F_OFFICER = "supervision-f-officer"
    F_KIND = "supervision-f-kind"
    F_ISSUED_FROM = "supervision-f-issued-from"
    F_ISSUED_TO = "supervision-f-issued-to"
    F_DUE_FROM = "supervision-f-due-from"
    F_DUE_TO = "supervision-f-due-to"
    F_TEXT = "supervision-f-text"
    F_APPLY = "supervision-f-apply"
    DETAIL = "supervision-detail"
    STEPS = "supervision-steps"
    NOTE = "supervision-note"
    ANSWER = "supervision-answer"
    CLOSE = "supervision-close"
    SEND_BACK = "supervision-send-back"
    ACTION_MSG = "supervision-action-msg"
    FORM = "supervision-form"
    NEW_KIND = "supervision-new-kind"
    NEW_CASE = "supervision-new-case"
    NEW_NODE = "supervision-new-node"
    NEW_TEAM = "supervision-new-team"
    NEW_OFFICER = "supervision-new-officer"
    NEW_SUBJECT = "supervision-new-subject"
    NEW_DUE = "supervision-new-due"
    NEW_REASON = "supervision-new-reason"
    NEW_SUBMIT = "supervision-new-submit"
    NEW_MSG = "supervision-new-msg"
    NEW_LINK = "supervision-new-link"  # the head's 下发督办 link, shown to who may issue


class AdminCheck:
    QUERY = "admin-check-query"
    SUMMARY = "admin-check-summary"
    LIST = "admin-check-list"


class AdminRules:
    QUERY = "admin-rules-query"
    ERROR = "admin-rules-error"
    WARNINGS = "admin-rules-warnings"
    FILES = "admin-rules-files"
    RULES = "admin-rules-rules"
    CALENDAR = "admin-rules-calendar"


class AdminUsers:
    ROOT = "admin-users-root"
    REV = "admin-users-rev"  # bumped after every change, so the table re-reads
    TABLE = "admin-users-table"
    MSG = "admin-users-msg"
    PICK = "admin-users-pick"  # the user an action applies to (empty: 新增)
    USERNAME = "admin-users-username"
    DISPLAY = "admin-users-display"
    PASSWORD = "admin-users-password"
    ROLE = "admin-users-role"
    TEAM = "admin-users-team"
    OFFICER = "admin-users-officer"
    ADD = "admin-users-add"
    SAVE = "admin-users-save"
    RESET = "admin-users-reset"
    DISABLE = "admin-users-disable"
    ENABLE = "admin-users-enable"


class AdminTokens:
    ROOT = "admin-tokens-root"
    REV = "admin-tokens-rev"
    TABLE = "admin-tokens-table"
    MSG = "admin-tokens-msg"
    SCREEN = "admin-tokens-screen"
    ISSUE = "admin-tokens-issue"
    ISSUED = "admin-tokens-issued"  # the new token's plaintext, shown once
    PICK = "admin-tokens-pick"
    REVOKE = "admin-tokens-revoke"


class AdminImport:
    ROOT = "admin-import-root"
    UPLOAD = "admin-import-upload"  # dcc.Upload: drag and drop or pick a file
    TEMPLATE = "admin-import-template"  # link to the empty template workbook
    FILE = "admin-import-file"  # the uploaded file's name and size
    PREVIEW = "admin-import-preview"  # which header became which field, the first rows
    JOB = "admin-import-job"  # store: {"id": the job shown}
    POLL = "admin-import-poll"  # interval while a job runs
    STATUS = "admin-import-status"  # progress, then the counts
    ERRORS = "admin-import-errors"  # grid of the problems (filterable)
    ERRORS_BOX = "admin-import-errors-box"  # the grid's frame, hidden while there are no problems
    REJECTS = "admin-import-rejects"  # where the link to the rejects workbook goes
    REJECTS_LINK = "admin-import-rejects-link"
    SKIP = "admin-import-skip"  # checklist: skip the bad rows
    CONFIRM = "admin-import-confirm"
    MSG = "admin-import-msg"
    REV = "admin-import-rev"  # bumped when the history changes
    HISTORY = "admin-import-history"
    PICK = "admin-import-pick"  # batch to undo
    UNDO = "admin-import-undo"
    UNDO_MSG = "admin-import-undo-msg"


class AdminSources:
    ROOT = "admin-sources-root"
    REV = "admin-sources-rev"
    TABLE = "admin-sources-table"
    MSG = "admin-sources-msg"
    NAME = "admin-sources-name"
    ISSUE = "admin-sources-issue"
    ISSUED = "admin-sources-issued"  # the new token's plaintext, shown once
    PICK = "admin-sources-pick"
    REVOKE = "admin-sources-revoke"


class AdminAudit:
    ROOT = "admin-audit-root"
    ACTOR = "admin-audit-actor"
    ACTION = "admin-audit-action"
    OUTCOME = "admin-audit-outcome"
    SINCE = "admin-audit-since"
    UNTIL = "admin-audit-until"
    TEXT = "admin-audit-text"
    APPLY = "admin-audit-apply"
    MSG = "admin-audit-msg"
    COUNT = "admin-audit-count"
    TABLE = "admin-audit-table"
    EXPORT = "admin-audit-export"
    PAGE = "admin-audit-page"  # Store: the page shown (0 = newest), paged on the server
    PREV = "admin-audit-prev"
    NEXT = "admin-audit-next"
