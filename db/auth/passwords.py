"""Password hashes (Werkzeug's salted scrypt) and the password rules.

New hashes are Werkzeug's `scrypt:N:r:p$salt$hex`. Hashes written by earlier versions
(`scrypt$N$r$p$b64salt$b64hash`, a hand-written scrypt) are still accepted so nobody is locked
out; `needs_rehash` tells sign-in to replace them with a current hash on the next success.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

from werkzeug.security import check_password_hash, generate_password_hash

METHOD = "scrypt:32768:8:1"  # ~32 MiB and tens of milliseconds per hash: slow for guessing
SALT_LENGTH = 16
MIN_LENGTH = 10
_LEGACY = "scrypt$"
_LEGACY_MAX_MEM = 64 * 1024 * 1024


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=METHOD, salt_length=SALT_LENGTH)


def _verify_legacy(password: str, stored: str) -> bool:
    """The hash format of versions before Werkzeug hashing (read-only: never written again)."""
    try:
        _scheme, n, r, p, salt, digest = stored.split("$")
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n),
                                r=int(r), p=int(p), maxmem=_LEGACY_MAX_MEM, dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, base64.b64decode(digest))


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of `password` against a stored hash; a malformed hash never matches."""
    if not stored:
        return False
    if stored.startswith(_LEGACY):
        return _verify_legacy(password, stored)
    try:
        return check_password_hash(stored, password)
    except (ValueError, TypeError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether a verified hash should be replaced (older format or other parameters)."""
    return not stored.startswith(METHOD + "$")


def password_problem(password: str, username: str = "") -> str | None:
    """Why `password` is too weak (Chinese), or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 个字符"
    kinds = sum((any(c.isalpha() for c in password), any(c.isdigit() for c in password),
                 any(not c.isalnum() for c in password)))
    if kinds < 2:
        return "密码须包含字母、数字、符号中的至少两类"
    if username and username.lower() in password.lower():
        return "密码不能包含用户名"
    if len(set(password)) < 4:
        return "密码重复字符过多"
    return None


def stamp(password_hash: str) -> str:
    """A short fingerprint of the stored hash: sessions carry it, a new password voids them."""
    return hashlib.sha256(password_hash.encode("ascii")).hexdigest()[:16]
