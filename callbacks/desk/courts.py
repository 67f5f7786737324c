"""Which court the desk pages show, and the 辖区 around it (the court hierarchy's desk side).

The court level of /analysis, /cases, /center, /triage, /campaigns and 会议模式 is the court chosen
with /court/<code> (`authz.current_court_id`), else the principal's own court, else the
installation's configured court (setting COURT_CODE, `db.snapshot.builder.pick_court`).
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlalchemy import select

from callbacks import authz
from callbacks.context import app_context
from callbacks.desk.data import with_session
from callbacks.desk.params import ParamError
from db.auth.access import may_see_court
from db.models import Team
from db.org.courts import CourtNode, ancestors, court_tree, descendants, roots
from db.snapshot.builder import pick_court

NO_COURT = "数据库中还没有法院数据，请先载入（python -m dashboard seed-demo）"


def tree() -> dict[int, CourtNode]:
    """Every court by id (memoized per data version)."""
    return with_session("court-tree", (), court_tree)


def configured_court_id() -> int | None:
    """The installation's court: COURT_CODE, else the first court (None: no court loaded)."""
    code = str(app_context().settings.get("COURT_CODE") or "")

    def run(session: Any) -> int | None:
        found = pick_court(session, code)
        return found.id if found is not None else None
    return with_session("configured-court", (code,), run)


def page_court_id(court_id: int | None = None) -> int:
    """The court a desk page shows: `court_id` (from the URL, after the scope check), else the
    selected court, else the configured one."""
    if court_id is not None:
        authz.require_court(court_id)
        if court_id not in tree():
            raise ParamError(f"法院编号 {court_id} 不存在")
        return court_id
    chosen = authz.current_court_id()
    if chosen is not None and chosen in tree():
        return chosen
    found = configured_court_id()
    if found is None:
        raise ParamError(NO_COURT)
    return found


def court_node(court_id: int | None = None) -> CourtNode:
    return tree()[page_court_id(court_id)]


def court_dict(node: CourtNode) -> dict[str, Any]:
    """What the screens use of a court (the shape db.queries.cases.court_info had)."""
    return {"id": node.id, "code": node.code, "name": node.name}


def court_name(court_id: int | None) -> str | None:
    node = tree().get(court_id) if court_id is not None else None
    return node.name if node else None


def team_ids_of(court_id: int) -> frozenset[int]:
    """Every team (active or not) of one court: the court level's team grid keeps only these."""
    return with_session("court-teams", (court_id,), lambda s: frozenset(
        s.scalars(select(Team.id).where(Team.court_id == court_id)).all()))


def select_href(code: str, next_path: str) -> str:
    """The link that makes `code` the current court, then opens `next_path` (same site)."""
    return f"/court/{quote(code)}?next={quote(next_path, safe='/')}"


def region_crumbs(court_id: int, next_path: str = "/region") -> list[tuple[str, str]]:
    """The 辖区 crumbs above `court_id`: each court above it that the principal may see, linked
    to that court's 辖区法院排名 (the court itself is not included)."""
    who = authz.current()
    path = ancestors(tree(), court_id)[:-1]
    return [(f"{n.name}辖区", select_href(n.code, next_path)) for n in path if may_see_court(who, n.id)]


def visible_nodes() -> list[tuple[CourtNode, int]]:
    """The courts the principal may see with their depth below the top one shown, in 辖区 order
    (the court switcher's list)."""
    who = authz.current()
    nodes = tree()
    shown = [n for n in _walk(nodes) if may_see_court(who, n.id)]
    out: list[tuple[CourtNode, int]] = []
    for node in shown:
        depth = sum(1 for a in ancestors(nodes, node.id)[:-1] if may_see_court(who, a.id))
        out.append((node, depth))
    return out


def _walk(nodes: dict[int, CourtNode]) -> list[CourtNode]:
    out: list[CourtNode] = []
    for root in roots(nodes):
        out.extend(nodes[i] for i in descendants(nodes, root.id))
    return out
