"""The demo court (包头市土默特右旗人民法院), its demo sign-ins (`users`), bulk benchmark data,
the live simulator, and the 中院 mode (`region`: 包头市中级人民法院 and eight basic courts from
the court profiles in `profiles`).

May import: the ``db`` root modules, ``db.models``, ``db.cases``, ``db.auth``, ``db.nodes``,
``db.supervision``, ``db.campaigns``, ``db.triage``, and ``db.org`` (the court tree).
"""
from __future__ import annotations

from db.demo.bulk import seed_bulk
from db.demo.region import seed_region
from db.demo.seed import DEFAULT_SEED, seed_demo
from db.demo.simulate import simulate_step, start_simulator

__all__ = ["DEFAULT_SEED", "seed_bulk", "seed_demo", "seed_region", "simulate_step", "start_simulator"]
