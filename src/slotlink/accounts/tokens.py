"""Unguessable one-time tokens for emailed and printed links, kept only as their hashes."""

import hashlib
import secrets

TOKEN_BYTES = 32  # 43 URL-safe characters
MAX_TOKEN_LENGTH = 100  # anything longer is not one of ours; don't even hash it


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_new() -> tuple[str, str]:
    """(the token to hand out, the hash to store)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def looks_like_token(token: str) -> bool:
    return 0 < len(token) <= MAX_TOKEN_LENGTH
