"""The web processes' CPU priority: below the snapshot build's (issue #21).

Production runs the refresher as its own process (`python -m dashboard scheduler`). When the
cores are busy, the kernel shares them between whatever is runnable, so 200 polling walls and
a room of desk users (gunicorn workers) took the build's share and it ran several times longer.
gunicorn's master lowers its own priority before it forks the workers
(`DASHBOARD_WEB_NICE`, default 5; config/gunicorn.conf.py): the workers then run below the
scheduler (nice 0), so a busy web side yields the cores to the build, and the web still gets
every cycle the build does not want (nice only orders runnable processes, it reserves nothing).
`python -m dashboard run` (web and refresher in one process) is left as it is.

Linux groups the processes of each session (autogroup: a service, a `setsid` start and a login
shell each make one), and the kernel shares the cores between those groups first, whatever the
nice value of the processes inside. (Where the service manager puts each service in a cgroup of
its own with the CPU controller on, as systemd with CPU accounting does, the cgroups' weights
decide instead: give gunicorn's unit a lower `CPUWeight=`, docs/install.md.) So when the master leads its session (a service, a `setsid` start) it
also lowers its session's group (`/proc/self/autogroup`), which holds only gunicorn; when it
does not (started from a shell), its group may hold other programs of that shell, and only the
processes themselves are lowered. Raising a priority back needs privileges: this only lowers.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

AUTOGROUP = Path("/proc/self/autogroup")

log = logging.getLogger(__name__)


def lower_priority(nice: int, autogroup: Path = AUTOGROUP) -> str:
    """Run this process (and the children it forks later) at `nice` at least, and its session's
    autogroup as well when it leads the session; never raises a priority (a restarted master
    that inherited the value keeps it). Returns what it did, for the log."""
    if nice <= 0:
        return "网页进程优先级未调整（DASHBOARD_WEB_NICE=0）"
    current = os.nice(0)
    if current < nice:
        current = os.nice(nice - current)
    done = f"网页进程 nice {current}"
    if os.getsid(0) != os.getpid():
        return done + "（不是会话首进程：会话组未调整）"
    try:
        group = int(autogroup.read_text().split("nice")[1])
        if group < nice:
            autogroup.write_text(str(nice))
            group = nice
    except (OSError, IndexError, ValueError) as exc:  # autogroup disabled, not Linux
        return done + f"（会话组未调整：{type(exc).__name__}）"
    return done + f"，会话组 nice {group}"
