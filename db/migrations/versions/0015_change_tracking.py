"""Change tracking for the incremental snapshot refresh (issue #21): snapshot_changes.

Triggers on cases and payments write, for every inserted, updated or deleted row, the
holder of its old and its new version into snapshot_changes: the team, and for a closed
case the team at 结案 (closed_team_id). The refresher (db/snapshot/changes.py) reads the rows
in its consistent read, recomputes only those teams' groups (db/snapshot/incremental.py) and
deletes the rows it read. Triggers catch every writer, also a raw UPDATE that skips
updated_at or data_state; a write to teams or officers forces a full build instead
(the org signature). Also an index on payments.team_id (the incremental payments pass).

Revision ID: 0015_change_tracking
Revises: 0010_closed_holder
Create Date: 2026-12-04
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0015_change_tracking"
down_revision = "0014_import_staging"
branch_labels = None
depends_on = None

INSERT = "INSERT INTO snapshot_changes (team_id, closed, closed_team_id) VALUES "


def _case_row(ref: str, true: str, false: str) -> str:
    return (f"{INSERT}({ref}.team_id, CASE WHEN {ref}.closed_on IS NULL THEN {false} "
            f"ELSE {true} END, {ref}.closed_team_id);")


def _payment_row(ref: str, false: str) -> str:
    return f"{INSERT}({ref}.team_id, {false}, NULL);"


def _refs(event: str) -> tuple[str, ...]:
    return {"INSERT": ("NEW",), "DELETE": ("OLD",), "UPDATE": ("OLD", "NEW")}[event]


def _per_event(true: str, false: str) -> list[str]:
    """MariaDB and SQLite: one trigger per table and event."""
    out = []
    for event in ("INSERT", "UPDATE", "DELETE"):
        refs = _refs(event)
        cases = " ".join(_case_row(r, true, false) for r in refs)
        payments = " ".join(_payment_row(r, false) for r in refs)
        out += [f"CREATE TRIGGER trg_cases_changes_{event.lower()} AFTER {event} ON cases "
                f"FOR EACH ROW BEGIN {cases} END",
                f"CREATE TRIGGER trg_payments_changes_{event.lower()} AFTER {event} ON payments "
                f"FOR EACH ROW BEGIN {payments} END"]
    return out


def _postgresql() -> list[str]:
    out = []
    for table, row in (("cases", lambda r: _case_row(r, "TRUE", "FALSE")),
                       ("payments", lambda r: _payment_row(r, "FALSE"))):
        out += [f"""CREATE FUNCTION {table}_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN {row('OLD')} END IF;
  IF TG_OP <> 'DELETE' THEN {row('NEW')} END IF;
  RETURN NULL;
END $$""",
                f"""CREATE TRIGGER trg_{table}_changes AFTER INSERT OR UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION {table}_changes()"""]
    return out


TRIGGERS: dict[str, Callable[[], list[str]]] = {
    "postgresql": _postgresql,
    "mysql": lambda: _per_event("TRUE", "FALSE"),
    "sqlite": lambda: _per_event("1", "0"),
}
DROPS: dict[str, list[str]] = {
    "postgresql": [*(f"DROP TRIGGER IF EXISTS trg_{t}_changes ON {t}" for t in ("cases", "payments")),
                   *(f"DROP FUNCTION IF EXISTS {t}_changes()" for t in ("cases", "payments"))],
    **{name: [f"DROP TRIGGER IF EXISTS trg_{t}_changes_{e}" for t in ("cases", "payments")
              for e in ("insert", "update", "delete")] for name in ("mysql", "sqlite")},
}


def trigger_statements(dialect_name: str) -> list[str]:
    """This revision's trigger definitions for a dialect name."""
    return TRIGGERS["mysql" if dialect_name == "mariadb" else dialect_name]()


def _dialect() -> str:
    name = op.get_bind().dialect.name
    return "mysql" if name == "mariadb" else name


def upgrade() -> None:
    op.create_table(
        "snapshot_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.Integer(), nullable=True, comment="承办团队 (NULL: 无团队)"),
        sa.Column("closed", sa.Boolean(), nullable=False, comment="已结案 (结案团队有效)"),
        sa.Column("closed_team_id", sa.Integer(), nullable=True, comment="结案时的承办团队"),
        comment="快照增量刷新的变更记录 (触发器写入，刷新后删除)",
    )
    op.create_index("ix_payments_team_id", "payments", ["team_id"])
    for statement in TRIGGERS[_dialect()]():
        op.execute(statement)


def downgrade() -> None:
    for statement in DROPS[_dialect()]:
        op.execute(statement)
    op.drop_index("ix_payments_team_id", table_name="payments")
    op.drop_table("snapshot_changes")
