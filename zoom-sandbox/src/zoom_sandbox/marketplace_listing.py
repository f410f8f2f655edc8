"""The app's Zoom App Marketplace listing, where an install starts on Zoom's side.

A user who adds the app from its listing (or presses "Reauthorize" there once added)
goes straight to the app's redirect URL with `?code=` and nothing else: no `state`, since
the app never sent one, and a code bound to no PKCE challenge (REFERENCE §1.2, reported in
github.com/zoom/zoomapps-advancedsample-react/issues/15). The app must take such a code
too. The listing acts as the signed-in Zoom user, with the session's CSRF token on its
forms, and pre-approval applies as on the authorize pages (preapproval.py). The control
API does the same for tests with `POST /_sandbox/users/{id}/marketplace-install`.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from zoom_sandbox.forms import form_fields
from zoom_sandbox.grants import code_issue
from zoom_sandbox.preapproval import (
    cannot_authorize_page,
    needs_preapproval,
    preapproval_request,
)
from zoom_sandbox.render import fragment, join, message_page, page
from zoom_sandbox.runtime import Sandbox, sandbox_of
from zoom_sandbox.sessions import (
    CSRF_FIELD,
    csrf_ok,
    csrf_token,
    form_out_of_date,
    signed_in_user,
    to_sign_in,
)
from zoom_sandbox.state import User, grant_key

log = logging.getLogger("zoom_sandbox")

LISTING = "/marketplace/apps/{client_id}"


def listing_path(client_id: str) -> str:
    return LISTING.format(client_id=client_id)


def marketplace_install(sandbox: Sandbox, user: User) -> str:
    """The redirect of an install from the listing: the app's URL with a code only."""
    app = sandbox.app
    code = code_issue(sandbox, user=user, redirect_uri=app.redirect_uri)
    separator = "&" if "?" in app.redirect_uri else "?"
    log.info("sandbox.marketplace.installed user=%s", user.id)
    return f"{app.redirect_uri}{separator}{urlencode({'code': code})}"


def _listing_user(sandbox: Sandbox, request: Request) -> tuple[str, User] | Response:
    """The listing's path and the signed-in user; or not-found, or the way to sign in."""
    client_id = request.path_params["client_id"]
    if client_id != sandbox.app.client_id:
        return message_page(
            "App not found", "There is no Marketplace app with that id.", status=404
        )
    path = listing_path(client_id)
    user = signed_in_user(sandbox, request)
    if user is None:
        return to_sign_in(path)
    return path, user


def _cannot_authorize(sandbox: Sandbox, request: Request, user: User, path: str) -> Response:
    return cannot_authorize_page(
        sandbox,
        user,
        action=f"{path}/request-preapproval",
        fields={CSRF_FIELD: csrf_token(request)},
        again=path,
    )


async def app_listing(request: Request) -> Response:
    sandbox = sandbox_of(request)
    found = _listing_user(sandbox, request)
    if isinstance(found, Response):
        return found
    path, user = found
    if needs_preapproval(sandbox, user):
        return _cannot_authorize(sandbox, request, user, path)
    added = grant_key(user.id, sandbox.app.client_id) in sandbox.state.grants
    scopes = join([fragment("scope_item.html", scope=s) for s in sandbox.app.scopes.split()])
    body = fragment(
        "app_listing.html",
        app_name=sandbox.app.name,
        email=user.email,
        scopes=scopes,
        action=f"{path}/install",
        csrf=csrf_token(request),
        button="Reauthorize" if added else "Add",
        again=path,
    )
    return page(f"{sandbox.app.name} · App Marketplace", body, signed_in_as=user.email)


async def install_app(request: Request) -> Response:
    sandbox = sandbox_of(request)
    found = _listing_user(sandbox, request)
    if isinstance(found, Response):
        return found
    path, user = found
    if not csrf_ok(request, await form_fields(request)):
        return form_out_of_date(path)
    if needs_preapproval(sandbox, user):
        return _cannot_authorize(sandbox, request, user, path)
    return RedirectResponse(marketplace_install(sandbox, user), status_code=302)


async def request_preapproval(request: Request) -> Response:
    sandbox = sandbox_of(request)
    found = _listing_user(sandbox, request)
    if isinstance(found, Response):
        return found
    path, user = found
    if not csrf_ok(request, await form_fields(request)):
        return form_out_of_date(path)
    preapproval_request(sandbox, user)
    return _cannot_authorize(sandbox, request, user, path)
