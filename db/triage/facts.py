"""Read the facts the 分流 rules look at, for many cases at once (a few set-based SELECTs)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from db.models import Case, CaseEvent, CaseParty
from db.triage.conditions import Facts, classify_query

CHUNK = 500
QUERY_EVENT = "online_query_result"


def _debtor_key(id_number: str, name: str) -> str:
    return f"id:{id_number}" if id_number else f"name:{name}"


def first_query_details(session: Session, case_ids: Sequence[int]) -> dict[int, str]:
    """The detail text of each case's first 网络查控反馈 (earliest occurred_at, then id)."""
    out: dict[int, str] = {}
    for start in range(0, len(case_ids), CHUNK):
        chunk = list(case_ids[start:start + CHUNK])
        first = (select(CaseEvent.case_id, func.min(CaseEvent.occurred_at).label("at"))
                 .where(CaseEvent.kind == QUERY_EVENT, CaseEvent.case_id.in_(chunk))
                 .group_by(CaseEvent.case_id).subquery())
        stmt = (select(CaseEvent.case_id, CaseEvent.detail)
                .join(first, and_(first.c.case_id == CaseEvent.case_id,
                                  first.c.at == CaseEvent.occurred_at))
                .where(CaseEvent.kind == QUERY_EVENT).order_by(CaseEvent.id))
        for case_id, detail in session.execute(stmt):
            out.setdefault(case_id, detail or "")
    return out


def load_facts(session: Session, case_ids: Sequence[int]) -> dict[int, Facts]:
    """Facts for each case id (unknown ids are left out)."""
    out: dict[int, Facts] = {}
    ids = list(dict.fromkeys(case_ids))
    queries = first_query_details(session, ids)
    origin = aliased(Case)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        rows = session.execute(
            select(Case.id, Case.target_amount, Case.cause, Case.non_litigation, Case.category,
                   origin.track).outerjoin(origin, origin.id == Case.origin_case_id)
            .where(Case.id.in_(chunk))).all()
        debtors: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for case_id, kind, name, id_number in session.execute(
                select(CaseParty.case_id, CaseParty.kind, CaseParty.name, CaseParty.id_number)
                .where(CaseParty.case_id.in_(chunk), CaseParty.role == "respondent")
                .order_by(CaseParty.id)):
            debtors[case_id].append((kind, _debtor_key(id_number or "", name)))
        others = _other_open(session, {k for ds in debtors.values() for _, k in ds})
        for case_id, amount, cause, non_lit, category, origin_track in rows:
            keys = {k for _, k in debtors[case_id]}
            other = len(set().union(*(others.get(k, set()) for k in keys)) - {case_id}) if keys else 0
            detail = queries.get(case_id)
            out[case_id] = Facts(
                case_id=case_id, amount=Decimal(amount or 0),
                debtor_kinds=tuple("natural" if kind == "natural" else "legal"
                                   for kind, _ in debtors[case_id]),
                cause=cause or "", non_litigation=bool(non_lit), category=category,
                other_open=other, origin_track=origin_track,
                query=None if detail is None else classify_query(detail, Decimal(amount or 0)))
    return out


def _other_open(session: Session, keys: set[str]) -> dict[str, set[int]]:
    """{debtor key: ids of open cases where that debtor is a 被执行人}."""
    ids_ = sorted(k[3:] for k in keys if k.startswith("id:"))
    names = sorted(k[5:] for k in keys if k.startswith("name:"))
    out: dict[str, set[int]] = defaultdict(set)
    base = (select(CaseParty.case_id, CaseParty.name, CaseParty.id_number)
            .join(Case, Case.id == CaseParty.case_id)
            .where(CaseParty.role == "respondent", Case.closed_on.is_(None)))
    for column, values in ((CaseParty.id_number, ids_), (CaseParty.name, names)):
        for start in range(0, len(values), CHUNK):
            for case_id, name, id_number in session.execute(
                    base.where(column.in_(values[start:start + CHUNK]))):
                out[_debtor_key(id_number or "", name)].add(case_id)
    return out
