"""Who is asking and what they may see or do: the data half of sign-in and access.

Owns users and password hashes (``users``, ``passwords``), roles, principals and scope
(``access``), wall-screen tokens (``wall_tokens``), the database-kept sign-in throttle
(``login_throttle``), masking of party names, ID and phone numbers (``masking``), the
append-only audit log (``audit``) and the demo sign-ins (``demo_users``).
The web half (login pages, the request gate, session cookies) is ``dashboard/auth``.
May import: the ``db`` root modules, ``db.models`` and ``db.org`` (the court tree: a 辖区 user's courts).
"""
