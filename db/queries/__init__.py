"""Read-only query functions for pages, returning plain data (no ORM objects leave this package).

May import: the ``db`` root modules, ``db.models``, ``db.cases``, ``db.auth`` (scope, masking),
``db.indicators``, ``db.nodes``, and ``db.org`` (the court tree).
"""
