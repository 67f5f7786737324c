"""Page layouts: pure functions that return components and never touch the database."""
from __future__ import annotations

import dash

from layouts import home, shell

__all__ = ["register_pages", "shell"]

# (module name, path, Chinese title, layout, shown in the navigation)
PAGES = (
    ("home", "/", "首页", home.layout, True),
)


def register_pages() -> None:
    """Register every page with Dash; call after Dash(...) is created."""
    for order, (name, path, title, layout, nav) in enumerate(PAGES):
        dash.register_page(name, path=path, title=f"{title} · 执行指挥中心质效看板", name=title, order=order,
                           layout=layout, nav=nav)
