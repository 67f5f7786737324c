"""Demo sign-ins: one user per role (lead and officer bound to the demo court's 简案团队) and one
wall token; in the 中院 mode (db.demo.region) also users that belong to one court (users.court_id:
they see that court and the courts below it). Their passwords are public, so production mode
refuses to start while any is usable."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.auth.passwords import verify_password
from db.auth.users import create_user
from db.auth.wall_tokens import token_hash
from db.models import Court, Officer, Team, User
from db.models.auth import WallToken

DEMO_TEAM = "简案团队"
DEMO_WALL_SCREEN = "演示大屏"
DEMO_WALL_TOKEN = "demo-wall-token-public-not-secret-0000000000"


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str
    display_name: str
    court: str = ""  # 法院代字 of the user's court (users.court_id); "": every court


# The 中院 mode's users (made only when their court exists, i.e. after seed-demo --region).
REGION_USERS = (
    DemoUser("zy-center", "Demo#2026-zyzh", "center", "中院指挥中心", "内02"),
    DemoUser("zy-leader", "Demo#2026-zyld", "leader", "中院领导", "内02"),
    DemoUser("kd-center", "Demo#2026-kdzh", "center", "昆区法院指挥中心", "内0203"),
    DemoUser("kd-lead", "Demo#2026-kdtd", "lead", "昆区法院简案团队长", "内0203"),
    DemoUser("dm-center", "Demo#2026-dmzh", "center", "达茂旗法院指挥中心", "内0223"),
    DemoUser("dm-lead", "Demo#2026-dmtd", "lead", "达茂旗法院简案团队长", "内0223"),
)


DEMO_USERS = (
    DemoUser("admin", "Demo#2026-gl", "admin", "演示管理员"),
    DemoUser("center", "Demo#2026-zh", "center", "演示指挥中心"),
    DemoUser("lead", "Demo#2026-td", "lead", "演示团队长"),
    DemoUser("officer", "Demo#2026-cb", "officer", "演示承办人"),
    DemoUser("leader", "Demo#2026-ld", "leader", "演示院领导"),
)


def _binding(session: Session, role: str, court_id: int | None = None) -> dict:
    query = select(Team.id).where(Team.name == DEMO_TEAM)
    if court_id is not None:
        query = query.where(Team.court_id == court_id)
    team_id = session.scalars(query.order_by(Team.id)).first()
    if role == "lead":
        return {"team_id": team_id}
    if role == "officer":
        officer = session.scalars(
            select(Officer.id).where(Officer.team_id == team_id, Officer.role == "judge", Officer.active)
            .order_by(Officer.id)).first()
        return {"officer_id": officer}
    return {}


def ensure_demo_users(session: Session) -> list[DemoUser]:
    """Create the demo users and wall token that are missing (needs the demo court); return the new users."""
    if session.scalars(select(Team.id).where(Team.name == DEMO_TEAM)).first() is None:
        return []
    made = []
    for demo in DEMO_USERS:
        if session.scalars(select(User.id).where(User.username == demo.username)).first() is None:
            create_user(session, demo.username, demo.password, demo.role,
                        display_name=demo.display_name, **_binding(session, demo.role))
            made.append(demo)
    digest = token_hash(DEMO_WALL_TOKEN)
    if session.scalars(select(WallToken.id).where(WallToken.token_hash == digest)).first() is None:
        session.add(WallToken(screen=DEMO_WALL_SCREEN, token_hash=digest, created_by="演示数据"))
        session.flush()
    if any(demo.role == "center" and not demo.court for demo in made):  # the demo 督办 are issued by this user
        from db.demo.supervision import seed_demo_supervision

        seed_demo_supervision(session, {demo.role: demo.username for demo in DEMO_USERS})
    return made + _ensure_region_users(session)


def _ensure_region_users(session: Session) -> list[DemoUser]:
    """The court-bound users whose court is in the database (the 中院 mode)."""
    courts = dict(session.execute(select(Court.code, Court.id)).all())
    made = []
    for demo in REGION_USERS:
        court_id = courts.get(demo.court)
        if court_id is None or session.scalars(select(User.id).where(User.username == demo.username)).first():
            continue
        user = create_user(session, demo.username, demo.password, demo.role, display_name=demo.display_name,
                           **_binding(session, demo.role, court_id))
        user.court_id = court_id
        session.flush()
        made.append(demo)
    return made


def usable_demo_users(session: Session) -> list[DemoUser]:
    """Demo users that are active and still have their demo password."""
    found = []
    for demo in DEMO_USERS + REGION_USERS:
        user = session.scalars(select(User).where(User.username == demo.username)).first()
        if user is not None and user.active and verify_password(demo.password, user.password_hash):
            found.append(demo)
    return found


def demo_wall_token_active(session: Session) -> bool:
    token = session.scalars(select(WallToken).where(WallToken.token_hash == token_hash(DEMO_WALL_TOKEN))).first()
    return token is not None and token.revoked_at is None


def users_with_demo_password(session: Session) -> list[str]:
    """Names of every sign-in that works with public demo credentials (production refuses these)."""
    names = [demo.username for demo in usable_demo_users(session)]
    if demo_wall_token_active(session):
        names.append(f"大屏令牌“{DEMO_WALL_SCREEN}”")
    return names
