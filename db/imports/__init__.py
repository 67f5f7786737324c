"""Bring a court's own data in: the standard workbook, CSV files and scheduled sync sources.

One engine for every source (the CLI ``python -m dashboard import``, the admin upload page
and the scheduled sync all call it). The format is ``../shared/import-format.md``; the
sheets, header forms and value forms are in ``schema``.

Python API (the caller owns the session and commits; every function below writes only
inside the caller's transaction):

``run_import(session, source, *, actor, mapping=None, dry_run=False, skip_invalid=False,
court=None, progress=None, sheet=None, name=None, limits=None, tz="Asia/Shanghai",
court_ids=None)
-> ImportResult``
    ``source`` is a path, an ``ImportSource`` or ``bytes`` (then pass ``name=`` the
    uploaded file's name; a CSV's sheet comes from its name, ``案件.csv``, or ``sheet=``).
    The type is taken from the content (xlsx / xls / CSV in UTF-8 or GB18030), never from
    the name. Every row is validated; all errors are collected. The writes run in one
    SAVEPOINT: with an error and ``skip_invalid=False`` (the default), or with
    ``dry_run=True``, it is rolled back and ``result.batch`` is None; otherwise
    ``result.batch`` is the new batch id and the data version has moved (when anything
    changed). ``court`` is a ``Court``, its id or its 法院代字; None means the only court
    in the database. ``mapping`` is ``{"sheets": {file sheet: standard sheet},
    standard sheet: {header: field or standard header}}``; None uses the court's stored
    mapping (``save_mapping``). ``progress(sheet, rows_read, rows_total_or_None)`` is
    called every 1,000 rows. Raises ``ImportFailed`` (Chinese message) when the file
    itself is refused: not xlsx/xls/CSV, too large, a zip bomb, unreadable encoding, no
    known sheet, no court.
``ImportResult``
    ``batch``, ``sheets`` {sheet: SheetCounts(new, updated, unchanged, rejected, deleted)},
    ``ignored_columns`` {sheet: [header]}, ``ignored_sheets``, ``errors`` [{sheet, row,
    column, value, message}] (``row`` as Excel numbers it, header = row 1; ID numbers
    masked), ``rejected`` (file refused), ``written``, ``as_dict()`` (the CLI's JSON),
    ``write_rejects(path_or_file) -> bool`` and ``rejects_workbook() -> bytes | None``
    (the bad rows as they were plus a 错误原因 column).
``preview(source, mapping=None, *, rows=5, sheet=None, name=None) -> list[dict]``
    Per sheet: which header became which field, the ignored columns and the first rows as
    recognised (value or error per cell). Reads no database.
``history(session, limit=100) -> list[dict]``
    Batches newest first: id, court_id, court (法院代字), actor, origin, file_name, sha256, started_at, status,
    new/updated/unchanged/rejected/deleted and per-sheet counts.
``undo(session, batch_id, actor) -> dict[table, rows]``
    Restores every row the batch changed; ``UndoError`` when a later batch changed the
    same rows, or a row it added is now referenced elsewhere.
Several courts' data in one file: each row belongs to the court of its 案号's 法院代字 (a
人员 row: its 法院 column, else the import's court); each court's rows are one batch
(``result.batches`` {法院代字: batch id}, ``result.batch`` the first), undone separately.
``court_ids`` (``run_import``/``run_sheets``; the upload page passes the signed-in user's
``Principal.court_ids``) limits the courts rows may belong to; a row of another or an
unregistered court is an error of that row (nothing written, as for any error).
``template_workbook() -> bytes``
    The standard workbook: every sheet, its headers and an example row.
``save_mapping(session, court_id, mapping)`` / ``load_mapping(session, court_id)``
    The court's stored column mapping.

A 案件 CSV of at least ``Limits.bulk_bytes`` (default 4 MB) takes the bulk write path
(``bulk``): the same parsing, checks and per-1,000-row compare, but new cases go to the
database by COPY (PostgreSQL) or one plain executemany (SQLite, MariaDB), SQLite rebuilds the
case table's indexes once after the load, and the first 分案 rows are one INSERT … SELECT.
Results, errors, batch records and undo are the same as on the per-row path
(``tests/db/imports/test_bulk.py``).

``sync`` runs configured sync sources (a SQLAlchemy URL and one SELECT per sheet) through
the same engine under the scheduler's leader lock.

May import: the ``db`` root modules, ``db.models``, ``db.cases`` and ``db.auth`` (masking), and ``db.org`` (the court tree).
"""
from __future__ import annotations

from db.imports.batches import UndoError, history, undo
from db.imports.engine import ImportFailed, load_mapping, run_import, save_mapping
from db.imports.preview import preview
from db.imports.result import ImportResult, SheetCounts, template_workbook
from db.imports.source import ImportSource, Limits

__all__ = [
    "ImportFailed",
    "ImportResult",
    "ImportSource",
    "Limits",
    "SheetCounts",
    "UndoError",
    "history",
    "load_mapping",
    "preview",
    "run_import",
    "save_mapping",
    "template_workbook",
    "undo",
]
