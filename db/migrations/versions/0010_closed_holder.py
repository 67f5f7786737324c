"""The holder at 结案 kept on the case (issue #15 §4): a closed case reassigned later.

A closed case handed on (a 终本 case moved to a 终本管理 team months after closing) used to
move its 结案/终本/执行完毕/用时 figures to the new holder in every period, so past figures
of the team and officer that closed it changed. Two trigger-kept columns now hold who held
the case when it closed, and the indicator engine credits closure figures to them:

* cases.closed_team_id / closed_officer_id — NULL while the case is open; set to the case's
  holder (team_id/officer_id) when closed_on is set (insert of a closed case, or an update
  from NULL to a date); kept when the case is reassigned later or its closing date is
  corrected; cleared when the case is reopened (closed_on back to NULL).

An assignment (分案/改派 row) added, changed or deleted with assigned_on on or before its
closed case's closed_on (a history loaded after the case, e.g. an import of a case already
handed on) recomputes the case's columns from the history by the rule below; a row dated
after 结案 changes nothing.

Existing closed cases are backfilled from the assignment history: the holder of the latest
case_assignments row with assigned_on on or before closed_on (ties: the highest id), or the
current holder when there is none. db/models/rollups.py checks and repairs with that rule.

Revision ID: 0010_closed_holder
Revises: 0009_trust
Create Date: 2026-12-03
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0010_closed_holder"
down_revision = "0009_trust"
branch_labels = None
depends_on = None

PAIRS = (("closed_team_id", "team_id"), ("closed_officer_id", "officer_id"))


def _latest(column: str) -> str:
    """The `column` of the case's latest assignment on or before its closing day (else the
    current holder's)."""
    latest = ("(SELECT a.id FROM case_assignments a WHERE a.case_id = cases.id "
              "AND a.assigned_on <= cases.closed_on ORDER BY a.assigned_on DESC, a.id DESC LIMIT 1)")
    return (f"CASE WHEN {latest} IS NULL THEN cases.{column} "
            f"ELSE (SELECT b.{column} FROM case_assignments b WHERE b.id = {latest}) END")


RECOMPUTE = "UPDATE cases SET " + ", ".join(f"{kept} = {_latest(src)}" for kept, src in PAIRS)
BACKFILL = RECOMPUTE + " WHERE closed_on IS NOT NULL"


def _recompute(ref: str) -> str:
    """Recompute the case of assignment row `ref` (NEW/OLD) if the row is dated by its 结案."""
    return (f"{RECOMPUTE} WHERE cases.id = {ref}.case_id AND cases.closed_on IS NOT NULL "
            f"AND {ref}.assigned_on <= cases.closed_on;")


def _assignment_triggers() -> list[str]:
    """MariaDB and SQLite (one event per trigger)."""
    return [f"CREATE TRIGGER trg_case_assignments_closed_{event.lower()} AFTER {event} "
            f"ON case_assignments FOR EACH ROW BEGIN {' '.join(_recompute(r) for r in refs)} END"
            for event, refs in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)),
                                ("UPDATE", ("OLD", "NEW")))]


def _postgresql() -> list[str]:
    return [
        """CREATE FUNCTION cases_closed_holder() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.closed_on IS NULL THEN
    NEW.closed_team_id := NULL;
    NEW.closed_officer_id := NULL;
  ELSIF TG_OP = 'INSERT' OR OLD.closed_on IS NULL THEN
    NEW.closed_team_id := NEW.team_id;
    NEW.closed_officer_id := NEW.officer_id;
  END IF;
  RETURN NEW;
END $$""",
        """CREATE TRIGGER trg_cases_closed_holder
  BEFORE INSERT OR UPDATE OF closed_on, closed_team_id, closed_officer_id ON cases
  FOR EACH ROW EXECUTE FUNCTION cases_closed_holder()""",
        f"""CREATE FUNCTION case_assignments_closed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN {_recompute('OLD')} END IF;
  IF TG_OP <> 'DELETE' THEN {_recompute('NEW')} END IF;
  RETURN NULL;
END $$""",
        """CREATE TRIGGER trg_case_assignments_closed
  AFTER INSERT OR UPDATE OR DELETE ON case_assignments
  FOR EACH ROW EXECUTE FUNCTION case_assignments_closed()""",
    ]


