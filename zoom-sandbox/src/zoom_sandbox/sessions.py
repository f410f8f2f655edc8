"""The browser's signed-in Zoom user, kept in a cookie like zoom.us keeps it.

Because the session outlives one authorization, a second "Connect Zoom" in the same
browser signs in as the same Zoom user without asking: the way people end up connected
with the wrong account. Signing out (`/signout`) is the way back. The sandbox keeps only
the SHA-256 of a session id (digests.py), so its state file cannot sign anyone in.

Forms that change something as the signed-in user carry a CSRF token bound to the
session, as zoom.us's do: a page on another site can make the browser post a form with
the session cookie, but it cannot read the cookie or the page, so it cannot know the token.
The sign-in form has no session yet to bind to, and without a token another site could
sign the browser in as the attacker's Zoom user (login CSRF: whatever the person then
authorizes goes to the attacker's account). Its token is bound to a random browser cookie
the sign-in page sets instead (a signed double submit). Tokens are signed with a key that
lives only in the running sandbox, so even a page that can set this site's cookies (one
on another port of 127.0.0.1) cannot make a token that passes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from zoom_sandbox import times
from zoom_sandbox.digests import digest
from zoom_sandbox.render import message_page
from zoom_sandbox.runtime import Sandbox, sandbox_of
from zoom_sandbox.state import User

COOKIE = "_zm_ssid"
# The random id the sign-in page gives a browser with no session, for its form's token.
BROWSER_COOKIE = "_zm_csrf"
CSRF_FIELD = "csrf_token"


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


def _signed(request: Request, basis: str) -> str:
    return hmac.new(sandbox_of(request).csrf_key, basis.encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The token this browser's forms carry, bound to its session or, before it has one,
    to the id the sign-in page gave it; empty when it has neither."""
    if session := request.cookies.get(COOKIE):
        return _signed(request, f"session:{session}")
    if browser := request.cookies.get(BROWSER_COOKIE):
        return _signed(request, f"browser:{browser}")
    return ""


def sign_in_csrf_token(request: Request) -> tuple[str, str | None]:
    """The sign-in form's token, and the browser id to set first (`set_browser_id`) when
    the browser has neither a session nor an id yet."""
    if token := csrf_token(request):
        return token, None
    browser = secrets.token_urlsafe(24)
    return _signed(request, f"browser:{browser}"), browser


def set_browser_id(response: Response, browser: str | None) -> None:
    if browser:
        response.set_cookie(BROWSER_COOKIE, browser, httponly=True, samesite="lax", path="/")


def csrf_ok(request: Request, form: dict[str, str]) -> bool:
    expected = csrf_token(request)
    return bool(expected) and hmac.compare_digest(form.get(CSRF_FIELD, ""), expected)


def form_out_of_date(back_to: str) -> Response:
    """The answer to a form posted without this browser's token: 403, and nothing done."""
    return message_page(
        "Form out of date",
        "This form is out of date or was sent from another site. Reload the page and try again.",
        status=403,
        link=back_to,
    )


def local_path(target: str | None, default: str = "/") -> str:
    """Only same-site paths are followed after sign-in and sign-out."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return default


def to_sign_in(next_path: str) -> RedirectResponse:
    return RedirectResponse(f"/signin?next={quote(next_path, safe='')}", status_code=302)
