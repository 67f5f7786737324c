"""续封 reminders: seizures and freezes expiring soon or lapsed, unrenewed (案款 ageing is `ageing`)."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.cases.event_kinds import EVENT_KINDS
from db.models import CaseEvent
from db.nodes.counts import node_list
from db.nodes.rules import RuleSet
from db.nodes.sql import NodeFilter

DEFAULT_BANDS = (5, 10, 15, 30)


def renewal_reminders(
    session: Session,
    today: dt.date,
    rules: RuleSet,
    *,
    filters: NodeFilter | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Seizures and freezes expiring within the warning band or already lapsed, unrenewed."""
    keys = tuple(r.key for r in rules.nodes if r.kind == "expiry")
    if not keys:
        return []
    chosen = replace(filters or NodeFilter(), nodes=keys)
    rows = node_list(session, today, rules, filters=chosen, limit=limit)
    ids = [r["item_id"] for r in rows]
    kinds = dict(session.execute(select(CaseEvent.id, CaseEvent.kind).where(CaseEvent.id.in_(ids))).all()) if ids else {}
    for row in rows:
        kind = kinds.get(row["item_id"], "")
        row["measure"] = kind
        row["measure_label"] = EVENT_KINDS[kind].label if kind in EVENT_KINDS else kind
    return rows