def _mysql() -> list[str]:
    return [
        "CREATE TRIGGER trg_cases_closed_holder_ins BEFORE INSERT ON cases FOR EACH ROW "
        "SET NEW.closed_team_id = IF(NEW.closed_on IS NULL, NULL, NEW.team_id), "
        "NEW.closed_officer_id = IF(NEW.closed_on IS NULL, NULL, NEW.officer_id)",
        """CREATE TRIGGER trg_cases_closed_holder_upd BEFORE UPDATE ON cases FOR EACH ROW
BEGIN
  IF NEW.closed_on IS NULL THEN
    SET NEW.closed_team_id = NULL, NEW.closed_officer_id = NULL;
  ELSEIF OLD.closed_on IS NULL THEN
    SET NEW.closed_team_id = NEW.team_id, NEW.closed_officer_id = NEW.officer_id;
  END IF;
END""",
        *_assignment_triggers(),
    ]


def _sqlite() -> list[str]:
    expected = {kept: f"CASE WHEN NEW.closed_on IS NULL THEN NULL ELSE NEW.{src} END"
                for kept, src in PAIRS}
    sets = ", ".join(f"{kept} = {value}" for kept, value in expected.items())
    stale = " OR ".join(f"NEW.{kept} IS NOT {value}" for kept, value in expected.items())
    cleared = " OR ".join(f"NEW.{kept} IS NOT NULL" for kept, _ in PAIRS)
    return [
        f"""CREATE TRIGGER trg_cases_closed_holder_ins AFTER INSERT ON cases
FOR EACH ROW WHEN {stale}
BEGIN UPDATE cases SET {sets} WHERE id = NEW.id; END""",
        f"""CREATE TRIGGER trg_cases_closed_holder_upd
AFTER UPDATE OF closed_on, closed_team_id, closed_officer_id ON cases
FOR EACH ROW WHEN (NEW.closed_on IS NULL AND ({cleared}))
               OR (OLD.closed_on IS NULL AND NEW.closed_on IS NOT NULL AND ({stale}))
BEGIN UPDATE cases SET {sets} WHERE id = NEW.id; END""",
        *_assignment_triggers(),
    ]


TRIGGERS: dict[str, Callable[[], list[str]]] = {
    "postgresql": _postgresql, "mysql": _mysql, "sqlite": _sqlite,
}
DROPS: dict[str, list[str]] = {
    "postgresql": ["DROP TRIGGER IF EXISTS trg_cases_closed_holder ON cases",
                   "DROP TRIGGER IF EXISTS trg_case_assignments_closed ON case_assignments",
                   "DROP FUNCTION IF EXISTS cases_closed_holder()",
                   "DROP FUNCTION IF EXISTS case_assignments_closed()"],
    **{name: [*(f"DROP TRIGGER IF EXISTS trg_cases_closed_holder_{e}" for e in ("ins", "upd")),
              *(f"DROP TRIGGER IF EXISTS trg_case_assignments_closed_{e}"
                for e in ("insert", "delete", "update"))]
       for name in ("mysql", "sqlite")},
}


def trigger_statements(dialect_name: str) -> list[str]:
    """This revision's trigger definitions for a dialect name (tests restore them with it)."""
    return TRIGGERS["mysql" if dialect_name == "mariadb" else dialect_name]()


def _dialect() -> str:
    name = op.get_bind().dialect.name
    return "mysql" if name == "mariadb" else name


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("closed_team_id", sa.Integer(), nullable=True,
                                      comment="结案时的承办团队 (触发器维护)"))
        batch_op.add_column(sa.Column("closed_officer_id", sa.Integer(), nullable=True,
                                      comment="结案时的承办人 (触发器维护)"))
    op.create_index("ix_cases_closed_team_closed", "cases", ["closed_team_id", "closed_on"])
    op.create_index("ix_cases_closed_officer_closed", "cases", ["closed_officer_id", "closed_on"])
    op.execute(BACKFILL)
    for statement in TRIGGERS[_dialect()]():
        op.execute(statement)


def downgrade() -> None:
    for statement in DROPS[_dialect()]:
        op.execute(statement)
    op.drop_index("ix_cases_closed_officer_closed", table_name="cases")
    op.drop_index("ix_cases_closed_team_closed", table_name="cases")
    for name in ("closed_team_id", "closed_officer_id"):
        op.drop_column("cases", name)
