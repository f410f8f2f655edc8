"""The browser's signed-in Zoom user, kept in a cookie like zoom.us keeps it.

Because the session outlives one authorization, a second "Connect Zoom" in the same
browser signs in as the same Zoom user without asking: the way people end up connected
with the wrong account. Signing out (`/signout`) is the way back. The sandbox keeps only
the SHA-256 of a session id (digests.py), so its state file cannot sign anyone in.
"""

from __future__ import annotations

import secrets
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from slotlink.sandbox import times
from slotlink.sandbox.digests import digest
from slotlink.sandbox.runtime import Sandbox
from slotlink.sandbox.state import User

COOKIE = "_zm_ssid"


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


def local_path(target: str | None, default: str = "/") -> str:
    """Only same-site paths are followed after sign-in and sign-out."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return default


def to_sign_in(next_path: str) -> RedirectResponse:
    return RedirectResponse(f"/signin?next={quote(next_path, safe='')}", status_code=302)
