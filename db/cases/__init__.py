"""Cases as they come in: validated input, case numbers (案号) and the vocabularies.

Owns ``input`` (validate and write case rows, all or nothing), ``numbers`` (parse and
build （2022）内0221执123号), ``vocab`` (case types, categories, closing methods, tracks,
roles, pause kinds) and ``event_kinds`` (the registry of case-event kinds).
The coming import engine lands beside it in ``db/imports``.
May import: the ``db`` root modules and ``db.models``.
"""
