"""Wall screens and how URL parameters combine with the server's default rotation settings."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Screen:
    key: str
    title: str


SCREENS: dict[str, Screen] = {
    s.key: s
    for s in (Screen("overview", "总览"), Screen("teams", "团队"), Screen("center", "中心"),
              Screen("nodes", "节点"), Screen("feed", "动态"), Screen("campaign", "专项行动"),
              Screen("region", "辖区"), Screen("courts", "法院"))
}
# Screens that are in the rotation only while they have something to show (the snapshot says so:
# layouts/wall/campaign.py `live`): 专项行动 while a campaign marked 大屏展示 runs. They join even
# when DASHBOARD_WALL_SCREENS does not list them (at the end; listed, at their place).
# 辖区 and 法院 while the snapshot has a 辖区 part (a 中院's wall: layouts/wall/region.py); 法院
# takes one slot per court (wall.js "courts#i"), unless WALL_COURT_SCREENS is off.
OPTIONAL = ("campaign", "region", "courts")
_BY_TITLE = {s.title: s.key for s in SCREENS.values()}
_KIOSK_ON = {"1", "true", "yes", "on"}
MIN_ROTATE_S = 5


def screen_key(name: str | None) -> str | None:
    """'总览' or 'overview' → 'overview'; None when unknown."""
    text = (name or "").strip()
    return text if text in SCREENS else _BY_TITLE.get(text)


def is_kiosk(raw: Any) -> bool:
    """Whether a `kiosk` URL value switches kiosk mode on."""
    return str(raw or "").strip().lower() in _KIOSK_ON


def _screens(raw: str, errors: list[str]) -> list[str]:
    keys = []
    for name in [n for n in str(raw).replace("，", ",").split(",") if n.strip()]:
        key = screen_key(name)
        if key is None:
            errors.append(f"设置 DASHBOARD_WALL_SCREENS 中的“{name.strip()}”不是大屏页面，已忽略")
        elif key not in keys:
            keys.append(key)
    return keys or [k for k in SCREENS if k not in OPTIONAL]


def _rotate(raw: Any, default: int, errors: list[str]) -> int:
    if raw in (None, ""):
        return default
    try:
        seconds = int(str(raw).strip())
    except ValueError:
        errors.append(f"参数 rotate 应为秒数（整数），实际为“{raw}”，已按 {default} 秒轮播")
        return default
    if seconds != 0 and seconds < MIN_ROTATE_S:
        errors.append(f"参数 rotate 至少为 {MIN_ROTATE_S} 秒（0 表示不轮播），已按 {MIN_ROTATE_S} 秒轮播")
        return MIN_ROTATE_S
    return seconds


def _on(value: Any) -> bool:
    return value is True or str(value).strip().lower() in _KIOSK_ON


def resolve(params: Mapping[str, Any] | None, settings: Mapping[str, Any]) -> dict[str, Any]:
    """Effective wall configuration: URL parameters over the server's defaults, with messages."""
    params = params or {}
    errors: list[str] = []
    screens = _screens(settings.get("WALL_SCREENS") or ",".join(k for k in SCREENS if k not in OPTIONAL), errors)
    pinned = None
    if params.get("screen"):
        pinned = screen_key(params["screen"])
        if pinned is None:
            titles = "、".join(s.title for s in SCREENS.values())
            errors.append(f"参数 screen 的“{params['screen']}”不是大屏页面（可用：{titles}），已按轮播显示")
    return {
        "kiosk": is_kiosk(params.get("kiosk")),
        "rotate_s": _rotate(params.get("rotate"), int(settings.get("WALL_ROTATE_S") or 0), errors),
        "screens": [pinned] if pinned else screens,
        "pinned": pinned,
        "reload_h": float(settings.get("WALL_RELOAD_H") or 0),
        "timezone": settings.get("TIMEZONE") or "Asia/Shanghai",
        "titles": {key: SCREENS[key].title for key in SCREENS},
        # shown only while live; `optional` ones are appended to the rotation when live
        "live_only": list(OPTIONAL),
        "optional": [] if pinned else [k for k in OPTIONAL if k not in screens
                                       and (k != "courts" or _on(settings.get("WALL_COURT_SCREENS", True)))],
        "errors": errors,
    }
