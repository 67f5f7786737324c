"""Responses are compressed for browsers that accept it (DASHBOARD_COMPRESS), not otherwise;
the tiny version polls stay plain."""
from __future__ import annotations

import gzip
import re

from tests.auth.test_web import _signed_in
from tests.test_scheduler_polling import _poll_request

GZIP = {"Accept-Encoding": "gzip"}


def _same_page(a: bytes, b: bytes) -> bool:
    """Equal but for Dash's per-request "end_id" token."""
    token = re.compile(rb'"end_id":"[^"]*"')
    return token.sub(b"", a) == token.sub(b"", b)


def _bundle(html: str) -> str:
    """The largest script the page loads (AG Grid's bundle, fingerprinted)."""
    found = re.findall(r'src="(/_dash-component-suites/dash_ag_grid/[^"]+\.js)"', html)
    assert found, "the page loads AG Grid"
    return found[0]


def test_pages_and_scripts_are_gzipped_for_browsers_that_accept_it(app) -> None:
    client, _ = _signed_in(app)
    plain = client.get("/analysis")
    packed = client.get("/analysis", headers=GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers.get("Vary", "")
    assert _same_page(gzip.decompress(packed.data), plain.data)
    assert len(packed.data) * 4 < len(plain.data)  # the page's 93 KB of layout and config

    script = _bundle(plain.get_data(as_text=True))
    raw, small = client.get(script), client.get(script, headers=GZIP)
    assert small.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(small.data) == raw.data and len(small.data) * 3 < len(raw.data)

    poll = client.post("/_dash-update-component", json=_poll_request(client, 1, None, None), headers=GZIP)
    assert poll.status_code == 200 and "Content-Encoding" not in poll.headers  # under 500 bytes


def test_compression_can_be_left_to_a_reverse_proxy(app_factory) -> None:
    client, _ = _signed_in(app_factory(COMPRESS=False))
    reply = client.get("/analysis", headers=GZIP)
    assert reply.status_code == 200 and "Content-Encoding" not in reply.headers
