"""Demo 督办: a realistic handful of orders issued by the demo 指挥中心 over the last four weeks on
the demo court's real overdue, due-soon and late-finished nodes (and one case, officer and team),
moved along through db.supervision.orders (issue → 反馈 → 退回/办结, sweeps for 逾期) in time order, so
every step of the audit trail is a real one. Deterministic: a seeded rng over sorted candidates.

Only supervision_orders / supervision_steps are written, so no indicator figure changes.
"""
from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.demo import supervision_text as words
from db.demo.org import COURT_CODE
from db.demo.special import CAMPAIGN_NAME
from db.models import Campaign, Case, Court, SupervisionOrder, User
from db.nodes.builders import NodeFilter
from db.nodes.rules import RuleSet, load_rules
from db.nodes.sql import node_rows
from db.supervision import orders as sv

SEED = 20261101
WINDOW_DAYS = 28  # orders are issued within the last four weeks
ONE = dt.timedelta(days=1)


@dataclass
class Story:
    """One order: its target, texts, due date and its steps (court-local time, operation, note, actor)."""

    target: dict[str, Any]
    subject: str
    reason: str
    due_on: dt.date
    steps: list[tuple[dt.datetime, str, str, int]] = field(default_factory=list)


@dataclass
class Cast:
    """Who acts: the demo users' ids and what the lead and officer users are bound to."""

    center: int
    lead: int | None = None
    lead_team: int | None = None
    officer: int | None = None
    officer_id: int | None = None

    def holder(self, team_id: int | None, officer_id: int | None) -> int:
        """The demo user who holds this team/officer's work, else the command center."""
        if self.officer is not None and officer_id is not None and officer_id == self.officer_id:
            return self.officer
        if self.lead is not None and team_id is not None and team_id == self.lead_team:
            return self.lead
        return self.center


def demo_today(session: Session) -> dt.date | None:
    """The demo data's “today”: the newest 立案 or 结案 date (seed-demo --today shifts it)."""
    found = [d for d in session.execute(select(func.max(Case.filed_on), func.max(Case.closed_on))).one() if d]
    return max(found) if found else None


def _is_demo_court(session: Session) -> bool:
    court = session.scalar(select(Court.id).where(Court.code == COURT_CODE))
    campaign = session.scalar(select(Campaign.id).where(Campaign.name == CAMPAIGN_NAME))
    return court is not None and campaign is not None


def _cast(session: Session, usernames: dict[str, str]) -> Cast | None:
    users = {u.role: u for u in session.scalars(select(User).where(User.username.in_(list(usernames.values()))))
             if usernames.get(u.role) == u.username}
    if "center" not in users:
        return None
    lead, officer = users.get("lead"), users.get("officer")
    return Cast(center=users["center"].id, lead=lead.id if lead else None,
                lead_team=lead.team_id if lead else None, officer=officer.id if officer else None,
                officer_id=officer.officer_id if officer else None)


def seed_demo_supervision(session: Session, usernames: dict[str, str], *, today: dt.date | None = None,
                          rules: RuleSet | None = None, seed: int = SEED) -> dict[str, int]:
    """Issue the demo 督办 once (no-op unless this is the demo court without any order yet).

    `usernames` maps role → demo username (center, lead, officer); returns orders by status."""
    if session.scalar(select(func.count()).select_from(SupervisionOrder)) or not _is_demo_court(session):
        return {}
    cast = _cast(session, usernames)
    today = today or demo_today(session)
    if cast is None or today is None:
        return {}
    rules = rules or load_rules()
    stories = _Planner(session, rules, today, cast, random.Random(seed)).plan()
    _play(session, stories, today, rules.utc_offset_minutes)
    return sv.status_counts(session, today)


