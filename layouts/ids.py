"""Every component ID of the app, in one place."""
from __future__ import annotations

URL = "url"


class Shell:
    COURT = "shell-court"  # the court switcher (filled by callbacks/shell.py, hidden for one court)
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
    ASOF = "home-as-of"  # 「数据截至 HH:MM」 in the page head (callbacks.desk.live)
    SHOWN = "home-shown-version"  # data version on screen: refresh only when it moved


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
    CENTER = "wall-center"  # 中心 screen: the center's own work
    ERRORS = "wall-errors"
    CAMPAIGN_SCREEN = "wall-campaign-screen"  # the 专项行动 screen (while one runs)
    LIVE = "wall-live"  # which optional screens have content now ({"campaign": bool})
    LIVE_ACK = "wall-live-ack"  # written by the clientside rotation update
    REGION = "wall-region"  # 辖区 screen: the 中院's courts ranked (snapshot "region")
    COURTS = "wall-courts"  # 法院 screen: one panel per court of the 辖区, stepped through


class Campaigns:
    """/campaigns (list and launch form) and /campaigns/<id> (one campaign, edit, end, 战报)."""

    QUERY = "campaigns-query"
    NAV = "campaigns-nav"
    LIST = "campaigns-list"
    ERROR = "campaigns-error"
    FORM = "campaigns-form"
    FORM_OPEN = "campaigns-form-open"
    NAME = "campaigns-name"
    START = "campaigns-start"
    END = "campaigns-end"
    DESCRIPTION = "campaigns-description"
    TEAMS = "campaigns-teams"
    CATEGORIES = "campaigns-categories"
    CAUSES = "campaigns-causes"
    LIVELIHOOD = "campaigns-livelihood"
    ENTERPRISE = "campaigns-enterprise"
    AMOUNT_MIN = "campaigns-amount-min"
    AMOUNT_MAX = "campaigns-amount-max"
    CASE_NUMBERS = "campaigns-case-numbers"
    UPLOAD = "campaigns-upload"
    ON_WALL = "campaigns-on-wall"
    TARGETS = "campaigns-target"  # prefix: campaigns-target-<measure> (layouts/desk/campaigns.target_id)
    SAVE = "campaigns-save"
    MESSAGE = "campaigns-message"


class CampaignPage:
    QUERY = "campaign-query"
    TITLE = "campaign-title"
    ERROR = "campaign-error"
    BODY = "campaign-body"
    ACTIONS = "campaign-actions"
    END = "campaign-end"
    END_CONFIRM = "campaign-end-confirm"
    ENDED = "campaign-ended"  # bumped after 结束 so the page re-reads
    MESSAGE = "campaign-message"
    EXPLAIN_KEY = "campaign-explain-key"
    EXPLAIN = "campaign-explain"


class Center:
    QUERY = "center-query"  # {"path_id": None, "query": URL query} as the layout received it
    NAV = "center-nav"
    CRUMBS = "center-crumbs"
    TITLE = "center-title"
    ERROR = "center-error"
    TODAY = "center-today"  # today's throughput cards
    KPIS = "center-kpis"  # the period's cards
    FUNDS = "center-funds"  # 案款 waiting: count, amount, oldest, ageing bands
    PEOPLE = "center-people"  # per center person grid (drill-down to cases)
    UNITS = "center-units"
    TRIAGE = "center-triage"  # 繁简分流 slot (triage indicators)
    INDICATORS = "center-indicators"
    START = "center-start"
    END = "center-end"
    APPLY = "center-apply"


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
    QUEUE = "team-queue"  # 今日待办: the work list grid
    QUEUE_KIND = "team-queue-kind"  # its filter by kind (节点/续封/案款/督办/终本)
    QUEUE_STALE = "team-queue-stale"  # the collapsed 已无法处理/需核实 grid
    QUEUE_STALE_TITLE = "team-queue-stale-title"
    QUEUE_STALE_NOTE = "team-queue-stale-note"
    SUPERVISION = "team-supervision"
    SUPERVISE = "team-supervise"  # 督办 button, shown to who may issue
    START = "team-start"
    END = "team-end"
    APPLY = "team-apply"
    ASOF = "team-as-of"  # 「数据截至 HH:MM」 in the page head (callbacks.desk.live)
    SHOWN = "team-shown-version"  # data version on screen: refresh only when it moved


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
    QUEUE = "officer-queue"
    QUEUE_KIND = "officer-queue-kind"
    QUEUE_STALE = "officer-queue-stale"
    QUEUE_STALE_TITLE = "officer-queue-stale-title"
    QUEUE_STALE_NOTE = "officer-queue-stale-note"
    START = "officer-start"
    END = "officer-end"
    APPLY = "officer-apply"
    ASOF = "officer-as-of"  # 「数据截至 HH:MM」 in the page head (callbacks.desk.live)
    SHOWN = "officer-shown-version"  # data version on screen: refresh only when it moved


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
    MEETING = "analysis-meeting"  # link to 会议模式, shown to who may open it
    GRID_TITLE = "analysis-grid-title"
    GRID_BOX = "analysis-grid-box"
    GRID_PRINT = "analysis-grid-print"  # plain-table copy of the grid for the printed handout
    INDICATORS = "analysis-indicators"
    START = "analysis-start"
    END = "analysis-end"
    CMP_START = "analysis-cmp-start"
    CMP_END = "analysis-cmp-end"
    APPLY = "analysis-apply"
    ASOF = "analysis-as-of"  # 「数据截至 HH:MM」 in the page head (callbacks.desk.live)
    SHOWN = "analysis-shown-version"  # data version on screen: refresh only when it moved


