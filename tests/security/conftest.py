"""The security tests reuse the sign-in tests' small court and app factory (tests/auth/conftest.py)."""
from __future__ import annotations

from tests.auth.conftest import app, app_factory, court  # noqa: F401 - pytest fixtures
