"""The data-layer handles a process shares: settings, engine, session factory.

Kept on `server.extensions["dashboard"]` by `create_app`, never in module globals.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker


@dataclass
class AppContext:
    settings: dict[str, Any]
    engine: Engine
    sessions: sessionmaker[Session]
    extras: dict[str, Any] = field(default_factory=dict)
