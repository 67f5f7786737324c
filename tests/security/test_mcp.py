"""Finding 10: DASH_MCP_ENABLED=true must not open /_mcp (it would run callbacks around the guard)."""
from __future__ import annotations

from tests.auth_helpers import login, make_user


def test_mcp_stays_off_whatever_the_environment_says(app_factory, monkeypatch) -> None:
    monkeypatch.setenv("DASH_MCP_ENABLED", "true")
    app = app_factory()
    assert not [r.rule for r in app.server.url_map.iter_rules() if "mcp" in r.rule]
    user = make_user(app.server.extensions["dashboard"].engine, "center")
    client = app.server.test_client()
    assert login(client, user.username).status_code == 302
    reply = client.post("/_mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert reply.status_code in (403, 404, 405)
    assert "tools" not in reply.get_data(as_text=True)
