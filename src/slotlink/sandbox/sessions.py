"""The browser's signed-in Zoom user, kept in a cookie like zoom.us keeps it.

Because the session outlives one authorization, a second "Connect Zoom" in the same
browser signs in as the same Zoom user without asking: the way people end up connected
with the wrong account. Signing out (`/signout`) is the way back. The sandbox keeps only
the SHA-256 of a session id (digests.py), so its state file cannot sign anyone in.

Forms that change something as the signed-in user carry a CSRF token bound to the
session, as zoom.us's do: a page on another site can make the browser post a form with
the session cookie, but it cannot read the cookie or the page, so it cannot know the token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from slotlink.sandbox import times
from slotlink.sandbox.digests import digest
from slotlink.sandbox.runtime import Sandbox
from slotlink.sandbox.state import User

COOKIE = "_zm_ssid"
CSRF_FIELD = "csrf_token"
# Keeps the token apart from the session's digest (which the state file holds): the
# token can only be made from the session id itself.
CSRF_PURPOSE = b"slotlink-sandbox-csrf"


def signed_in_user(sandbox: Sandbox, request: Request) -> User | None:
    session = request.cookies.get(COOKIE)
    user_id = sandbox.state.sessions.get(digest(session)) if session else None
    return sandbox.state.users.get(user_id) if user_id else None


def sign_in(sandbox: Sandbox, response: Response, user: User) -> None:
    session = secrets.token_urlsafe(24)
    sandbox.state.sessions[digest(session)] = user.id
    user.last_login_time = times.iso(times.now())
    sandbox.changed()
    response.set_cookie(COOKIE, session, httponly=True, samesite="lax", path="/")


def sign_out(sandbox: Sandbox, request: Request, response: Response) -> None:
    session = request.cookies.get(COOKIE)
    if session and sandbox.state.sessions.pop(digest(session), None):
        sandbox.changed()
    response.delete_cookie(COOKIE, path="/")


def csrf_token(request: Request) -> str:
    """The token this browser's forms carry; empty when it has no session."""
    session = request.cookies.get(COOKIE)
    if not session:
        return ""
    return hmac.new(CSRF_PURPOSE, session.encode(), hashlib.sha256).hexdigest()


def csrf_ok(request: Request, form: dict[str, str]) -> bool:
    expected = csrf_token(request)
    return bool(expected) and hmac.compare_digest(form.get(CSRF_FIELD, ""), expected)


def local_path(target: str | None, default: str = "/") -> str:
    """Only same-site paths are followed after sign-in and sign-out."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return default


def to_sign_in(next_path: str) -> RedirectResponse:
    return RedirectResponse(f"/signin?next={quote(next_path, safe='')}", status_code=302)
