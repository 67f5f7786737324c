"""Change tracking for the 节点管控 section: events and payments name their case.

The snapshot's 节点管控 section (db/nodes/counts.py) counts node statuses per team of the case's
current holder, from the cases and from their events (case_events), 中止/暂缓 (case_pauses),
延长 (case_extensions) and 案款 (payments). 0015's triggers log the holders of changed cases and
payments (a payment's own holder columns); a pause or an extension rewrites its case's
paused_days / extension_days (0005's rollup triggers), so 0015 logs its case's team; a changed
event was not logged at all. Triggers on case_events and payments now write a row naming the
case (snapshot_changes.case_id, nodes_only = TRUE): the refresher resolves it to the case's
current team in its consistent read and recounts only the changed teams' nodes
(db/snapshot/nodes.py). `nodes_only` rows do not touch the indicator core (its figures read no
events; payments keep 0015's own row for that).

Revision ID: 0018_node_changes
Revises: 0017_court_hierarchy
Create Date: 2026-12-06
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0018_node_changes"
down_revision = "0017_court_hierarchy"
branch_labels = None
depends_on = None

TABLES = ("case_events", "payments")
EVENTS = ("insert", "update", "delete")


def _row(ref: str, true: str, false: str) -> str:
    return (f"INSERT INTO snapshot_changes (team_id, closed, closed_team_id, case_id, nodes_only) "
            f"VALUES (NULL, {false}, NULL, {ref}.case_id, {true});")


def _refs(event: str) -> tuple[str, ...]:
    return {"insert": ("NEW",), "delete": ("OLD",), "update": ("OLD", "NEW")}[event]


def _per_event(true: str, false: str) -> list[str]:
    """MariaDB and SQLite: one trigger per table and event."""
    return [f"CREATE TRIGGER trg_{table}_nodes_{event} AFTER {event.upper()} ON {table} "
            f"FOR EACH ROW BEGIN {' '.join(_row(r, true, false) for r in _refs(event))} END"
            for table in TABLES for event in EVENTS]


def _postgresql() -> list[str]:
    out = [f"""CREATE FUNCTION node_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN {_row('OLD', 'TRUE', 'FALSE')} END IF;
  IF TG_OP <> 'DELETE' THEN {_row('NEW', 'TRUE', 'FALSE')} END IF;
  RETURN NULL;
END $$"""]
    out += [f"""CREATE TRIGGER trg_{table}_nodes AFTER INSERT OR UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION node_changes()""" for table in TABLES]
    return out


TRIGGERS: dict[str, Callable[[], list[str]]] = {
    "postgresql": _postgresql,
    "mysql": lambda: _per_event("TRUE", "FALSE"),
    "sqlite": lambda: _per_event("1", "0"),
}
DROPS: dict[str, list[str]] = {
    "postgresql": [*(f"DROP TRIGGER IF EXISTS trg_{t}_nodes ON {t}" for t in TABLES),
                   "DROP FUNCTION IF EXISTS node_changes()"],
    **{name: [f"DROP TRIGGER IF EXISTS trg_{t}_nodes_{e}" for t in TABLES for e in EVENTS]
       for name in ("mysql", "sqlite")},
}


def _dialect() -> str:
    name = op.get_bind().dialect.name
    return "mysql" if name == "mariadb" else name


def upgrade() -> None:
    # plain ADD COLUMN with server defaults (as 0017): no batch rebuild of a table with triggers
    op.add_column("snapshot_changes", sa.Column(
        "case_id", sa.Integer(), nullable=True,
        comment="变更的事件或案款所属案件 (节点管控按其当前团队重算)"))
    op.add_column("snapshot_changes", sa.Column(
        "nodes_only", sa.Boolean(), nullable=False, server_default=sa.false(),
        comment="只涉及节点管控 (指标不读这些表)"))
    for statement in TRIGGERS[_dialect()]():
        op.execute(statement)


def downgrade() -> None:
    for statement in DROPS[_dialect()]:
        op.execute(statement)
    op.execute("ALTER TABLE snapshot_changes DROP COLUMN nodes_only")
    op.execute("ALTER TABLE snapshot_changes DROP COLUMN case_id")
