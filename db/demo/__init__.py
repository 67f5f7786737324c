"""The demo court (包头市土默特右旗人民法院), its demo sign-ins (`users`), bulk benchmark data
and the live simulator.

May import: the ``db`` root modules, ``db.models``, ``db.cases``, ``db.auth``, ``db.nodes``,
``db.supervision``.
"""
from __future__ import annotations

from db.demo.bulk import seed_bulk
from db.demo.seed import DEFAULT_SEED, seed_demo
from db.demo.simulate import simulate_step, start_simulator

__all__ = ["DEFAULT_SEED", "seed_bulk", "seed_demo", "simulate_step", "start_simulator"]
