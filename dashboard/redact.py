"""Secrets never reach a log: wall tokens, passwords, keys and database URL passwords are masked.

`install()` wraps the logging record factory once per process, so every record from every logger
(Flask, werkzeug, gunicorn, SQLAlchemy, ours) has its message, arguments and traceback text
masked before any handler formats it.
"""
from __future__ import annotations

import logging
import re
import traceback
from typing import Any

MASK = "***"
_PATTERNS = (
    # scheme://user:password@host  (database and Redis URLs)
    (re.compile(r"(?P<head>\b[a-z][a-z0-9+.\-]*://[^:/@\s]*:)(?P<secret>[^@\s/]+)(?P<tail>@)", re.I), None),
    # /wall/token/<token>
    (re.compile(r"(?P<head>/wall/token/)(?P<secret>[A-Za-z0-9_.~%+=\-]+)(?P<tail>)"), None),
    # token=…, password=…, secret_key=…, api_key=…, csrf_token=… in query strings, forms, dicts
    (re.compile(r"(?P<head>\b[a-z_]*(?:token|password|passwd|pwd|secret(?:_key)?|api_key)"
                r"[\"']?\s*[=:]\s*[\"']?)(?P<secret>[^&\s\"',;)}]+)(?P<tail>)", re.I), None),
)


def redact(text: str) -> str:
    """Return `text` with every secret it carries replaced by ***."""
    for pattern, _ in _PATTERNS:
        text = pattern.sub(lambda m: f"{m['head']}{MASK}{m['tail']}", text)
    return text


_installed = False


def install() -> None:
    """Mask secrets in every log record of this process (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - leave a malformed record to the formatter
            return record
        masked = redact(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip())
        return record

    logging.setLogRecordFactory(factory)
