"""All ORM models; importing this package registers every table on Base.metadata.

``rollups`` checks and repairs the columns that database triggers keep (migration 0005).
May import: ``db.base``, ``db.sqldates``.
"""
from __future__ import annotations

from db.base import Base
from db.models.auth import (
    AuditEntry,
    AuthSession,
    LoginAttempt,
    LoginCounter,
    WallToken,
)
from db.models.campaigns import Campaign, CampaignCase
from db.models.cases import Case, CaseAssignment, CaseParty
from db.models.events import EventApiCall, EventReceipt, EventSource
from db.models.imports import ImportBatch, ImportChange, ImportMapping, SyncState
from db.models.org import CENTER_KIND, Court, Officer, Team, TeamMembership
from db.models.snapshots import IndicatorHistory, LeaderLock, SnapshotChange
from db.models.supervision import SupervisionOrder, SupervisionStep
from db.models.system import DataState
from db.models.timeline import CaseEvent, CaseExtension, CasePause, Payment
from db.models.triage import CaseTriage, TrackChange, TriageRule, TriageRuleChange
from db.models.uploads import ImportJob
from db.models.users import User

__all__ = [
    "CENTER_KIND",
    "AuditEntry",
    "AuthSession",
    "Base",
    "Campaign",
    "CampaignCase",
    "Case",
    "CaseAssignment",
    "CaseEvent",
    "CaseExtension",
    "CaseParty",
    "CaseTriage",
    "CasePause",
    "Court",
    "EventApiCall",
    "EventReceipt",
    "EventSource",
    "DataState",
    "ImportBatch",
    "ImportChange",
    "ImportJob",
    "ImportMapping",
    "IndicatorHistory",
    "LeaderLock",
    "LoginAttempt",
    "LoginCounter",
    "Officer",
    "Payment",
    "SupervisionOrder",
    "SupervisionStep",
    "SyncState",
    "SnapshotChange",
    "Team",
    "TeamMembership",
    "TrackChange",
    "TriageRule",
    "TriageRuleChange",
    "User",
    "WallToken",
]
