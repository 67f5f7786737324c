"""Change tracking names the changed case: the 节点管控 section recounts cases, not teams.

0015's triggers on cases log the holders of a changed case's old and new version (the team,
the team at 结案); the indicator core recomputes those teams. The 节点管控 section
(db/snapshot/node_cases.py) keeps each case's node statuses and recounts only the cases the log
names: the triggers on cases now also write the case's id (snapshot_changes.case_id, added by
0018 for events and payments). A pause or an extension rewrites its case's rollup columns
(0005), so its case is named too. Rows logged before this revision name no case: the upgrade
asks for one full build (team_id −1, as `python -m dashboard rebuild`).

Revision ID: 0019_case_changes
Revises: 0018_node_changes
Create Date: 2026-12-07
"""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from alembic import op

revision = "0019_case_changes"
down_revision = "0018_node_changes"
branch_labels = None
depends_on = None

INSERT = "INSERT INTO snapshot_changes (team_id, closed, closed_team_id, case_id) VALUES "
EVENTS = ("insert", "update", "delete")


def _row(ref: str, true: str, false: str) -> str:
    return (f"{INSERT}({ref}.team_id, CASE WHEN {ref}.closed_on IS NULL THEN {false} "
            f"ELSE {true} END, {ref}.closed_team_id, {ref}.id);")


def _refs(event: str) -> tuple[str, ...]:
    return {"insert": ("NEW",), "delete": ("OLD",), "update": ("OLD", "NEW")}[event]


def _per_event(true: str, false: str) -> list[str]:
    """MariaDB and SQLite: one trigger per event."""
    return [f"CREATE TRIGGER trg_cases_changes_{event} AFTER {event.upper()} ON cases "
            f"FOR EACH ROW BEGIN {' '.join(_row(r, true, false) for r in _refs(event))} END"
            for event in EVENTS]


def _postgresql() -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION cases_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN {_row('OLD', 'TRUE', 'FALSE')} END IF;
  IF TG_OP <> 'DELETE' THEN {_row('NEW', 'TRUE', 'FALSE')} END IF;
  RETURN NULL;
END $$""",
        """CREATE TRIGGER trg_cases_changes AFTER INSERT OR UPDATE OR DELETE ON cases
  FOR EACH ROW EXECUTE FUNCTION cases_changes()"""]


TRIGGERS = {
    "postgresql": _postgresql,
    "mysql": lambda: _per_event("TRUE", "FALSE"),
    "sqlite": lambda: _per_event("1", "0"),
}
DROPS: dict[str, list[str]] = {
    "postgresql": ["DROP TRIGGER IF EXISTS trg_cases_changes ON cases"],
    **{name: [f"DROP TRIGGER IF EXISTS trg_cases_changes_{e}" for e in EVENTS]
       for name in ("mysql", "sqlite")},
}


def _dialect() -> str:
    name = op.get_bind().dialect.name
    return "mysql" if name == "mariadb" else name


def _change_tracking() -> ModuleType:
    """Revision 0015 (its cases triggers, restored by the downgrade)."""
    path = Path(__file__).with_name("0015_change_tracking.py")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    for statement in DROPS[_dialect()] + TRIGGERS[_dialect()]():
        op.execute(statement)
    op.execute("INSERT INTO snapshot_changes (team_id, closed) VALUES (-1, "
               f"{'0' if _dialect() == 'sqlite' else 'FALSE'})")


def downgrade() -> None:
    for statement in DROPS[_dialect()]:
        op.execute(statement)
    old = [s for s in _change_tracking().TRIGGERS[_dialect()]() if "ON cases" in s
           or "cases_changes()" in s]
    for statement in old:
        op.execute(statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
