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


def _answer(exc: Exception) -> Response:
    if not request.path.startswith(INPUT_PREFIXES):
        raise exc
    log.warning("bad input on %s %s: %s", request.method, request.path, type(exc).__name__)
    if request.path.startswith("/_dash-"):
        body = json.dumps({"message": MESSAGE}, ensure_ascii=False)
        return Response(body, status=400, mimetype="application/json")
    return Response(MESSAGE, status=400, mimetype="text/plain; charset=utf-8")


def install(server: Flask) -> None:
    for kind in BAD_INPUT:
        server.register_error_handler(kind, _answer)
