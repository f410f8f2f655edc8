"""Identifiers and secrets shaped like Zoom's.

Product code stores these, so their shapes matter: meeting ids are 64-bit integers of
11 digits (more than 32 bits), user and account ids are 22-character URL-safe strings,
meeting UUIDs are base64 and may contain `/`, and tokens are long JWT-like strings.
"""

from __future__ import annotations

import base64
import json
import secrets
import string
from collections.abc import Container


def zoom_id() -> str:
    """A 22-character URL-safe id, like Zoom's user, account and registrant ids."""
    return secrets.token_urlsafe(16)


def parse_number(raw: str) -> int | None:
    """The meeting or webinar number `raw` spells: ASCII digits that fit 64 bits, as Zoom's
    do. "²" passes str.isdigit() but not int(), and 5,000 digits pass neither: no number."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 19:
        return None
    return int(raw)


def meeting_number(taken: Container[int]) -> int:
    """An 11-digit meeting or webinar number not yet in use."""
    while True:
        number = 10_000_000_000 + secrets.randbelow(89_999_999_999)
        if number not in taken:
            return number


def meeting_uuid() -> str:
    """A meeting instance UUID: base64 of 16 random bytes, e.g. `4444AAAiAAAAAiAiAiiAii==`."""
    return base64.b64encode(secrets.token_bytes(16)).decode()


def opaque(length: int = 32) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def encrypted_password() -> str:
    """The `pwd=` value of a join URL; Zoom's is opaque and cannot be derived by clients."""
    return secrets.token_urlsafe(24).replace("-", "").replace("_", "")[:32] + ".1"


def numeric(length: int) -> str:
    return "".join(secrets.choice(string.digits) for _ in range(length))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def oauth_token(kind: str, user_id: str, client_id: str, ttl: int, issued_at: float) -> str:
    """A JWT-shaped token about as long as Zoom's (several hundred characters).

    Nothing reads its contents; the shape is there so products size their columns right.
    """
    header = _b64url(json.dumps({"alg": "HS512", "v": "2.0", "kid": opaque(36)}).encode())
    now = int(issued_at)
    claims = {
        "ver": 9,
        "auid": opaque(32),
        "code": opaque(34),
        "iss": "zm:cid:" + client_id,
        "gno": 0,
        "type": 1 if kind == "refresh" else 0,
        "tid": 0,
        "aud": "https://oauth.zoom.us",
        "uid": user_id,
        "nbf": now,
        "exp": now + ttl,
        "iat": now,
        "aid": opaque(22),
        "jti": opaque(36),
    }
    payload = _b64url(json.dumps(claims).encode())
    return f"{header}.{payload}.{_b64url(secrets.token_bytes(64))}"
