"""The organisation above the teams: the court tree (高院 → 中院 → 基层法院, ``courts``).

What a 辖区 holds and what a user or wall token of a court may see (its court and the courts below
it). May import: the ``db`` root modules and ``db.models``.
"""
