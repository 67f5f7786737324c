"""Per-case rollups kept by triggers: the holder on each payment, paused and extension days.

The indicator passes read these columns instead of joining `payments` to `cases` and
`case_pauses`/`case_extensions` to `cases` (each join cost more than a full scan of the case
table). Database triggers keep them exact for every writer, in the writer's own transaction:

* payments.court_id / team_id / officer_id / category — always those of the payment's case:
  set on insert and on any change of case_id or of these columns, and pushed to the
  payments when the case's holder or category changes;
* cases.paused_days — for a closed case, the days of its pauses (扣除期限) up to 结案: each
  pause that started on or before closed_on counts from started_on to the earlier of its
  end and closed_on (an unended pause: to closed_on); 0 while the case is open;
* cases.extension_days — the days of its approved extensions (延长期限).

Revision ID: 0005_case_rollups
Revises: 0004_auth
Create Date: 2026-11-27
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0005_case_rollups"
down_revision = "0004_auth"
branch_labels = None
depends_on = None

HOLDER = ("court_id", "team_id", "officer_id", "category")

# Whole days from a to b, per dialect (as db/sqldates.datediff(b, a) compiles them).
DAYS: dict[str, Callable[[str, str], str]] = {
    "postgresql": lambda a, b: f"({b} - {a})",
    "mysql": lambda a, b: f"DATEDIFF({b}, {a})",
    "sqlite": lambda a, b: f"CAST(julianday({b}) - julianday({a}) AS INTEGER)",
}


def _paused(dialect: str, case_id: str, closed_on: str) -> str:
    """The paused days of case `case_id` closed on `closed_on` (0 when it is NULL)."""
    stop = (f"CASE WHEN p.ended_on IS NULL OR p.ended_on > {closed_on} "
            f"THEN {closed_on} ELSE p.ended_on END")
    return (f"(SELECT COALESCE(SUM({DAYS[dialect]('p.started_on', stop)}), 0) "
            f"FROM case_pauses p WHERE p.case_id = {case_id} "
            f"AND {closed_on} IS NOT NULL AND p.started_on <= {closed_on})")


def _extension(case_id: str) -> str:
    return f"(SELECT COALESCE(SUM(e.days), 0) FROM case_extensions e WHERE e.case_id = {case_id})"


def _of_case(column: str, case_id: str) -> str:
    return f"(SELECT c.{column} FROM cases c WHERE c.id = {case_id})"


def _holder_changed(null_safe_equal: Callable[[str, str], str]) -> str:
    return " OR ".join(f"NOT ({null_safe_equal(f'OLD.{c}', f'NEW.{c}')})" for c in HOLDER)


def _child_triggers(paused: str) -> list[str]:
    """MariaDB and SQLite (one event per trigger): a pause or extension that is added,
    changed or deleted recomputes its case's column (the old and the new case on a move)."""
    out = []
    for table, column, value in (("case_pauses", "paused_days", paused),
                                 ("case_extensions", "extension_days", _extension("cases.id"))):
        for event, refs in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)), ("UPDATE", ("OLD", "NEW"))):
            body = " ".join(f"UPDATE cases SET {column} = {value} WHERE cases.id = {r}.case_id;"
                            for r in refs)
            out.append(f"CREATE TRIGGER trg_{table}_rollup_{event.lower()} AFTER {event} ON {table} "
                       f"FOR EACH ROW BEGIN {body} END")
    return out


