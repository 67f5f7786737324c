"""The web processes' CPU priority (dashboard/priority.py): lowered below the scheduler's build."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import priority
from dashboard.config import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[1]


class FakeOs:
    """os.nice/os.getsid/os.getpid of a process at `nice`, leading its session or not."""

    def __init__(self, nice: int, leader: bool) -> None:
        self.value, self.leader, self.calls = nice, leader, []

    def nice(self, increment: int) -> int:
        self.calls.append(increment)
        self.value += increment
        return self.value

    def getsid(self, _pid: int) -> int:
        return 1 if self.leader else 2

    def getpid(self) -> int:
        return 1


@pytest.fixture
def fake(monkeypatch):
    def make(nice: int = 0, leader: bool = True) -> FakeOs:
        found = FakeOs(nice, leader)
        for name in ("nice", "getsid", "getpid"):
            monkeypatch.setattr(priority.os, name, getattr(found, name))
        return found
    return make


def _group(tmp_path: Path, nice: int) -> Path:
    path = tmp_path / "autogroup"
    path.write_text(f"/autogroup-42 nice {nice}\n")
    return path


def test_zero_leaves_the_priority_alone(fake, tmp_path) -> None:
    proc, group = fake(), _group(tmp_path, 0)
    assert "未调整" in priority.lower_priority(0, group)
    assert proc.calls == [] and group.read_text().endswith("nice 0\n")


def test_the_process_and_its_session_group_are_lowered(fake, tmp_path) -> None:
    proc, group = fake(nice=0, leader=True), _group(tmp_path, 0)
    said = priority.lower_priority(10, group)
    assert proc.value == 10 and group.read_text() == "10"
    assert "nice 10" in said and "会话组 nice 10" in said


def test_never_raised_again(fake, tmp_path) -> None:
    """A restarted master inherits nice 10 (and its session group keeps 12): nothing moves back."""
    proc, group = fake(nice=10, leader=True), _group(tmp_path, 12)
    priority.lower_priority(5, group)
    assert proc.calls == [0] and proc.value == 10 and group.read_text().endswith("nice 12\n")
    proc, group = fake(nice=3, leader=True), _group(tmp_path, 0)
    priority.lower_priority(5, group)
    assert proc.value == 5  # from 3 to 5, not 3 + 5


def test_not_a_session_leader_keeps_the_group(fake, tmp_path) -> None:
    """Started from a shell, its session group may hold other programs: only the process moves."""
    proc, group = fake(leader=False), _group(tmp_path, 0)
    said = priority.lower_priority(10, group)
    assert proc.value == 10 and group.read_text().endswith("nice 0\n") and "未调整" in said


def test_no_autogroup(fake, tmp_path) -> None:
    proc = fake()
    said = priority.lower_priority(10, tmp_path / "absent")
    assert proc.value == 10 and "FileNotFoundError" in said


def test_setting_bounds(monkeypatch) -> None:
    monkeypatch.setenv("DASHBOARD_WEB_NICE", "20")
    with pytest.raises(SettingsError):
        load_settings()
    monkeypatch.setenv("DASHBOARD_WEB_NICE", "7")
    assert load_settings()["WEB_NICE"] == 7
    monkeypatch.delenv("DASHBOARD_WEB_NICE")
    assert load_settings()["WEB_NICE"] == 5


@pytest.mark.skipif(not Path("/proc/self/autogroup").exists(), reason="no Linux autogroup")
def test_a_real_session_leader(tmp_path) -> None:
    """In a process of its own session (as gunicorn under systemd): nice and autogroup both set."""
    code = ("import os; from pathlib import Path; from dashboard.priority import lower_priority;"
            "print(lower_priority(7)); print(os.nice(0)); print(Path('/proc/self/autogroup').read_text())")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True, start_new_session=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    said, nice, group = out.stdout.splitlines()[:3]
    assert int(nice) >= 7 and int(group.split("nice")[1]) >= 7, out.stdout