class _Planner:
    """Picks targets from the node rows as of `today` and writes each order's story."""

    def __init__(self, session: Session, rules: RuleSet, today: dt.date, cast: Cast, rng: random.Random):
        self.today, self.cast, self.rng = today, cast, rng
        self.names = {rule.key: rule.name for rule in rules.nodes}
        self.first = today - dt.timedelta(days=WINDOW_DAYS)
        rows = node_rows(session, rules, today, NodeFilter(active_since=self.first - dt.timedelta(days=60)))
        stmt = (select(rows).where(rows.c.status.in_(("overdue", "due_soon", "done_late")))
                .order_by(rows.c.case_id, rows.c.node, rows.c.item_id))
        self.rows = [r for r in session.execute(stmt)
                     if r.status != "done_late" or self.first < r.done_on < today - ONE]
        self.used: set[int] = set()

    # ---- picking -------------------------------------------------------------------------
    def _pick(self, ok: Callable[[Any], bool], prefer: Callable[[Any], bool] | None = None) -> Any | None:
        """A random unused case's row that is `ok`, a `prefer`red one if any; nodes that fell due in
        the last four months first (a measure lapsed years ago makes a poor example)."""
        found = [r for r in self.rows if r.case_id not in self.used and ok(r)]
        recent = [r for r in found if r.deadline >= self.today - dt.timedelta(days=120)]
        found = recent or found
        if prefer is not None and any(prefer(r) for r in found):
            found = [r for r in found if prefer(r)]
        if not found:
            return None
        row = self.rng.choice(found)
        self.used.add(row.case_id)
        return row

    def _mine(self, r: Any) -> bool:
        return r.officer_id is not None and r.officer_id == self.cast.officer_id

    def _my_team(self, r: Any) -> bool:
        return r.team_id is not None and r.team_id == self.cast.lead_team

    # ---- times ---------------------------------------------------------------------------
    def _workday(self, day: dt.date, lo: dt.date, hi: dt.date) -> dt.date:
        """`day`, or the nearest weekday within [lo, hi] (the center issues on working days)."""
        for shift in (0, -1, 1, -2, 2, -3, 3):
            d = day + dt.timedelta(days=shift)
            if lo <= d <= hi and d.weekday() < 5:
                return d
        return min(max(day, lo), hi)

    def _at(self, day: dt.date, start_h: int, end_h: int) -> dt.datetime:
        minutes = self.rng.randrange(start_h * 60, end_h * 60)
        return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)

    # ---- stories -------------------------------------------------------------------------
    def _node_story(self, r: Any, issue_day: dt.date, due_on: dt.date) -> Story:
        late, name = (issue_day - r.deadline).days, self.names.get(r.node, r.node)
        reason = (f"节点管控：{name}，期限 {r.deadline}，下发时已超期 {late} 天" if late > 0
                  else f"节点管控：{name}，期限 {r.deadline}，下发时距期限 {-late} 天")
        text = words.NODE_WORDS.get(r.node, words.FALLBACK)
        story = Story({"target_kind": "node", "case_id": r.case_id, "node_key": r.node}, text.subject,
                      reason, due_on)
        story.steps.append((self._at(issue_day, 8, 11), "issue", reason, self.cast.center))
        return story

    def _answer(self, story: Story, day: dt.date, note: str, r: Any) -> None:
        story.steps.append((self._at(day, 14, 17), "answer", note, self.cast.holder(r.team_id, r.officer_id)))

    def _center(self, story: Story, day: dt.date, op: str, note: str) -> None:
        """The command center acts on `day`, or on the next working day when that is not later than yesterday."""
        day = self._workday(day, day, max(day, self.today - ONE)) if day.weekday() >= 5 else day
        story.steps.append((self._at(day, 9, 11), op, note, self.cast.center))

    def on_time(self, prefer: Callable[[Any], bool] | None, sent_back: bool = False) -> Story | None:
        need = 4 if sent_back else 2
        r = self._pick(lambda r: r.status == "done_late"
                       and (r.done_on - max(r.deadline + ONE, self.first)).days >= need, prefer)
        if r is None:
            return None
        lo, done = max(r.deadline + ONE, self.first), r.done_on
        issue_day = self._workday(done - dt.timedelta(days=self.rng.randint(need, need + 4)), lo, done - dt.timedelta(days=need))
        story = self._node_story(r, issue_day, max(issue_day + dt.timedelta(days=7), done))
        text = words.NODE_WORDS.get(r.node, words.FALLBACK)
        if sent_back:
            self._answer(story, issue_day + ONE, text.progress, r)
            self._center(story, issue_day + 2 * ONE, "send_back", words.SEND_BACK)
        self._answer(story, done, text.done, r)
        self._center(story, done + ONE, "close", self.rng.choice(words.CLOSE_ON_TIME))
        return story

    def late(self) -> Story | None:
        r = self._pick(lambda r: r.status == "done_late" and (r.done_on - max(r.deadline + ONE, self.first)).days >= 6)
        if r is None:
            return None
        lo, done = max(r.deadline + ONE, self.first), r.done_on
        issue_day = self._workday(max(lo, done - dt.timedelta(days=self.rng.randint(6, 14))), lo, done - 6 * ONE)
        story = self._node_story(r, issue_day, issue_day + 3 * ONE)
        self._answer(story, done, words.NODE_WORDS.get(r.node, words.FALLBACK).done, r)
        self._center(story, done + ONE, "close", words.CLOSE_LATE)
        return story

    def answered(self, prefer: Callable[[Any], bool] | None) -> Story | None:
        r = self._pick(lambda r: r.status == "overdue" and r.deadline <= self.today - 5 * ONE, prefer)
        if r is None:
            return None
        issue_day = self._workday(self.today - dt.timedelta(days=self.rng.randint(3, 6)),
                                  max(r.deadline + ONE, self.first), self.today - 3 * ONE)
        story = self._node_story(r, issue_day, issue_day + 7 * ONE)
        answer_day = min(issue_day + dt.timedelta(days=self.rng.randint(1, 2)), self.today - ONE)
        self._answer(story, answer_day, words.NODE_WORDS.get(r.node, words.FALLBACK).progress, r)
        return story

    def overdue(self) -> Story | None:
        r = self._pick(lambda r: r.status == "overdue" and r.deadline <= self.today - 10 * ONE)
        if r is None:
            return None
        issue_day = self._workday(self.today - dt.timedelta(days=self.rng.randint(8, 14)),
                                  max(r.deadline + ONE, self.first), self.today - 8 * ONE)
        return self._node_story(r, issue_day, issue_day + 5 * ONE)

    def issued(self, status: str) -> Story | None:
        """Issued in the last few days on a due-soon or overdue node, not yet due."""
        r = self._pick(lambda r: r.status == status and (status != "overdue" or r.deadline <= self.today - 5 * ONE))
        if r is None:
            return None
        issue_day = self._workday(self.today - dt.timedelta(days=self.rng.randint(1, 2)),
                                  self.today - 4 * ONE, self.today - ONE)
        return self._node_story(r, issue_day, issue_day + 7 * ONE)

    def case_order(self) -> Story | None:
        """A case past its 执行期限: 反馈, 退回重办, so it is open again with its history."""
        r = self._pick(lambda r: r.status == "overdue" and r.node == "term" and r.deadline <= self.today - 11 * ONE)
        if r is None:
            return None
        issue_day = self._workday(self.today - 10 * ONE, self.first, self.today - 8 * ONE)
        story = Story({"target_kind": "case", "case_id": r.case_id}, words.CASE_SUBJECT,
                      f"执行期限 {r.deadline} 届满，至今未结", issue_day + 14 * ONE)
        story.steps.append((self._at(issue_day, 8, 11), "issue", story.reason, self.cast.center))
        self._answer(story, issue_day + 3 * ONE, words.CASE_ANSWER, r)
        self._center(story, issue_day + 4 * ONE, "send_back", "请列明财产处置的时间表后重新反馈")
        return story

    def officer_order(self) -> Story | None:
        """The officer with the most overdue nodes: 反馈 in time, 办结."""
        counts = Counter((r.officer_id, r.team_id) for r in self.rows if r.status == "overdue" and r.officer_id)
        if not counts:
            return None
        (officer_id, team_id), n = max(counts.items(), key=lambda kv: (kv[1], -kv[0][0]))
        issue_day = self._workday(self.today - 12 * ONE, self.first, self.today - 9 * ONE)
        story = Story({"target_kind": "officer", "officer_id": officer_id}, words.OFFICER_SUBJECT,
                      f"名下 {n} 个节点超期未完成", issue_day + 7 * ONE)
        story.steps.append((self._at(issue_day, 8, 11), "issue", story.reason, self.cast.center))
        story.steps.append((self._at(issue_day + 5 * ONE, 14, 17), "answer", words.OFFICER_ANSWER,
                            self.cast.holder(team_id, officer_id)))
        self._center(story, issue_day + 6 * ONE, "close", words.CLOSE_ON_TIME[0])
        return story

    def team_order(self) -> Story | None:
        """The team with the most 续封 due soon: just issued."""
        counts = Counter(r.team_id for r in self.rows if r.status == "due_soon" and r.node == "renewal" and r.team_id)
        if not counts:
            return None
        team_id, n = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))
        issue_day = self._workday(self.today - 3 * ONE, self.first, self.today - ONE)
        story = Story({"target_kind": "team", "team_id": team_id}, words.TEAM_SUBJECT,
                      f"本团队 {n} 项查封冻结在 30 日内到期", issue_day + 7 * ONE)
        story.steps.append((self._at(issue_day, 8, 11), "issue", story.reason, self.cast.center))
        return story

    def plan(self) -> list[Story]:
        """18 orders: 4 closed on time (one sent back once), 2 closed late, 3 answered, 3 overdue,
        3 just issued, and a case (sent back), an officer (closed) and a team (issued) order."""
        made = [
            self.on_time(self._mine), self.on_time(self._my_team, sent_back=True), self.on_time(None),
            self.on_time(None), self.late(), self.late(),
            self.answered(self._mine), self.answered(self._my_team), self.answered(None),
            self.overdue(), self.overdue(), self.overdue(),
            self.issued("due_soon"), self.issued("due_soon"), self.issued("overdue"),
            self.case_order(), self.officer_order(), self.team_order(),
        ]
        return [s for s in made if s is not None]


def _play(session: Session, stories: list[Story], today: dt.date, offset_minutes: int) -> None:
    """Run every step in time order, with the daily 逾期 sweep just after each due date passes."""
    offset = dt.timedelta(minutes=offset_minutes)
    events: list[tuple[dt.datetime, int, int, str, str, int]] = []
    for i, story in enumerate(stories):
        events += [(at, 1, i, op, note, actor) for at, op, note, actor in story.steps]
        if story.due_on + ONE <= today:  # the refresher's sweep early on the day after the due date
            events.append((dt.datetime.combine(story.due_on + ONE, dt.time(0, 5)), 0, i, "sweep", "", 0))
    ids: dict[int, int] = {}
    for at, _, i, op, note, actor in sorted(events, key=lambda e: (e[0], e[1], e[2])):
        now = at - offset  # stored as naive UTC
        if op == "sweep":
            sv.sweep_overdue(session, at.date(), now=now)
        elif op == "issue":
            story = stories[i]
            ids[i] = sv.issue(session, subject=story.subject, reason=note, due_on=story.due_on, actor_id=actor,
                              now=now, today=at.date(), offset_minutes=offset_minutes, **story.target)
        else:
            sv.apply(session, ids[i], op, note=note, actor_id=actor, now=now)