def _postgresql() -> list[str]:
    paused = _paused("postgresql", "NEW.id", "NEW.closed_on")
    recompute = f"UPDATE cases SET paused_days = {_paused('postgresql', 'cases.id', 'cases.closed_on')}"
    return [
        """CREATE FUNCTION payments_holder() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT c.court_id, c.team_id, c.officer_id, c.category
    INTO NEW.court_id, NEW.team_id, NEW.officer_id, NEW.category
    FROM cases c WHERE c.id = NEW.case_id;
  RETURN NEW;
END $$""",
        """CREATE TRIGGER trg_payments_holder
  BEFORE INSERT OR UPDATE OF case_id, court_id, team_id, officer_id, category ON payments
  FOR EACH ROW EXECUTE FUNCTION payments_holder()""",
        """CREATE FUNCTION cases_holder_to_payments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE payments SET court_id = NEW.court_id, team_id = NEW.team_id,
                      officer_id = NEW.officer_id, category = NEW.category
   WHERE case_id = NEW.id;
  RETURN NULL;
END $$""",
        f"""CREATE TRIGGER trg_cases_holder_to_payments
  AFTER UPDATE OF court_id, team_id, officer_id, category ON cases FOR EACH ROW
  WHEN ({_holder_changed(lambda a, b: f"{a} IS NOT DISTINCT FROM {b}")})
  EXECUTE FUNCTION cases_holder_to_payments()""",
        f"""CREATE FUNCTION cases_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.paused_days := 0;
    NEW.extension_days := 0;
  ELSE
    NEW.paused_days := {paused};
    NEW.extension_days := {_extension('NEW.id')};
  END IF;
  RETURN NEW;
END $$""",
        """CREATE TRIGGER trg_cases_rollups
  BEFORE INSERT OR UPDATE OF closed_on, paused_days, extension_days ON cases
  FOR EACH ROW EXECUTE FUNCTION cases_rollups()""",
        f"""CREATE FUNCTION case_pauses_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN {recompute} WHERE cases.id = OLD.case_id; END IF;
  IF TG_OP <> 'DELETE' THEN {recompute} WHERE cases.id = NEW.case_id; END IF;
  RETURN NULL;
END $$""",
        """CREATE TRIGGER trg_case_pauses_rollup AFTER INSERT OR UPDATE OR DELETE ON case_pauses
  FOR EACH ROW EXECUTE FUNCTION case_pauses_rollup()""",
        f"""CREATE FUNCTION case_extensions_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE cases SET extension_days = {_extension('cases.id')} WHERE cases.id = OLD.case_id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    UPDATE cases SET extension_days = {_extension('cases.id')} WHERE cases.id = NEW.case_id;
  END IF;
  RETURN NULL;
END $$""",
        """CREATE TRIGGER trg_case_extensions_rollup
  AFTER INSERT OR UPDATE OR DELETE ON case_extensions
  FOR EACH ROW EXECUTE FUNCTION case_extensions_rollup()""",
    ]


def _mysql() -> list[str]:
    holder = ", ".join(f"NEW.{c} = {_of_case(c, 'NEW.case_id')}" for c in HOLDER)
    push = ", ".join(f"{c} = NEW.{c}" for c in HOLDER)
    paused = _paused("mysql", "cases.id", "cases.closed_on")
    out = [
        f"CREATE TRIGGER trg_payments_holder_ins BEFORE INSERT ON payments "
        f"FOR EACH ROW SET {holder}",
        f"CREATE TRIGGER trg_payments_holder_upd BEFORE UPDATE ON payments "
        f"FOR EACH ROW SET {holder}",
        f"""CREATE TRIGGER trg_cases_holder_to_payments AFTER UPDATE ON cases FOR EACH ROW
BEGIN
  IF {_holder_changed(lambda a, b: f"{a} <=> {b}")} THEN
    UPDATE payments SET {push} WHERE case_id = NEW.id;
  END IF;
END""",
        "CREATE TRIGGER trg_cases_rollups_ins BEFORE INSERT ON cases "
        "FOR EACH ROW SET NEW.paused_days = 0, NEW.extension_days = 0",
        f"CREATE TRIGGER trg_cases_rollups_upd BEFORE UPDATE ON cases FOR EACH ROW "
        f"SET NEW.paused_days = {_paused('mysql', 'NEW.id', 'NEW.closed_on')}, "
        f"NEW.extension_days = {_extension('NEW.id')}",
    ]
    return [*out, *_child_triggers(paused)]


def _sqlite() -> list[str]:
    sets = ", ".join(f"{c} = {_of_case(c, 'NEW.case_id')}" for c in HOLDER)
    stale = " OR ".join(f"NEW.{c} IS NOT {_of_case(c, 'NEW.case_id')}" for c in HOLDER)
    push = ", ".join(f"{c} = NEW.{c}" for c in HOLDER)
    paused_new = _paused("sqlite", "NEW.id", "NEW.closed_on")
    paused_row = _paused("sqlite", "cases.id", "cases.closed_on")
    out = [
        f"""CREATE TRIGGER trg_payments_holder_ins AFTER INSERT ON payments
FOR EACH ROW WHEN {stale}
BEGIN UPDATE payments SET {sets} WHERE id = NEW.id; END""",
        f"""CREATE TRIGGER trg_payments_holder_upd
AFTER UPDATE OF case_id, court_id, team_id, officer_id, category ON payments
FOR EACH ROW WHEN {stale}
BEGIN UPDATE payments SET {sets} WHERE id = NEW.id; END""",
        f"""CREATE TRIGGER trg_cases_holder_to_payments
AFTER UPDATE OF court_id, team_id, officer_id, category ON cases
FOR EACH ROW WHEN {_holder_changed(lambda a, b: f"{a} IS {b}")}
BEGIN UPDATE payments SET {push} WHERE case_id = NEW.id; END""",
        """CREATE TRIGGER trg_cases_rollups_ins AFTER INSERT ON cases
FOR EACH ROW WHEN NEW.paused_days <> 0 OR NEW.extension_days <> 0
BEGIN UPDATE cases SET paused_days = 0, extension_days = 0 WHERE id = NEW.id; END""",
        f"""CREATE TRIGGER trg_cases_rollups_upd
AFTER UPDATE OF closed_on, paused_days, extension_days ON cases
FOR EACH ROW WHEN NEW.paused_days IS NOT {paused_new}
               OR NEW.extension_days IS NOT {_extension('NEW.id')}
BEGIN UPDATE cases SET paused_days = {paused_new}, extension_days = {_extension('NEW.id')}
      WHERE id = NEW.id; END""",
    ]
    return [*out, *_child_triggers(paused_row)]


