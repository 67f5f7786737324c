"""督办: orders issued on a node, case, officer or team, and their life until 办结 or 逾期.

Owns ``orders`` (issue, 反馈, 退回, 办结, lists and per-team statistics), ``access`` (who may
do which action on which order) and ``sweep`` (the scheduled 逾期 sweep, once per court day).
May import: the ``db`` root modules, ``db.models``, ``db.auth``.
"""
