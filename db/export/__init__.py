"""Excel workbooks of what a page shows (``xlsx``): Chinese headers, period, as-of time.

May import: nothing else of ``db`` (it takes plain rows and formats them).
"""
