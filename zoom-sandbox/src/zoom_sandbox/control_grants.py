"""Control calls about a Zoom user's authorization of the app, made without the browser.

Shortcuts for tests: issue tokens as if the user had authorized, install from the
Marketplace listing (a code with no state and no PKCE, marketplace_listing.py), remove
the app, and the faults of tokens that stop working or expire.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from zoom_sandbox.control import user_or_404
from zoom_sandbox.control_input import NON_EMPTY_TEXT, ControlError, control_body
from zoom_sandbox.grants import app_remove, grant_authorize, tokens_drop, tokens_expire
from zoom_sandbox.marketplace_listing import marketplace_install
from zoom_sandbox.preapproval import needs_preapproval
from zoom_sandbox.runtime import sandbox_of


async def remove_app(request: Request) -> Response:
    """Marketplace > Added Apps > Remove, for tests: tokens end, `app_deauthorized` goes out."""
    sandbox = sandbox_of(request)
    user = user_or_404(sandbox, request.path_params["user_id"])
    removed = app_remove(sandbox, user=user)
    return JSONResponse({"removed": removed})


async def revoke_tokens(request: Request) -> Response:
    """A fault: the user's tokens stop working, and nobody tells the app."""
    sandbox = sandbox_of(request)
    user = user_or_404(sandbox, request.path_params["user_id"])
    return JSONResponse({"revoked": tokens_drop(sandbox, user_id=user.id)})


async def expire_tokens(request: Request) -> Response:
    sandbox = sandbox_of(request)
    user = user_or_404(sandbox, request.path_params["user_id"])
    return JSONResponse({"expired": tokens_expire(sandbox, user_id=user.id)})


async def issue_tokens(request: Request) -> Response:
    """Authorize the app for a user without the browser pages (a shortcut for tests)."""
    sandbox = sandbox_of(request)
    user = user_or_404(sandbox, request.path_params["user_id"])
    body = await control_body(request, {"scopes": NON_EMPTY_TEXT})
    scopes = body.get("scopes", sandbox.app.scopes)
    answer = grant_authorize(sandbox, user=user, scopes=scopes, api_url=sandbox.base_url(request))
    return JSONResponse(answer, status_code=201)


async def install_from_marketplace(request: Request) -> Response:
    """The user presses Add (or Reauthorize) on the app's listing: where Zoom sends them."""
    sandbox = sandbox_of(request)
    user = user_or_404(sandbox, request.path_params["user_id"])
    await control_body(request, {})
    if needs_preapproval(sandbox, user):
        raise ControlError(
            403,
            f"You cannot authorize {sandbox.app.name}: account {user.account_id} requires "
            "pre-approval. Pre-approve the app with "
            f'PUT /_sandbox/accounts/{user.account_id} {{"preapproved": true}}.',
        )
    return JSONResponse({"redirect": marketplace_install(sandbox, user)}, status_code=201)
