"""Secrets and their digests: Argon2 password hashes, API tokens and session cookies.

Only digests are stored: a password as an Argon2id hash, a token or cookie as its SHA-256
(they are long random strings, so a fast digest is enough and lets them be looked up).
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TOKEN_PREFIX = "cdw_"
MIN_PASSWORD = 12
_hasher = PasswordHasher()
# Verified when the account does not exist, so that a wrong name takes as long as a wrong password.
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """An Argon2id hash of `password`."""
    return _hasher.hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    """True when `password` matches the stored hash; spends the same time when there is none."""
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A new personal API token, shown once to its owner."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_secret() -> str:
    """A random secret for a session cookie or a CSRF token."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """The SHA-256 hex digest under which a token or cookie is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def prefix(token: str) -> str:
    """The part of a token shown in listings to tell tokens apart."""
    return token[: len(TOKEN_PREFIX) + 6]
