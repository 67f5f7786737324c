"""Start the process's background work (demo seeding, scheduler, simulator) by settings."""
from __future__ import annotations

import logging

from flask import Flask

from dashboard import scheduler

log = logging.getLogger(__name__)

# Each starter takes the Flask server and starts its background work if its setting says so.
# Later parts (scheduler, simulator) append themselves here.
STARTERS: list = [scheduler.start]


def start_background(server: Flask) -> None:
    for starter in STARTERS:
        starter(server)
