"""The server-side page and callback guard (authorization; sign-in itself is dashboard/auth).

Runs before every request, after sign-in has put the principal on `flask.g`:

- a page or export path of the registry (`layouts/access.py`) needs one of its permissions;
- a POST to `/_dash-update-component` is judged by the callback's output IDs: each output must
  belong to a page the principal may open; Dash's page router is judged by the path it is asked
  to render; a callback no rule covers is refused.

A refusal answers 403 with a Chinese “无权查看” message (HTML for pages, JSON for callbacks, text
for exports), never the data, and writes an audit entry with action “denied”. Which team, officer
or case a permitted page may show is checked inside the page's data functions (callbacks/authz.py).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from callbacks import authz
from layouts import known_path, shell
from layouts.access import allows, landing_path, rule_for_component, rule_for_path

DASH_UPDATE = "/_dash-update-component"
ROUTER_OUTPUT = "_pages_content"
ROUTER_LOCATION = "_pages_location"


def _is_shell(component_id: str) -> bool:
    return component_id == "url" or component_id.startswith(("shell-", "_pages_"))


def _component_name(raw: Any) -> str:
    """A component ID as text; a pattern-matching ID {"type": …, "index": …} by its type."""
    if isinstance(raw, dict):
        return str(raw.get("type") or next(iter(raw.values()), ""))
    return str(raw or "")


def _outputs(body: dict[str, Any]) -> Iterator[str]:
    outs = body.get("outputs")
    for out in outs if isinstance(outs, list) else [outs]:
        if isinstance(out, dict):
            yield _component_name(out.get("id"))
        elif isinstance(out, list):  # ALL/ALLSMALLER wildcards: a list per output
            for item in out:
                if isinstance(item, dict):
                    yield _component_name(item.get("id"))


def _key_ids(key: Any) -> list[str]:
    """The component IDs in a callback key ("..a.children...b.data.." or "a.children"): the key,
    not the `outputs` list, decides which callback Dash runs, so both are judged."""
    text = str(key or "")
    parts = text[2:-2].split("...") if text.startswith("..") and text.endswith("..") else [text]
    names = []
    for part in parts:
        ident = part.rsplit(".", 1)[0] if "." in part else part
        if ident.startswith("{"):
            try:
                ident = _component_name(json.loads(ident))
            except ValueError:
                pass
        names.append(ident)
    return [n for n in names if n]


def _router_paths(body: dict[str, Any]) -> list[str]:
    """Every path the page router could be made to render: Dash passes the inputs by position,
    so any input value (whatever id it claims) is judged, not only the one named pathname."""
    paths = []
    for item in body.get("inputs") or []:
        value = item.get("value") if isinstance(item, dict) else None
        if isinstance(value, str) and value.startswith("/"):
            paths.append(value.split("?", 1)[0])
    return paths or ["/"]


def callback_refusal(body: dict[str, Any]) -> str | None:
    """What a callback request may not touch (a Chinese target), or None when it is allowed."""
    principal = authz.current()
    key_names = _key_ids(body.get("output"))
    if not key_names:
        return "无法识别的回调"
    names = key_names + list(_outputs(body))
    for name in names:
        if name == ROUTER_OUTPUT:
            for path in _router_paths(body):
                rule = rule_for_path(path)
                if principal is None or (rule is not None and not allows(principal, rule)):
                    return f"页面 {path}"
                refused = authz.path_refusal(path)
                if refused:
                    return refused
        elif _is_shell(name):
            if principal is None:
                return "页面框架"
        else:
            rule = rule_for_component(name)
            if rule is None or not allows(principal, rule):
                return f"回调 {name}" if rule is None else f"“{rule.label}”（{rule.path}）"
    return None


def _page_403(target: str) -> BaseResponse:
    """The refusal as a page in the sign-in pages' frame (dashboard/auth/templates)."""
    who = authz.current()
    role = who.role_label if who else "未登录"
    body = render_template("message.html", title="无权查看", heading="无权查看",
                           error=f"您的角色（{role}）不能打开{target}。",
                           text="如需查看，请联系管理员调整您的角色或所属团队；本次访问已记入审计日志。",
                           link_href=landing_path(who), link_text="返回可访问的页面")
    response = Response(body, status=403, mimetype="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


def _page_404() -> BaseResponse:
    """An address no page answers, in the sign-in pages' frame (never Dash's English 404)."""
    body = render_template("message.html", title="未找到该页面", heading="未找到该页面",
                           error=f"地址 {request.path} 没有对应的页面。",
                           text="可能是地址输入有误，或页面已经调整。请从导航进入需要的页面。",
                           link_href=landing_path(authz.current()), link_text="返回首页")
    response = Response(body, status=404, mimetype="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


def check_request() -> BaseResponse | None:
    """The before_request hook; None lets the request through. A permitted GET of an address no
    page answers gets the Chinese 404 page (refusals come first: an odd spelling of a refused page
    stays a 403)."""
    refused = _refusal()
    url_rule = request.url_rule
    if (refused is None and request.method == "GET" and url_rule is not None
            and url_rule.rule == "/<path:path>" and not known_path(request.path)):
        return _page_404()
    return refused


def _refusal() -> BaseResponse | None:
    path = request.path
    if path == DASH_UPDATE and request.method == "POST":
        body = request.get_json(silent=True)
        refused = callback_refusal(body) if isinstance(body, dict) else "无法识别的回调"
        if refused is None:
            return None
        outputs = ",".join(_outputs(body)) if isinstance(body, dict) else ""
        authz.record("denied", refused, f"回调 {outputs}", outcome="denied")
        body_text = json.dumps({"message": f"{authz.NO_ACCESS}：{refused}"}, ensure_ascii=False)
        return Response(body_text, status=403, mimetype="application/json")
    rule = rule_for_path(path)
    if rule is None:
        return None
    if allows(authz.current(), rule):
        refused = authz.path_refusal(path) if request.method == "GET" else None
        if refused is None:
            return None
        target = refused
    elif rule.key == "home" and landing_path(authz.current()) != "/":
        return redirect(landing_path(authz.current()))
    else:
        target = f"“{rule.label}”（{path}）"
    authz.record("denied", target, f"{request.method} {request.full_path.rstrip('?')}", outcome="denied")
    if path.startswith("/export/"):
        return Response(f"{authz.NO_ACCESS}：{target}", status=403, mimetype="text/plain; charset=utf-8")
    return _page_403(target)


def shell_layout(poll_ms: int, watchdog: dict[str, Any] | None = None) -> Any:
    """The page frame for this request: the navigation lists only what the principal may open."""
    return shell.layout(poll_ms=poll_ms, principal=authz.current(), watchdog=watchdog)


def register(server: Flask) -> None:
    """Install the guard; call it after sign-in's own before_request hook is installed."""
    server.before_request(check_request)
    server.extensions["dashboard_guard"] = True
