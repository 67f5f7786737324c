"""/login, /logout and the wall-token sign-in (/wall/token/<token>, /wall?token=…)."""
from __future__ import annotations

import datetime as dt
import time
from urllib.parse import urlencode, urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
)
from werkzeug.wrappers import Response as BaseResponse

from dashboard.auth import session as auth_session
from db.auth import audit
from db.auth.access import Principal
from db.auth.login_throttle import Limits, reserve_attempt, settle_attempt
from db.auth.users import authenticate, principal_for
from db.auth.wall_tokens import use_wall_token, wall_principal
from db.models.auth import utcnow
from db.session import session_scope

blueprint = Blueprint("auth", __name__, template_folder="templates")

# role → landing page after sign-in (a registry, not a chain of ifs)
LANDING = {
    "lead": lambda p: f"/team/{p.team_id}" if p.team_id else "/",
    "officer": lambda p: f"/officer/{p.officer_id}" if p.officer_id else "/",
    "wall": lambda p: "/wall?kiosk=1",
}


def landing(principal: Principal) -> str:
    return LANDING.get(principal.role, lambda _p: "/")(principal)


def safe_next(target: str | None) -> str | None:
    """A same-site path to return to, or None (no scheme, no host, no //, not the sign-in pages)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    if parts.path in ("/login", "/logout") or parts.path.startswith("/wall/token/"):
        return None
    return target


def client_ip() -> str:
    return request.remote_addr or ""


def _sessions():
    return current_app.extensions["dashboard"].sessions


def _page(template: str, status: int = 200, **context) -> BaseResponse:
    html = render_template(template, csrf=auth_session.csrf_token(), **context)
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _login_page(status: int = 200, error: str = "", username: str = "", notice: str = "") -> BaseResponse:
    nxt = safe_next(request.values.get("next")) or ""
    return _page("login.html", status, title="登录", error=error, notice=notice,
                 username=username, next=nxt)


def _locked_message(until: dt.datetime, now: dt.datetime) -> str:
    minutes = max(1, int((until - now).total_seconds() + 59) // 60)
    return f"登录失败次数过多，已暂停登录，请约 {minutes} 分钟后再试"


@blueprint.get("/login")
def login_form() -> BaseResponse:
    if g.get("principal") is not None:
        return redirect(safe_next(request.args.get("next")) or landing(g.principal))
    notice = "已退出登录" if request.args.get("bye") else ""
    return _login_page(error=auth_session.ENDED.get(request.args.get("why", ""), ""), notice=notice)


@blueprint.post("/login")
def login_submit() -> BaseResponse:
    if not auth_session.csrf_ok(request.form.get("csrf_token")):
        return _login_page(400, "页面已过期，请重新输入用户名和密码")
    username = (request.form.get("username") or "").strip()[:64]
    password = request.form.get("password") or ""
    if not username or not password:
        return _login_page(400, "请输入用户名和密码", username)
    settings, ip, now = current_app.config, client_ip(), utcnow()
    limits = Limits(max_failures=settings["LOGIN_MAX_FAILURES"],
                    max_ip_failures=settings["LOGIN_MAX_FAILURES_PER_IP"],
                    window=dt.timedelta(minutes=settings["LOGIN_WINDOW_MIN"]),
                    lockout=dt.timedelta(minutes=settings["LOGIN_LOCKOUT_MIN"]))
    until = reserve_attempt(_sessions(), username, ip, now, limits)  # commits before the check
    if until is not None:
        with session_scope(_sessions()) as db:
            audit.record_anonymous_failure(db, "login_locked", ip, target=username, outcome="denied",
                                           detail=f"锁定至 {until:%Y-%m-%d %H:%M} UTC")
    if until is not None:
        return _login_page(429, _locked_message(until, now), username)
    with session_scope(_sessions()) as db:
        user = authenticate(db, username, password)  # an old-format hash is replaced here
        settle_attempt(db, username, ip, user is not None)
        if user is None:
            audit.record(db, actor=None, action="login_failed", target=username, ip=ip, outcome="failed",
                         detail="用户名或密码错误，或账号已停用")
            principal = None
        else:
            principal = principal_for(user)
            audit.record(db, actor=principal, action="login_ok", target=username, ip=ip)
    if principal is None:
        return _login_page(401, "用户名或密码错误", username)
    auth_session.sign_in(principal, time.time())
    auth_session.recheck().put(("user", principal.user_id), auth_session.claims(principal))
    return redirect(safe_next(request.form.get("next")) or landing(principal))


@blueprint.get("/logout")
def logout_form() -> BaseResponse:
    if g.get("principal") is None:
        return redirect("/login")
    return _page("message.html", title="退出登录", heading="退出登录",
                 text=f"当前登录：{g.principal.display_name}（{g.principal.role_label}）",
                 logout=True, link_href="/", link_text="返回首页")


@blueprint.post("/logout")
def logout_submit() -> BaseResponse:
    if not auth_session.csrf_ok(request.form.get("csrf_token")):
        return _page("message.html", 400, title="退出登录", heading="退出登录",
                     error="页面已过期，请重新点击退出", logout=True, link_href="/", link_text="返回首页")
    principal = g.get("principal")
    if principal is not None:
        with session_scope(_sessions()) as db:
            audit.record(db, actor=principal, action="logout", target=principal.username, ip=client_ip())
    auth_session.sign_out("logout", everywhere=principal is not None and principal.role != "wall")
    return redirect("/login?bye=1")


def _confirm_wall(token: str) -> BaseResponse:
    """A signed-in browser opened a token link: ask before replacing its session (a link or an
    <img> on another site must not sign a lead's browser into the wall: login CSRF)."""
    who = g.principal
    return _page("message.html", title="切换为大屏登录", heading="切换为大屏登录",
                 text=f"此浏览器已以“{who.display_name}”（{who.role_label}）登录。确定退出该账号并改为大屏令牌登录吗？",
                 wall_token=token, link_href=landing(who), link_text="不切换，返回")


def wall_token_signin(token: str, confirmed: bool = False) -> BaseResponse:
    """Sign this browser in as the token's wall screen, then show the wall (token not kept in the URL).
    A browser already signed in (as anyone) must confirm first by a same-site POST."""
    if g.get("principal") is not None and not confirmed:
        return _confirm_wall(token)
    ip = client_ip()
    with session_scope(_sessions()) as db:
        found = use_wall_token(db, token)
        principal = wall_principal(found) if found is not None else None
        if principal is not None:
            audit.record(db, actor=principal, action="wall_signin", target=principal.screen or "", ip=ip)
        else:
            audit.record_anonymous_failure(db, "wall_signin", ip, detail="令牌无效或已吊销")
    if principal is None:
        return _page("message.html", 403, title="大屏令牌无效", heading="大屏令牌无效",
                     error="大屏令牌无效或已吊销，请联系管理员重新签发",
                     link_href="/login", link_text="使用账号登录")
    if g.get("principal") is not None:
        auth_session.sign_out()
    auth_session.sign_in(principal, time.time())
    auth_session.recheck().put(("wall", principal.extra["wall_token_id"]), True)
    keep = [(k, v) for k, v in request.args.items(multi=True) if k != "token"]
    query = urlencode(keep) or "kiosk=1"
    return redirect(f"/wall?{query}")


@blueprint.get("/favicon.ico")
def favicon() -> BaseResponse:
    """Browsers ask for /favicon.ico; Dash serves the icon at /_favicon.ico (never the app page)."""
    return redirect("/_favicon.ico", 301)


@blueprint.get("/wall/token/<token>")
def wall_token_route(token: str) -> BaseResponse:
    return wall_token_signin(token)


@blueprint.post("/wall/token")
def wall_token_confirm() -> BaseResponse:
    if not auth_session.csrf_ok(request.form.get("csrf_token")):
        return _page("message.html", 400, title="切换为大屏登录", heading="切换为大屏登录",
                     error="页面已过期，请重新打开大屏令牌链接", link_href="/", link_text="返回首页")
    return wall_token_signin(request.form.get("token") or "", confirmed=True)
