"""Bearer secrets shared by wall-screen tokens and event-API sources: a long random secret shown
once, of which only the SHA-256 is stored, and the label every token carries."""
from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32  # 256 bits, 43 URL-safe characters
LABEL_MAX = 64


def token_hash(plaintext: str) -> str:
    """The stored form of a secret (hex SHA-256)."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def new_secret() -> tuple[str, str]:
    """(plaintext, hash) of a fresh secret; the plaintext is shown once and never stored."""
    plaintext = secrets.token_urlsafe(TOKEN_BYTES)
    return plaintext, token_hash(plaintext)


def clean_label(value: str | None, what: str) -> str:
    """The token's name without surrounding blanks; a Chinese error naming `what` when empty or long."""
    label = (value or "").strip()
    if not label or len(label) > LABEL_MAX:
        raise ValueError(f"{what}：不能为空，最多 {LABEL_MAX} 个字符")
    return label
