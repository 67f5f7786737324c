"""The snapshot build's time quiet and under load: `bench/load.py --build-ratio R` (issue #21).

Runs R rounds on the deployment bench/load.py started (gunicorn + `python -m dashboard
scheduler`); each round is a quiet phase and a loaded phase, one after the other, so both see
the same background on a shared machine:

- quiet: `--builds K` full builds with no clients;
- loaded: the same while N `wall` clients (bench/load.py's model: open the wall, poll every
  --poll s, fetch the frame and the screens on a new version) and `--desk D` desk users run.
  A desk user signs in with a password (/login, as a browser) and, with a think time of
  0.5–1.5 × `--think` s between loads, opens desk pages over HTTP as the browser does: the page
  router callback, then every callback the page's URL store starts (its data callback and the
  ones beside it). Pages: 会商分析 (/analysis, court or a team, a preset period or a custom
  one), 团队工作台 (/team/<id>), 承办人 (/officer/<id>) and 案件清单 (/cases, an indicator's
  cases of a team over a custom period); centre and leader users pick any team, team leads
  their own team, officers their own page. Custom periods and case lists are not in the
  snapshot: they query the database (memoized per data version and parameters), as real desk
  use does.

A full build is triggered as `python -m dashboard rebuild` does it (db.snapshot.changes.
request_full: a change row the scheduler's next tick reads as "everything"), with the data
version bumped in the same transaction (as an import does: the desk pages' memoized queries are
void, so the desk users' next pages read the database), so the scheduler process builds it
exactly as in production. Its time is the refresher's own `duration_ms`; "publish" is from the
refresher marking "computing" until the new version is visible (the wall's prerender and the
prewarm of recently opened desk views included).

Where the time goes, per build (between the refresher marking "computing" and the new
version): CPU seconds and run-queue wait (s runnable but not running, /proc/<pid>/schedstat) of
the scheduler process, of its PostgreSQL backends (application_name `bench-scheduler`), of the
web workers and their backends (`bench-web`), the other PostgreSQL processes, this bench
process (the clients) and everything else on the machine; and the share of samples (every
0.2 s, pg_stat_activity) in which the build's backend ran a statement (on CPU or runnable),
waited for the scheduler's Python (ClientRead) or waited on a lock or I/O.
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import random
import re
import statistics
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text

SCHEDULER_APP, WEB_APP = "bench-scheduler", "bench-web"
DESK_PASSWORD = "Bench#Desk-2026-" + os.urandom(6).hex()
VERSION = "shell-snapshot-version"


# -- CPU and run-queue accounting ------------------------------------------------------------
Tasks = dict[int, tuple[int, int, int]]  # thread id -> (process id, CPU ns, run-queue wait ns)


def _tasks(pids: Any) -> Tasks:
    """Every thread of `pids` with its CPU and run-queue wait so far (/proc/<tid>/schedstat)."""
    out: Tasks = {}
    for pid in pids:
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                fields = (task / "schedstat").read_text().split()
            except OSError:
                continue
            out[int(task.name)] = (pid, int(fields[0]), int(fields[1]))
    return out


def _busy_jiffies() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs so far (/proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields[:8]) - idle, sum(fields[:8])


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command name) of every process."""
    out: dict[int, tuple[int, str]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
        except OSError:
            continue
        name = raw[raw.find("(") + 1:raw.rfind(")")]
        fields = raw.rsplit(")", 1)[1].split()
        out[int(stat.parent.name)] = (int(fields[1]), name)
    return out


def _family(roots: list[int], procs: dict[int, tuple[int, str]]) -> set[int]:
    family, grew = set(roots), True
    while grew:
        more = {p for p, (parent, _) in procs.items() if parent in family} - family
        family |= more
        grew = bool(more)
    return family


GROUPS = ("sched", "sched-db", "web", "web-db", "other-pg", "bench", "rest")


@dataclass
class Attribution:
    """CPU and run-queue wait per group of processes over one build, plus backend states."""

    cpu: dict[str, float] = field(default_factory=dict)
    wait: dict[str, float] = field(default_factory=dict)
    states: Counter[str] = field(default_factory=Counter)
    busy: float = 0.0  # share of all CPUs busy over the build (/proc/stat)

    def line(self) -> str:
        parts = [f"{g} {self.cpu.get(g, 0):.1f}/{self.wait.get(g, 0):.1f}" for g in GROUPS]
        total = sum(self.states.values()) or 1
        states = ", ".join(f"{k} {100 * v / total:.0f}%" for k, v in self.states.most_common(4))
        return (f"CPUs busy {100 * self.busy:.0f}% | cpu/runq-wait s: " + "; ".join(parts)
                + f" | build backend: {states}")


class Accounting:
    """Samples pg_stat_activity while a build runs; schedstat deltas per group at the end."""

    def __init__(self, url: str, dep: dict[str, Any]) -> None:
        self.url, self.dep = url, dep
        self.engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
        self.stop = threading.Event()
        self.pids: dict[int, str] = {}  # backend pid -> application_name
        self.states: Counter[str] = Counter()
        self.start: Tasks = {}
        self.seen: Tasks = {}
        self.jiffies = (0, 0)
        self.thread: threading.Thread | None = None

    def begin(self) -> None:
        self.stop.clear()
        self.states = Counter()
        self.start = _tasks(_processes())
        self.jiffies = _busy_jiffies()
        self.seen: Tasks = {}
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        query = text("SELECT pid, application_name, state, wait_event_type, wait_event "
                     "FROM pg_stat_activity WHERE datname = current_database()")
        # the build's thread ends soon after it publishes: keep its last figures
        sched = _family([self.dep["pids"][1]], _processes())
        with self.engine.connect() as conn:
            while not self.stop.wait(0.2):
                self.seen.update(_tasks(sched))
                for pid, app, state, kind, event in conn.execute(query):
                    if app in (SCHEDULER_APP, WEB_APP):
                        self.pids[pid] = app
                    if app == SCHEDULER_APP and state != "idle":
                        if state == "active":
                            label = f"{kind}:{event}" if kind else "running SQL"
                        else:  # idle in transaction: the scheduler's Python has the turn
                            label = "Python's turn"
                        self.states[label] += 1

    def end(self) -> Attribution:
        self.stop.set()
        if self.thread is not None:
            self.thread.join()
        procs = _processes()
        last = {**self.seen, **_tasks(procs)}
        sched = _family([self.dep["pids"][1]], procs)
        web = _family([self.dep["pids"][0]], procs)
        me = os.getpid()
        busy, total = _busy_jiffies()
        out = Attribution(states=self.states, busy=(busy - self.jiffies[0])
                          / max(1, total - self.jiffies[1]))
        for tid, (pid, cpu1, wait1) in last.items():
            _, cpu0, wait0 = self.start.get(tid, (pid, 0, 0))
            if pid in sched:
                group = "sched"
            elif pid in web:
                group = "web"
            elif self.pids.get(pid) == SCHEDULER_APP:
                group = "sched-db"
            elif self.pids.get(pid) == WEB_APP:
                group = "web-db"
            elif procs.get(pid, (0, ""))[1].startswith("postgres"):
                group = "other-pg"
            elif pid == me:
                group = "bench"
            else:
                group = "rest"
            out.cpu[group] = out.cpu.get(group, 0) + (cpu1 - cpu0) / 1e9
            out.wait[group] = out.wait.get(group, 0) + (wait1 - wait0) / 1e9
        return out

    def close(self) -> None:
        self.engine.dispose()


# -- triggering and timing one build ---------------------------------------------------------
def _cache(prefix: str) -> Any:
    import redis
    from cachelib import RedisCache

    from bench.load import REDIS_URL

    return RedisCache(host=redis.Redis.from_url(REDIS_URL), key_prefix=prefix)


@dataclass
class Build:
    phase: str
    ms: int
    version: int
    load: float
    publish_s: float  # from "computing" to the new version visible (prerender/prewarm included)
    attribution: Attribution
    timing: dict[str, int]  # the snapshot's own `timing` (db/snapshot/refresh.py)


def full_build(url: str, dep: dict[str, Any], accounting: Accounting, phase: str,
               timeout: float = 1800) -> Build:
    """Ask for a full build as `python -m dashboard rebuild` does, with a data change (so the desk
    pages read the database again, as after an import); wait for its version."""
    from db.session import (
        bump_data_version,
        make_engine,
        make_session_factory,
        session_scope,
    )
    from db.snapshot.changes import request_full
    from db.snapshot.store import read_snapshot, read_state

    cache = _cache(dep["prefix"])
    before = read_state(cache)
    assert before is not None and before.version is not None
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        request_full(session)
        bump_data_version(session)  # as a data change does: the desk pages' memos are void
    engine.dispose()
    deadline = time.monotonic() + timeout
    started, began = False, 0.0
    while time.monotonic() < deadline:
        state = read_state(cache)
        if state is not None and not started and (
                (state.computing_since and state.computing_since != before.computing_since)
                or (state.version or 0) > before.version):
            accounting.begin()
            started, began = True, time.monotonic()
        if state is not None and (state.version or 0) > before.version:
            if not started:
                accounting.begin()
                began = time.monotonic()
            publish_s = time.monotonic() - began
            attribution = accounting.end()
            snapshot = read_snapshot(cache, int(state.version or 0)) or {}
            return Build(phase, int(state.duration_ms or 0), int(state.version or 0),
                         os.getloadavg()[0], publish_s, attribution, snapshot.get("timing") or {})
        time.sleep(0.05)
    raise SystemExit(f"no new snapshot within {timeout:.0f} s (see the scheduler's log)")


# -- desk users ------------------------------------------------------------------------------
@dataclass(frozen=True)
class DeskUser:
    username: str
    role: str
    team_id: int | None = None
    officer_id: int | None = None


def make_desk_users(url: str, count: int) -> tuple[list[DeskUser], list[int], dict[int, int]]:
    """`count` users cycling center, leader, lead (of the busiest teams), officer (judges of
    those teams); the court's team ids; officer id -> team id of the judges used."""
    from db.auth.users import create_user
    from db.models import Case, Officer, User
    from db.session import make_engine, make_session_factory, session_scope

    engine = make_engine(url)
    users: list[DeskUser] = []
    with session_scope(make_session_factory(engine)) as session:
        teams = list(session.scalars(select(Case.team_id).where(Case.team_id.is_not(None))
                                     .group_by(Case.team_id).order_by(func.count().desc())))
        judges = {o.id: o.team_id for o in session.scalars(
            select(Officer).where(Officer.role == "judge", Officer.active,
                                  Officer.team_id.in_(teams)).order_by(Officer.id))}
        judge_ids = list(judges)
        tag = os.urandom(3).hex()
        for i in range(count):
            role = ("center", "leader", "lead", "officer")[i % 4]
            team = teams[(i // 4) % len(teams)] if role == "lead" else None
            officer = judge_ids[(i // 4) % len(judge_ids)] if role == "officer" else None
            name = f"bench-{tag}-{i}"
            create_user(session, name, DESK_PASSWORD, role, display_name=f"基准{i}",
                        team_id=team, officer_id=officer)
            users.append(DeskUser(name, role, team, officer))
        session.flush()
        assert session.scalar(select(func.count()).select_from(User)
                              .where(User.username.like(f"bench-{tag}-%"))) == count
    engine.dispose()
    return users, teams, judges


def _period(rng: random.Random, today: dt.date) -> dict[str, str]:
    """A custom period: a random start in the last two years, 1–12 months long."""
    start = today - dt.timedelta(days=rng.randrange(30, 730))
    end = min(today, start + dt.timedelta(days=rng.randrange(28, 366)))
    return {"preset": "custom", "start": start.isoformat(), "end": end.isoformat()}


def desk_page(user: DeskUser, teams: list[int], rng: random.Random,
              today: dt.date) -> tuple[str, dict[str, str]]:
    """The next page this user opens: (path, URL query)."""
    preset = {"preset": rng.choice(("ytd", "month", "quarter", "last_year"))}
    period = _period(rng, today) if rng.random() < 0.4 else preset
    if user.role == "officer":
        if rng.random() < 0.5:
            return f"/officer/{user.officer_id}", period
        return "/cases", {"indicator": "closed", "part": "numerator", "scope": "officer",
                          "id": str(user.officer_id), **_period(rng, today)}
    team = user.team_id if user.team_id is not None else rng.choice(teams)
    kind = rng.choice(("analysis", "analysis-team", "team", "cases"))
    if kind == "analysis" and user.role != "lead":
        return "/analysis", period
    if kind in ("analysis", "analysis-team"):
        return "/analysis", {"team": str(team), **period}
    if kind == "team":
        return f"/team/{team}", period
    return "/cases", {"indicator": rng.choice(("closed", "accepted")), "part": "numerator",
                      "scope": "team", "id": str(team), **_period(rng, today)}


def _find_store(tree: Any, wanted: str) -> tuple[bool, Any]:
    """(found, data) of the dcc.Store with id `wanted` in a Dash layout (JSON)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and props.get("id") == wanted:
                return True, props.get("data")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False, None


class DeskClient:
    """One desk user's browser tab: signed in once, then page after page."""

    def __init__(self, port: int, deps: list[dict[str, Any]], user: DeskUser) -> None:
        from bench.load import DashClient

        self.client = DashClient(port, deps)
        self.user, self.port, self.deps = user, port, deps

    def sign_in(self) -> None:
        status, body = self.client.request("GET", "/login")
        found = re.search(rb'name="csrf_token" value="([^"]+)"', body)
        if status != 200 or not found:
            raise RuntimeError(f"GET /login: HTTP {status}, no form token")
        form = urllib.parse.urlencode({"csrf_token": html.unescape(found.group(1).decode()),
                                       "username": self.user.username,
                                       "password": DESK_PASSWORD})
        conn = self.client.conn
        conn.request("POST", "/login", body=form, headers={
            "Cookie": self.client.cookie, "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://127.0.0.1:{self.port}"})
        reply = conn.getresponse()
        reply.read()
        self.client._keep_cookie(reply.getheader("Set-Cookie"))
        if reply.status not in (302, 303):
            raise RuntimeError(f"POST /login as {self.user.username}: HTTP {reply.status}")

    def _post(self, dep: dict[str, Any], values: dict[str, Any]) -> None:
        outs = [dict(zip(("id", "property"), o.rsplit(".", 1), strict=True))
                for o in dep["output"].strip(".").split("...")]
        body = {"output": dep["output"],
                "outputs": outs if dep["output"].startswith("..") else outs[0],
                "inputs": [dict(i, value=values.get(f"{i['id']}.{i['property']}"))
                           for i in dep["inputs"]],
                "state": [dict(s, value=None) for s in dep["state"]],
                "changedPropIds": [f"{i['id']}.{i['property']}" for i in dep["inputs"]][:1]}
        status, data = self.client.request("POST", "/_dash-update-component", body)
        if status not in (200, 204):
            raise RuntimeError(f"callback {dep['output'][:40]}: HTTP {status} {data[:120]!r}")

    def open(self, path: str, query: dict[str, str], version: Any) -> None:
        """The page's requests as the browser sends them once its layout arrived."""
        search = "?" + urllib.parse.urlencode(query) if query else ""
        router = next(d for d in self.deps if d["output"].lstrip(".").startswith("_pages_content"))
        body = {"output": router["output"],
                "outputs": [dict(zip(("id", "property"), o.rsplit(".", 1), strict=True))
                            for o in router["output"].strip(".").split("...")],
                "inputs": [dict(i, value={"pathname": path, "search": search}.get(i["property"]))
                           for i in router["inputs"]],
                "state": [dict(s, value=None) for s in router["state"]],
                "changedPropIds": ["_pages_location.pathname"]}
        status, data = self.client.request("POST", "/_dash-update-component", body)
        if status != 200:
            raise RuntimeError(f"router {path}: HTTP {status} {data[:120]!r}")
        store = path.strip("/").split("/")[0] + "-query"
        found, value = _find_store(json.loads(data), store)
        if not found:
            raise RuntimeError(f"{path}: no {store} in the layout")
        values = {f"{store}.data": value, f"{VERSION}.data": version}
        for dep in self.deps:
            ids = {i["id"] for i in dep["inputs"]}
            if (store in ids and ids <= {store, VERSION} and not dep.get("prevent_initial_call")
                    and "{" not in dep["output"]):
                self._post(dep, values)


# -- the rounds ------------------------------------------------------------------------------
def _renewing(client: Any, action: Callable[[], Any]) -> Callable[[], Any]:
    """`action`, closing the client's connection when it fails (a timed-out request leaves the
    connection mid-request: the next one would fail at once), so the next request reconnects."""
    def run() -> Any:
        try:
            return action()
        except Exception:
            client.conn.close()
            raise
    return run


def _wall_loop(client: Any, poll: float, stop: threading.Event, out: dict[str, list]) -> None:
    from bench.load import _timed

    if stop.wait(random.uniform(0, poll)):
        return
    _timed(out, "render", _renewing(client, client.render_wall))
    n = 1
    while not stop.wait(poll):
        before = client.shown
        if _timed(out, "poll", _renewing(client, lambda n=n: client.poll(n))):
            _timed(out, "update", _renewing(client, lambda before=before: client.update(before)))
        n += 1


def _desk_loop(desk: DeskClient, teams: list[int], think: float, seed: int,
               version: Callable[[], Any], stop: threading.Event, out: dict[str, list]) -> None:
    from bench.load import _timed

    rng = random.Random(seed)
    today = dt.date.today()
    if stop.wait(rng.uniform(0, think)):
        return
    while not stop.is_set():
        path, query = desk_page(desk.user, teams, rng, today)
        _timed(out, "desk", _renewing(desk.client, lambda p=path, q=query: desk.open(p, q, version())))
        if stop.wait(rng.uniform(0.5, 1.5) * think):
            return


class Load:
    """N wall clients and D desk users running until stopped."""

    def __init__(self, dep: dict[str, Any], deps: list, cookies: list[str],
                 desks: list[DeskClient], teams: list[int], args: argparse.Namespace,
                 walls: int) -> None:
        from bench.load import DashClient, _version

        self.stop = threading.Event()
        self.out: dict[str, list] = {"poll": [], "render": [], "update": [], "desk": [],
                                     "errors": []}
        port = dep["port"]
        current = [_version(port, cookies[0])]
        self.threads = [threading.Thread(target=_wall_loop, daemon=True, args=(
            DashClient(port, deps, cookies[i % len(cookies)]), args.poll, self.stop, self.out))
            for i in range(walls)]
        self.threads += [threading.Thread(target=_desk_loop, daemon=True, args=(
            desk, teams, args.think, i, lambda: current[0], self.stop, self.out))
            for i, desk in enumerate(desks)]
        self.versions = threading.Thread(target=self._follow, args=(port, cookies[0], current),
                                         daemon=True)
        self.threads.append(self.versions)

    def _follow(self, port: int, cookie: str, current: list[Any]) -> None:
        from bench.load import _version

        while not self.stop.wait(1.0):
            try:
                current[0] = _version(port, cookie) or current[0]
            except OSError:
                pass

    def __enter__(self) -> Load:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=120)


def _priority(pid: int | None) -> str:
    """"nice N / group M" of a process (its session's autogroup), "?" when unreadable."""
    try:
        nice = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16]
        group = Path(f"/proc/{pid}/autogroup").read_text().split("nice")[1].strip()
    except (OSError, IndexError):
        return "?"
    return f"{nice} / {group}"


def _postmaster() -> int | None:
    procs = _processes()
    return next((pid for pid, (parent, name) in procs.items()
                 if name == "postgres" and procs.get(parent, (0, ""))[1] != "postgres"), None)


def _fmt_s(ms: list[int]) -> str:
    return f"best {min(ms) / 1000:.1f} s, median {statistics.median(ms) / 1000:.1f} s"


def run(url: str, dep: dict[str, Any], deps: list, cookies: list[str],
        args: argparse.Namespace) -> None:
    """R rounds of (quiet, loaded) builds; prints every build and the ratio."""
    from bench.load import _pct

    walls = max(int(c) for c in args.clients.split(","))
    users, teams, _judges = make_desk_users(url, args.desk)
    desks = [DeskClient(dep["port"], deps, user) for user in users]
    for desk in desks:
        desk.sign_in()
    accounting = Accounting(url, dep)
    builds: list[Build] = []
    print(f"build ratio: {args.build_ratio} rounds × (quiet, loaded) × {args.builds} full "
          f"builds; loaded = {walls} wall clients (poll every {args.poll} s) + {len(desks)} "
          f"desk users (think {args.think} s ±50%); load average {os.getloadavg()[0]:.1f}",
          flush=True)
    print(f"priorities (nice / session autogroup nice): web {_priority(dep['pids'][0])}, "
          f"scheduler {_priority(dep['pids'][1])}, PostgreSQL {_priority(_postmaster())}",
          flush=True)
    print("phase   build s  publ s  load | the snapshot's timing (s) | cpu/runq-wait s per process "
          "group over the build | the build backend's states (pg_stat_activity samples)")
    try:
        for _ in range(args.build_ratio):
            for phase in ("quiet", "loaded"):
                if phase == "quiet":
                    for _k in range(args.builds):
                        builds.append(full_build(url, dep, accounting, phase))
                        print(_row(builds[-1]), flush=True)
                    continue
                with Load(dep, deps, cookies, desks, teams, args, walls) as load:
                    load.stop.wait(args.poll + 3)  # every wall opened, desk users started
                    for _k in range(args.builds):
                        builds.append(full_build(url, dep, accounting, phase))
                        print(_row(builds[-1]), flush=True)
                out = load.out
                print(f"        clients: poll p95 {_pct(out['poll'], .95):.0f} ms "
                      f"({len(out['poll'])}), update p95 {_pct(out['update'], .95):.0f} ms, "
                      f"desk page p50/p95 {_pct(out['desk'], .5):.0f}/"
                      f"{_pct(out['desk'], .95):.0f} ms ({len(out['desk'])}), "
                      f"errors {len(out['errors'])}"
                      + (f" (first: {out['errors'][0]})" if out["errors"] else ""), flush=True)
    finally:
        accounting.close()
    quiet = [b.ms for b in builds if b.phase == "quiet"]
    loaded = [b.ms for b in builds if b.phase == "loaded"]
    print(f"quiet:  {_fmt_s(quiet)} ({len(quiet)} builds)")
    print(f"loaded: {_fmt_s(loaded)} ({len(loaded)} builds)")
    print(f"ratio loaded/quiet: median {statistics.median(loaded) / statistics.median(quiet):.2f}"
          f", best {min(loaded) / min(quiet):.2f}; load average {os.getloadavg()[0]:.1f}",
          flush=True)


def _row(build: Build) -> str:
    t = {k: v / 1000 for k, v in build.timing.items()}
    return (f"{build.phase:<7} {build.ms / 1000:>6.1f} {build.publish_s:>6.1f} "
            f"{build.load:>5.1f} | "
            f"thread CPU {t.get('cpu_ms', 0):.1f}, core {t.get('core_ms', 0):.1f}, "
            f"nodes {t.get('nodes_ms', 0):.1f}, check {t.get('check_ms', 0):.1f}, other {t.get('other_ms', 0):.1f} | "
            f"{build.attribution.line()}")
