"""专项行动 (enforcement campaigns): their definition and their live measures.

Owns ``measures`` (create a campaign, count its results from cases, events and payments).
May import: the ``db`` root modules, ``db.models``, ``db.cases``.
"""