TRIGGERS: dict[str, Callable[[], list[str]]] = {
    "postgresql": _postgresql, "mysql": _mysql, "mariadb": _mysql, "sqlite": _sqlite,
}
DROPS: dict[str, list[str]] = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS trg_payments_holder ON payments",
        "DROP TRIGGER IF EXISTS trg_cases_holder_to_payments ON cases",
        "DROP TRIGGER IF EXISTS trg_cases_rollups ON cases",
        "DROP TRIGGER IF EXISTS trg_case_pauses_rollup ON case_pauses",
        "DROP TRIGGER IF EXISTS trg_case_extensions_rollup ON case_extensions",
        *(f"DROP FUNCTION IF EXISTS {f}()" for f in (
            "payments_holder", "cases_holder_to_payments", "cases_rollups",
            "case_pauses_rollup", "case_extensions_rollup")),
    ],
    **{name: [f"DROP TRIGGER IF EXISTS {t}" for t in (
        "trg_payments_holder_ins", "trg_payments_holder_upd", "trg_cases_holder_to_payments",
        "trg_cases_rollups_ins", "trg_cases_rollups_upd",
        *(f"trg_{table}_rollup_{e}" for table in ("case_pauses", "case_extensions")
          for e in ("insert", "delete", "update")))] for name in ("mysql", "mariadb", "sqlite")},
}
# Fill the new columns of existing rows in one statement per table (before the triggers).
BACKFILL: dict[str, list[str]] = {
    "postgresql": [
        "UPDATE payments SET court_id = c.court_id, team_id = c.team_id, "
        "officer_id = c.officer_id, category = c.category FROM cases c WHERE c.id = payments.case_id",
    ],
    "mysql": [
        "UPDATE payments JOIN cases c ON c.id = payments.case_id SET payments.court_id = c.court_id, "
        "payments.team_id = c.team_id, payments.officer_id = c.officer_id, "
        "payments.category = c.category",
    ],
    "sqlite": [
        "UPDATE payments SET court_id = c.court_id, team_id = c.team_id, "
        "officer_id = c.officer_id, category = c.category FROM cases c WHERE c.id = payments.case_id",
    ],
}


def _dialect() -> str:
    name = op.get_bind().dialect.name
    return "mysql" if name == "mariadb" else name


def upgrade() -> None:
    dialect = _dialect()
    with op.batch_alter_table("payments") as batch_op:
        batch_op.add_column(sa.Column("court_id", sa.Integer(), nullable=True,
                                      comment="案件所属法院 (触发器从 cases 复制)"))
        batch_op.add_column(sa.Column("team_id", sa.Integer(), nullable=True,
                                      comment="案件承办团队 (触发器从 cases 复制)"))
        batch_op.add_column(sa.Column("officer_id", sa.Integer(), nullable=True,
                                      comment="案件承办人 (触发器从 cases 复制)"))
        batch_op.add_column(sa.Column("category", sa.String(length=16), nullable=True,
                                      comment="案件类别 (触发器从 cases 复制)"))
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("paused_days", sa.Integer(), nullable=False,
                                      server_default="0", comment="结案前扣除期限天数 (触发器维护)"))
        batch_op.add_column(sa.Column("extension_days", sa.Integer(), nullable=False,
                                      server_default="0", comment="延长期限天数 (触发器维护)"))
    for statement in BACKFILL[dialect]:
        op.execute(statement)
    op.execute(f"UPDATE cases SET paused_days = {_paused(dialect, 'cases.id', 'cases.closed_on')}, "
               f"extension_days = {_extension('cases.id')} "
               "WHERE id IN (SELECT case_id FROM case_pauses UNION SELECT case_id FROM case_extensions)")
    for statement in TRIGGERS[dialect]():
        op.execute(statement)


def downgrade() -> None:
    for statement in DROPS[_dialect()]:
        op.execute(statement)
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35 has it): a batch copy of `cases` would
    # have to drop a table other tables reference.
    for name in ("paused_days", "extension_days"):
        op.drop_column("cases", name)
    for name in HOLDER:
        op.drop_column("payments", name)
