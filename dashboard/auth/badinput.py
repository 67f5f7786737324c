"""Bad input never answers 500: a callback or export request whose values a handler cannot use
(wrong type, out-of-range date, absurdly nested JSON) gets a 400 with a Chinese message.

Only the exception types that malformed input produces are turned into 400s, and only on the
request endpoints that take input (Dash callbacks, exports); they are logged (without the request
body) so a real bug still shows up in the log. Database errors are not handled here.
"""
from __future__ import annotations

import json
import logging

from dash.exceptions import InvalidCallbackReturnValue, UnsupportedRelativePath
from flask import Flask, Response, request

log = logging.getLogger(__name__)
BAD_INPUT = (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError,
             RecursionError, UnicodeError,
             # a crafted callback body whose outputs do not match the callback, a relative page path
             InvalidCallbackReturnValue, UnsupportedRelativePath)
INPUT_PREFIXES = ("/_dash-update-component", "/export/")
MESSAGE = "请求参数无效，无法处理（请刷新页面后重试）"
# Deeper JSON than any real callback sends is refused before it is parsed: parsing it would hit
# Python's recursion limit, and a RecursionError leaves CPython 3.11's parser state off for the
# rest of the process (a later ast.parse fails with "recursion depth mismatch").
MAX_JSON_DEPTH = 100


def json_depth(body: bytes) -> int:
    """The deepest nesting of [ and { in a JSON text, brackets inside strings not counted."""
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return 0  # cannot be deeper than the limit; skips the scan for uploads and plain bodies
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _refuse_deep_json() -> Response | None:
    if request.method == "POST" and request.path.startswith("/_dash-update-component"):
        if json_depth(request.get_data(cache=True)) > MAX_JSON_DEPTH:
            log.warning("bad input on %s %s: JSON nested too deep", request.method, request.path)
            body = json.dumps({"message": MESSAGE}, ensure_ascii=False)
            return Response(body, status=400, mimetype="application/json")
    return None


def _answer(exc: Exception) -> Response:
    if not request.path.startswith(INPUT_PREFIXES):
        raise exc
    log.warning("bad input on %s %s: %s", request.method, request.path, type(exc).__name__)
    if request.path.startswith("/_dash-"):
        body = json.dumps({"message": MESSAGE}, ensure_ascii=False)
        return Response(body, status=400, mimetype="application/json")
    return Response(MESSAGE, status=400, mimetype="text/plain; charset=utf-8")


def install(server: Flask) -> None:
    server.before_request(_refuse_deep_json)
    for kind in BAD_INPUT:
        server.register_error_handler(kind, _answer)
