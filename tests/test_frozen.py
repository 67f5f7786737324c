"""The validation layout is serialized once; every page load still embeds exactly the same JSON."""
from __future__ import annotations

import json
import re

from dash._utils import to_json
from sqlalchemy import Engine

from callbacks.render_cache import plain
from dashboard import frozen
from dashboard.app import create_app
from tests.auth_helpers import login, make_user


def _config(html: str) -> dict:
    found = re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', html,
                      re.S)
    assert found, "no _dash-config in the index page"
    return json.loads(found.group(1))


def test_pages_embed_the_same_validation_layout_after_freezing(sqlite_engine: Engine,
                                                               monkeypatch) -> None:
    originals: list = []

    def recording(layout):
        originals.append(layout)
        return plain(layout)

    monkeypatch.setattr(frozen, "plain", recording)
    url = sqlite_engine.url.render_as_string(hide_password=False)
    app = create_app({"DATABASE_URL": url, "SCHEDULER_ENABLED": False, "CACHE_URL": "simple://"})
    user = make_user(sqlite_engine, "center")
    client = app.server.test_client()
    login(client, user.username, user.password)
    first = _config(client.get("/wall").get_data(as_text=True))["validation_layout"]
    assert isinstance(app.validation_layout, dict)  # frozen after Dash built it
    again = _config(client.get("/analysis").get_data(as_text=True))["validation_layout"]
    assert first == again
    assert len(originals) == 1 and first == json.loads(to_json(originals[0]))  # as Dash sent it
    text = json.dumps(again, ensure_ascii=False)
    for component_id in ("wall-tiles", "wall-trend", "shell-poll", "_pages_content"):
        assert f'"{component_id}"' in text  # every page's IDs are still there for the renderer
