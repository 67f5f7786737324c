"""The demo court (包头市土默特右旗人民法院), bulk benchmark data and the live simulator."""
from __future__ import annotations

from db.demo.bulk import seed_bulk
from db.demo.seed import DEFAULT_SEED, seed_demo
from db.demo.simulate import simulate_step, start_simulator

__all__ = ["DEFAULT_SEED", "seed_bulk", "seed_demo", "simulate_step", "start_simulator"]
