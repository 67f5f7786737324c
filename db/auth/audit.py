"""The append-only audit log: `record` adds a row, `search` reads; there is no update or delete.

Action keys are a registry with Chinese labels; `record` refuses an unknown key so the log never
holds a word the admin page cannot name. Another module may add its keys with `register_action`.
The caller owns the session (the entry commits with the change it describes).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.auth.access import Principal
from db.auth.login_throttle import take_burst
from db.models.auth import AuditEntry, utcnow
from db.models.users import User

BURST = 5  # anonymous failures written one by one per action and address per window …
BURST_WINDOW = dt.timedelta(minutes=10)  # … the rest are counted and summed up in one entry

ACTIONS: dict[str, str] = {
    "login_ok": "登录成功",
    "login_failed": "登录失败",
    "login_locked": "登录被锁定",
    "logout": "退出登录",
    "session_ended": "会话失效",
    "wall_signin": "大屏令牌登录",
    "export": "导出",
    "import": "导入",
    "case_view": "查看案件",
    "supervision_issue": "下发督办",
    "supervision_answer": "反馈督办",
    "supervision_close": "办结督办",
    "supervision_return": "退回督办",
    "supervision_remind": "催办",
    "rule_change": "规则修改",
    "user_change": "用户变更",
    "wall_token_issue": "签发大屏令牌",
    "wall_token_revoke": "吊销大屏令牌",
    "event_source_issue": "签发事件接口令牌",
    "event_source_revoke": "吊销事件接口令牌",
    "event_post": "上报现场事件",
    "denied": "越权访问被拒",
}
OUTCOMES: dict[str, str] = {"ok": "成功", "failed": "失败", "denied": "拒绝"}


def register_action(key: str, label: str) -> None:
    """Add an action key (another module's events); an existing key keeps its label."""
    if len(key) > 32:
        raise ValueError(f"审计动作键“{key}”过长（最多 32 个字符）")
    ACTIONS.setdefault(key, label)


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def record(session: Session, *, actor: Principal | None, action: str, target: str = "",
           detail: str = "", ip: str = "", outcome: str = "ok") -> None:
    """Append one entry (flushed, committed by the caller); `ip` defaults to where the actor's
    request came from (`Principal.extra["ip"]`, set at sign-in check)."""
    if action not in ACTIONS:
        raise ValueError(f"未知的审计动作“{action}”")
    if outcome not in OUTCOMES:
        raise ValueError(f"未知的审计结果“{outcome}”，应为 {'/'.join(OUTCOMES)}")
    session.add(AuditEntry(
        at=utcnow(),
        actor_id=actor.user_id if actor else None,
        actor=_clip(actor.username, 64) if actor else "",
        actor_role=actor.role if actor else "",
        action=action, target=_clip(target, 256), detail=detail,
        ip=_clip(ip or (actor.extra.get("ip", "") if actor else ""), 64), outcome=outcome,
    ))
    session.flush()


def record_anonymous_failure(session: Session, action: str, ip: str, *, target: str = "",
                             detail: str = "", outcome: str = "failed", now: dt.datetime | None = None,
                             burst: int = BURST, window: dt.timedelta = BURST_WINDOW) -> bool:
    """An anonymous failure (bad wall token, locked sign-in) without flooding the log: at most
    `burst` entries per action and address per `window`; further ones are only counted (one
    atomic UPDATE) and written as one summary entry when that address next fails after the
    window. Returns whether an entry for this failure was written."""
    now = now or utcnow()
    write, dropped = take_burst(session, f"{action}|{ip}", now, burst, window)
    if dropped is not None:
        since, count = dropped
        record(session, actor=None, action=action, ip=ip, outcome=outcome,
               detail=f"{since:%Y-%m-%d %H:%M} UTC 起 {int(window.total_seconds() // 60)} 分钟内"
                      f"另有 {count} 次同类失败未逐条记录（已合并）")
    if write:
        record(session, actor=None, action=action, target=target, detail=detail, ip=ip, outcome=outcome)
    return write


def _naive_utc(moment: dt.datetime | dt.date) -> dt.datetime:
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time())
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _row(entry: AuditEntry) -> dict:
    return {
        "id": entry.id, "at": entry.at, "actor_id": entry.actor_id, "actor": entry.actor,
        "actor_role": entry.actor_role, "action": entry.action,
        "action_label": ACTIONS.get(entry.action, entry.action), "target": entry.target,
        "detail": entry.detail, "ip": entry.ip, "outcome": entry.outcome,
        "outcome_label": OUTCOMES.get(entry.outcome, entry.outcome),
    }


def _filtered(query, *, actor: str | None = None, action: str | list[str] | None = None,
              since: dt.datetime | dt.date | None = None, until: dt.datetime | dt.date | None = None,
              text: str | None = None, outcome: str | None = None,
              court_ids: frozenset[int] | None = None):
    if court_ids is not None:  # an admin of a court: what its courts' users did
        users = select(User.id).where(User.court_id.in_(sorted(court_ids)))
        query = query.where(AuditEntry.actor_id.in_(users))
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        keys = [action] if isinstance(action, str) else list(action)
        query = query.where(AuditEntry.action.in_(keys))
    if outcome:
        query = query.where(AuditEntry.outcome == outcome)
    if since is not None:
        query = query.where(AuditEntry.at >= _naive_utc(since))
    if until is not None:
        query = query.where(AuditEntry.at < _naive_utc(until))
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(*(column.like(pattern, escape="\\") for column in (
            AuditEntry.actor, AuditEntry.target, AuditEntry.detail, AuditEntry.ip))))
    return query


def search(session: Session, *, limit: int = 500, offset: int = 0, **filters) -> list[dict]:
    """Entries newest first, `limit` of them from `offset` (a page). Filters: `actor`, `action`
    (a key or a list), `outcome`, `since` ≤ at < `until` (UTC; aware datetimes are converted, a
    date means its midnight UTC), `text` (a substring of actor, target, detail or ip), `court_ids`
    (an admin of a court: only entries of users of those courts)."""
    query = _filtered(select(AuditEntry), **filters)
    query = (query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
             .limit(max(1, int(limit))).offset(max(0, int(offset))))
    return [_row(entry) for entry in session.scalars(query)]


def count(session: Session, **filters) -> int:
    """How many entries `search` with these filters would page through."""
    return int(session.scalar(_filtered(select(func.count(AuditEntry.id)), **filters)) or 0)
