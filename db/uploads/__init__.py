"""The 数据导入 page's jobs: an uploaded file is kept in the database between preview, dry run
and confirm (any worker may serve the next step), and each dry run or import runs in the
background through the import engine (``db.imports``) while its state (queued, running, done,
failed; the result and the rejects workbook) is written to ``import_jobs`` for every worker to
read. Progress while a job runs goes to a callback the web layer keeps in the shared cache.
May import: the ``db`` root modules, ``db.models``, ``db.imports`` and ``db.auth`` (audit).
"""
