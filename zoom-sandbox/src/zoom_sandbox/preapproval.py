"""Pre-approval: an account that requires it lets its users authorize only approved apps.

Until the account admin pre-approves the app, a user of such an account sees "You cannot
authorize <app>" with a "Request pre-approve" button, wherever the authorization starts:
the authorize pages or the app's Marketplace listing. The request waits on the admin's
"Manage > App Requests" page (marketplace.py).
"""

from __future__ import annotations

import logging
import secrets

from starlette.responses import Response

from zoom_sandbox import times
from zoom_sandbox.render import Safe, fragment, join, page
from zoom_sandbox.runtime import Sandbox
from zoom_sandbox.state import AppRequest, User

log = logging.getLogger("zoom_sandbox")


def needs_preapproval(sandbox: Sandbox, user: User) -> bool:
    account = sandbox.state.accounts[user.account_id]
    return (
        account.requires_preapproval
        and not user.account_admin
        and sandbox.app.client_id not in account.approved_apps
    )


def preapproval_pending(sandbox: Sandbox, user: User) -> bool:
    return any(
        r.user_id == user.id and r.client_id == sandbox.app.client_id and r.status == "pending"
        for r in sandbox.state.app_requests.values()
    )


def preapproval_request(sandbox: Sandbox, user: User) -> None:
    """ "Request pre-approve": one pending request per user and app, however often pressed."""
    if preapproval_pending(sandbox, user):
        return
    request_id = secrets.token_hex(8)
    sandbox.state.app_requests[request_id] = AppRequest(
        id=request_id,
        account_id=user.account_id,
        user_id=user.id,
        client_id=sandbox.app.client_id,
        requested_at=times.iso(times.now()),
    )
    sandbox.changed()
    log.info("sandbox.marketplace.preapproval-requested user=%s", user.id)


def cannot_authorize_page(
    sandbox: Sandbox, user: User, *, action: str, fields: dict[str, str], again: str
) -> Response:
    """ "You cannot authorize <app>", with the request button posting `fields` to `action`
    (or the note that the request is sent); `again` is where signing in again leads."""
    if preapproval_pending(sandbox, user):
        request_part = Safe(
            "<p><strong>Your request has been sent to your account admin.</strong> "
            "You can authorize the app once it is pre-approved.</p>"
        )
    else:
        hidden = [fragment("hidden_field.html", name=k, value=v) for k, v in fields.items()]
        request_part = fragment("request_preapproval.html", action=action, fields=join(hidden))
    body = fragment(
        "cannot_authorize.html",
        app_name=sandbox.app.name,
        email=user.email,
        action=request_part,
        again=again,
    )
    return page(f"You cannot authorize {sandbox.app.name}", body, signed_in_as=user.email)
