"""Paused days are the union of a case's pauses (issue #15 §4): overlapping 扣除期限 count once.

Migration 0005 kept `cases.paused_days` as the SUM of each pause's days up to 结案, so two
pauses covering the same days deducted them twice (a late case could count as in time).
This revision redefines the triggers that keep the column with the length of the UNION of
the pauses, each clipped to [started_on, min(ended_on, closed_on)], and recomputes every
case that has pauses. The union is computed by a sweep in start order: each pause adds the
days by which its stop passes both its own start and the latest stop of the pauses before it
(start order, then id). db/models/rollups.py checks and repairs with the same rule.

Revision ID: 0009_trust
Revises: 0008_sessions
Create Date: 2026-12-03
"""
from __future__ import annotations

from collections.abc import Callable

from alembic import op

revision = "0009_trust"
down_revision = "0007_event_sources"
branch_labels = None
depends_on = None

# Whole days from a to b, per dialect (as db/sqldates.datediff(b, a) compiles them).
DAYS: dict[str, Callable[[str, str], str]] = {
    "postgresql": lambda a, b: f"({b} - {a})",
    "mysql": lambda a, b: f"DATEDIFF({b}, {a})",
    "sqlite": lambda a, b: f"CAST(julianday({b}) - julianday({a}) AS INTEGER)",
}
GREATEST = {"postgresql": "GREATEST", "mysql": "GREATEST", "sqlite": "MAX"}


def _stop(alias: str, closed_on: str) -> str:
    return (f"CASE WHEN {alias}.ended_on IS NULL OR {alias}.ended_on > {closed_on} "
            f"THEN {closed_on} ELSE {alias}.ended_on END")


def _paused_union(dialect: str, case_id: str, closed_on: str) -> str:
    """Days covered by at least one pause of case `case_id` up to `closed_on` (0 when NULL)."""
    g = GREATEST[dialect]
    earlier = (f"(SELECT MAX({_stop('q', closed_on)}) FROM case_pauses q "
               f"WHERE q.case_id = p.case_id AND q.started_on <= {closed_on} "
               f"AND (q.started_on < p.started_on OR (q.started_on = p.started_on AND q.id < p.id)))")
    begin = f"{g}(p.started_on, COALESCE({earlier}, p.started_on))"
    return (f"(SELECT COALESCE(SUM({g}(0, {DAYS[dialect](begin, _stop('p', closed_on))})), 0) "
            f"FROM case_pauses p WHERE p.case_id = {case_id} "
            f"AND {closed_on} IS NOT NULL AND p.started_on <= {closed_on})")


def _paused_sum(dialect: str, case_id: str, closed_on: str) -> str:
    """0005's rule (each pause added on its own), for downgrade."""
    return (f"(SELECT COALESCE(SUM({DAYS[dialect]('p.started_on', _stop('p', closed_on))}), 0) "
            f"FROM case_pauses p WHERE p.case_id = {case_id} "
            f"AND {closed_on} IS NOT NULL AND p.started_on <= {closed_on})")


def _extension(case_id: str) -> str:
    return f"(SELECT COALESCE(SUM(e.days), 0) FROM case_extensions e WHERE e.case_id = {case_id})"


Paused = Callable[[str, str, str], str]


def _pause_children(paused_row: str) -> list[str]:
    """MariaDB and SQLite: a pause added, changed or deleted recomputes its case(s)."""
    out = []
    for event, refs in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)), ("UPDATE", ("OLD", "NEW"))):
        body = " ".join(f"UPDATE cases SET paused_days = {paused_row} WHERE cases.id = {r}.case_id;"
                        for r in refs)
        out.append(f"CREATE TRIGGER trg_case_pauses_rollup_{event.lower()} AFTER {event} ON case_pauses "
                   f"FOR EACH ROW BEGIN {body} END")
    return out


def _postgresql(paused: Paused) -> list[str]:
    new = paused("postgresql", "NEW.id", "NEW.closed_on")
    recompute = f"UPDATE cases SET paused_days = {paused('postgresql', 'cases.id', 'cases.closed_on')}"
    return [
        f"""CREATE OR REPLACE FUNCTION cases_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.paused_days := 0;
    NEW.extension_days := 0;
  ELSE
    NEW.paused_days := {new};
    NEW.extension_days := {_extension('NEW.id')};
  END IF;
  RETURN NEW;
END $$""",
        f"""CREATE OR REPLACE FUNCTION case_pauses_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN {recompute} WHERE cases.id = OLD.case_id; END IF;
  IF TG_OP <> 'DELETE' THEN {recompute} WHERE cases.id = NEW.case_id; END IF;
  RETURN NULL;
END $$""",
    ]


def _mysql(paused: Paused) -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS {t}" for t in (
            "trg_cases_rollups_upd", "trg_case_pauses_rollup_insert",
            "trg_case_pauses_rollup_delete", "trg_case_pauses_rollup_update")),
        f"CREATE TRIGGER trg_cases_rollups_upd BEFORE UPDATE ON cases FOR EACH ROW "
        f"SET NEW.paused_days = {paused('mysql', 'NEW.id', 'NEW.closed_on')}, "
        f"NEW.extension_days = {_extension('NEW.id')}",
        *_pause_children(paused("mysql", "cases.id", "cases.closed_on")),
    ]


def _sqlite(paused: Paused) -> list[str]:
    new = paused("sqlite", "NEW.id", "NEW.closed_on")
    return [
        *(f"DROP TRIGGER IF EXISTS {t}" for t in (
            "trg_cases_rollups_upd", "trg_case_pauses_rollup_insert",
            "trg_case_pauses_rollup_delete", "trg_case_pauses_rollup_update")),
        f"""CREATE TRIGGER trg_cases_rollups_upd
AFTER UPDATE OF closed_on, paused_days, extension_days ON cases
FOR EACH ROW WHEN NEW.paused_days IS NOT {new}
               OR NEW.extension_days IS NOT {_extension('NEW.id')}
BEGIN UPDATE cases SET paused_days = {new}, extension_days = {_extension('NEW.id')}
      WHERE id = NEW.id; END""",
        *_pause_children(paused("sqlite", "cases.id", "cases.closed_on")),
    ]


TRIGGERS: dict[str, Callable[[Paused], list[str]]] = {
    "postgresql": _postgresql, "mysql": _mysql, "sqlite": _sqlite,
}


def trigger_statements(dialect_name: str) -> list[str]:
    """This revision's trigger definitions for a dialect name (tests restore them with it)."""
    return TRIGGERS["mysql" if dialect_name == "mariadb" else dialect_name](_paused_union)


def _dialect() -> str:
    name = op.get_bind().dialect.name
    return "mysql" if name == "mariadb" else name


def _apply(paused: Paused) -> None:
    dialect = _dialect()
    for statement in TRIGGERS[dialect](paused):
        op.execute(statement)
    op.execute(f"UPDATE cases SET paused_days = {paused(dialect, 'cases.id', 'cases.closed_on')} "
               "WHERE id IN (SELECT case_id FROM case_pauses)")


def upgrade() -> None:
    _apply(_paused_union)


def downgrade() -> None:
    _apply(_paused_sum)
