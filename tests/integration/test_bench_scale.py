"""bench/scale.py end to end at a tiny size: the figures it prints are the ones the docs quote
(full vs floor, incremental == full, change → wall poll through the app's own scheduler), with
the cases' events and payments (`--activity`)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_scale_bench_prints_every_figure_and_the_change_reaches_the_wall() -> None:
    name = f"bench_scale_test_{os.getpid()}"
    out = subprocess.run(
        [sys.executable, "bench/scale.py", "--cases", "3000", "--courts", "3",
         "--database", name, "--drop", "--interval", "3", "--latency-samples", "2", "--activity"],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    text = out.stdout
    # --activity: the cases' events and payments, and the changes' own (two rounds of 300 events, 60 payments)
    counts = re.search(r"events ([\d,]+), payments ([\d,]+)", text)
    assert counts and int(counts[1].replace(",", "")) > 6000 and int(counts[2].replace(",", "")) > 800, text
    assert "incremental == full (views, trend, 辖区, 节点管控): yes" in text, text
    # the measured incremental build is the process's second; the first is printed apart
    assert re.search(r"\(the process's first incremental build, [\d,]+ other cases, its "
                     r"statements compiled on first use: [\d.]+ s, [\d.]+% of full\)", text), text
    assert re.search(r"the 节点管控 section of the full build: [\d.]+ s, of the incremental "
                     r"one: [\d.]+ s \(cases\)", text), text  # the changed cases recounted
    assert re.search(r"ratio full / floor: \d+\.\d\d", text), text
    found = re.search(r"change → wall poll \(refresh every 3 s, the app's scheduler\): "
                      r"([\d.]+), ([\d.]+) s; worst ([\d.]+) s", text)
    assert found, text
    first, second, worst = (float(x) for x in found.groups())
    assert worst == max(first, second) and min(first, second) > 0, text
    assert not (ROOT / "instance" / f"{name}.db").exists()  # --drop
