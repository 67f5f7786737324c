"""Data layer: everything that touches the database, grouped by capability. No Dash here.

Infrastructure at the root, used by every capability:
    base, session, context, migrate, errors, sqldates

Capabilities, one package each (a package imports the root modules, ``db.models`` and
the packages named in its own docstring; nothing in ``db`` imports Dash or the layers above):
    models/      ORM tables; ``models.rollups`` checks the trigger-kept columns
    migrations/  Alembic revisions
    cases/       case input, case numbers (案号), vocabularies, event kinds
    auth/        users, passwords, roles and scope, wall tokens, sign-in throttle,
                 masking, the audit log, demo sign-ins
    indicators/  the indicator registry and its SQL engine
    queries/     read-only lookups for pages (lists, queues, outlooks)
    nodes/       节点管控 rules and SQL, 终本合格 checks
    supervision/ 督办 orders, their permissions and the 逾期 sweep
    campaigns/   专项行动 and their measures
    snapshot/    the scheduled snapshot: build, store, freshness, leader lock
    export/      Excel workbooks of what a page shows
    imports/     the import engine: workbooks and CSV in, validated, upserted, batched, undoable;
                 the scheduled sync from a court's case system
    uploads/     the 数据导入 page's jobs (uploaded file, background dry run and import)
    events/      field events reported by other systems through the event API
    demo/        the demo court, bulk benchmark data and the live simulator
"""
