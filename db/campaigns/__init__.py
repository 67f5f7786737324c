"""专项行动 (enforcement campaigns): their definition and their live measures.

Owns ``scope`` (which cases a campaign counts, as one SQL condition), ``figures`` (its measures
counted in SQL with explain lists, the daily trend, rankings and the one report the page, the
wall and the 战报 share), ``edit`` (launch, edit and end, audited) and ``measures`` (the older
results summary of the wall's 动态 screen).
May import: the ``db`` root modules, ``db.models``, ``db.cases``, ``db.auth`` (masking, audit),
``db.indicators`` (registry indicators as targets, over the scope: ``indicators``), and ``db.org`` (the court tree).
"""
