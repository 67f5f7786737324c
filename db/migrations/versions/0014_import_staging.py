"""A 分案 row that leaves its closed case's holder as it is writes nothing (PostgreSQL).

The assignment trigger of 0010_closed_holder recomputes the closed case's
closed_team_id/closed_officer_id after every insert, update or delete of a case_assignments
row dated on or before 结案, and on PostgreSQL always rewrote the case row even when the
result was the value it already had — the usual case: the first 分案 an import adds to each
new case names the case's own holder. Each such rewrite is a new row version with an entry
in every one of the case table's indexes, which made a large import's first-assignment step
its slowest part. The function now updates only when a value differs; the values kept are
the same. SQLite and MariaDB are unchanged (their triggers cost little here).

Revision ID: 0014_import_staging
Revises: 0010_closed_holder
Create Date: 2026-12-04
"""
from __future__ import annotations

from alembic import op

revision = "0014_import_staging"
down_revision = "0012_center_work"
branch_labels = None
depends_on = None

PAIRS = (("closed_team_id", "team_id"), ("closed_officer_id", "officer_id"))


def _latest(column: str) -> str:
    """The `column` of the case's latest assignment on or before 结案, else the case's own."""
    latest = ("(SELECT a.id FROM case_assignments a WHERE a.case_id = cases.id "
              "AND a.assigned_on <= cases.closed_on ORDER BY a.assigned_on DESC, a.id DESC LIMIT 1)")
    return (f"CASE WHEN {latest} IS NULL THEN cases.{column} "
            f"ELSE (SELECT b.{column} FROM case_assignments b WHERE b.id = {latest}) END")


def _recompute(ref: str) -> str:
    sets = ", ".join(f"{kept} = {_latest(src)}" for kept, src in PAIRS)
    return (f"UPDATE cases SET {sets} WHERE cases.id = {ref}.case_id AND cases.closed_on IS NOT NULL "
            f"AND {ref}.assigned_on <= cases.closed_on;")


# 0010_closed_holder's function, for the downgrade
OLD_FUNCTION = f"""CREATE OR REPLACE FUNCTION case_assignments_closed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN {_recompute('OLD')} END IF;
  IF TG_OP <> 'DELETE' THEN {_recompute('NEW')} END IF;
  RETURN NULL;
END $$"""

# the same rule: one indexed lookup of the latest assignment on or before 结案 (else the
# case's own holder), and an UPDATE only when the kept values differ
RECOMPUTE_FUNCTION = """CREATE FUNCTION case_closed_recompute(p_case integer, p_day date) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  c RECORD;
  t integer;
  o integer;
BEGIN
  SELECT closed_on, team_id, officer_id, closed_team_id, closed_officer_id INTO c FROM cases WHERE id = p_case;
  IF NOT FOUND OR c.closed_on IS NULL OR p_day > c.closed_on THEN
    RETURN;
  END IF;
  SELECT a.team_id, a.officer_id INTO t, o FROM case_assignments a
   WHERE a.case_id = p_case AND a.assigned_on <= c.closed_on
   ORDER BY a.assigned_on DESC, a.id DESC LIMIT 1;
  IF NOT FOUND THEN
    t := c.team_id;
    o := c.officer_id;
  END IF;
  IF c.closed_team_id IS DISTINCT FROM t OR c.closed_officer_id IS DISTINCT FROM o THEN
    UPDATE cases SET closed_team_id = t, closed_officer_id = o WHERE id = p_case;
  END IF;
END $$"""
NEW_FUNCTION = """CREATE OR REPLACE FUNCTION case_assignments_closed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM case_closed_recompute(OLD.case_id, OLD.assigned_on); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM case_closed_recompute(NEW.case_id, NEW.assigned_on); END IF;
  RETURN NULL;
END $$"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(RECOMPUTE_FUNCTION)
        op.execute(NEW_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(OLD_FUNCTION)
        op.execute("DROP FUNCTION IF EXISTS case_closed_recompute(integer, date)")