class Region:
    """/region 辖区法院排名 (callbacks/desk/region.py)."""

    QUERY = "region-query"
    NAV = "region-nav"
    CRUMBS = "region-crumbs"
    TITLE = "region-title"
    ERROR = "region-error"
    NOTE = "region-note"  # why a court without 辖区 has no ranking
    PERIOD = "region-period"
    INDICATOR = "region-indicator"  # the ranking indicator (writes ?key= into the URL)
    GRID = "region-grid"
    GRID_BOX = "region-grid-box"
    GRID_PRINT = "region-grid-print"
    START = "region-start"
    END = "region-end"
    CMP_START = "region-cmp-start"
    CMP_END = "region-cmp-end"
    APPLY = "region-apply"
    ASOF = "region-as-of"
    SHOWN = "region-shown-version"


class Meeting:
    QUERY = "meeting-query"  # URL query (the period) as the layout received it
    NAV = "meeting-nav"
    FOCUS = "meeting-focus"  # session Store: where the meeting is ({"level", "id"} or a comparison)
    OPEN_AT = "meeting-open-at"  # the level an opening link names (?team= / ?officer=), used once
    TRAIL = "meeting-trail"  # session Store: every level visited, in order (what 会议材料 exports)
    ROOT = "meeting-root"  # the part that goes full-screen
    CRUMBS = "meeting-crumbs"
    TITLE = "meeting-title"
    PERIOD = "meeting-period"
    ERROR = "meeting-error"
    VIEW = "meeting-view"  # figures and the list the arrow keys move through
    FULL = "meeting-full"  # 全屏 (F)
    COMPARE = "meeting-compare"  # 对比 (C) the two marked rows
    RESET = "meeting-reset"  # 重新开始: clears the trail
    EXPORT = "meeting-export"  # 会议材料: the xlsx and the printable page
    PRINT = "meeting-print"
    DOWNLOAD = "meeting-download"
    MSG = "meeting-msg"
    MATERIAL = "meeting-material"  # the printable 会议材料 (print-only)
    START = "meeting-start"
    END = "meeting-end"
    CMP_START = "meeting-cmp-start"
    CMP_END = "meeting-cmp-end"
    APPLY = "meeting-apply"


class Cases:
    QUERY = "cases-query"
    CRUMBS = "cases-crumbs"
    TITLE = "cases-title"
    ERROR = "cases-error"
    SUMMARY = "cases-summary"
    GRID = "cases-grid"
    EXPORT = "cases-export"
    ASOF = "cases-as-of"  # 「数据截至 HH:MM」 in the page head (callbacks.desk.live)
    SHOWN = "cases-shown-version"  # data version on screen: refresh only when it moved
    LISTS = "cases-lists"  # wraps both grids; class "cases-paged" when the list is sent in blocks
    PAGED = "cases-paged-grid"  # the infinite-row-model grid of a long list (callbacks.desk.paging)
    TOTAL = "cases-total"  # {"paged", "total"} of the list on screen (the paged grid re-reads on change)
    PRINT_NOTE = "cases-print-note"  # 「仅打印前 N 行…」 of a paged list (print only)
    REREAD = "cases-reread"  # dummy output of the client-side re-read of the paged grid


class CaseDetail:
    QUERY = "case-query"
    TITLE = "case-title"
    ERROR = "case-error"
    HEADER = "case-header"
    PARTIES = "case-parties"
    TIMELINE = "case-timeline"
    TABLES = "case-tables"
    SUPERVISE = "case-supervise"
    # anchors a 今日待办 row opens (/case/<id>#case-node-<key> …): prefixes of the table rows' ids
    NODE_ROW = "case-node-"
    PAYMENT_ROW = "case-payment-"
    ORDER_ROW = "case-order-"


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
    ASOF = "supervision-as-of"  # 「数据截至 HH:MM」 in the page head (callbacks.desk.live)
    SHOWN = "supervision-shown-version"  # data version on screen: refresh only when it moved


class Triage:
    """/triage 分流台 (the JS in assets/triage.js drives the keys through these IDs)."""

    ROOT = "triage-root"
    REV = "triage-rev"  # bumped after every action: the queue re-renders
    SELECTED = "triage-selected"  # the selected case id (set by row clicks and j/k)
    SUMMARY = "triage-summary"
    QUEUE = "triage-queue"
    DETAIL = "triage-detail"
    MSG = "triage-msg"
    PRIMARY = "triage-primary"  # Enter: follow the suggestion / 接受转繁 / 分案
    ACTIONS = "triage-actions"
    OVERRIDE_BOX = "triage-override-box"
    TRACK = "triage-track"
    REASON = "triage-reason"  # o: focus here; Ctrl+Enter submits
    OVERRIDE = "triage-override"
    ASSIGN_BOX = "triage-assign-box"
    TEAM = "triage-team"
    OFFICER = "triage-officer"  # 1–9 pick an officer
    ERROR = "triage-error"


class AdminTriageRules:
    ROOT = "admin-triage-root"
    REV = "admin-triage-rev"
    TABLE = "admin-triage-table"
    HISTORY = "admin-triage-history"
    MSG = "admin-triage-msg"
    PICK = "admin-triage-pick"
    NAME = "admin-triage-name"
    POSITION = "admin-triage-position"
    TRACK = "admin-triage-track"
    REASON = "admin-triage-reason"
    CONDITIONS = "admin-triage-conditions"
    ACTIVE = "admin-triage-active"
    SAVE = "admin-triage-save"
    DELETE = "admin-triage-delete"


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
    COURT = "admin-users-court"  # 所属法院 (empty: every court; only for an admin of no court)
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
    COURT = "admin-tokens-court"  # the token's court (empty: every court)
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
