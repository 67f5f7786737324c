"""节点管控: node rules as data, the working-day calendar, node SQL and counts, 续封 reminders,
案款 ageing (`ageing`) and 终本合格 checks (`compliance`).

May import: the ``db`` root modules, ``db.models``, ``db.cases``, ``db.supervision`` (督办 counts),
``db.auth`` (the court scope of those counts).
"""
