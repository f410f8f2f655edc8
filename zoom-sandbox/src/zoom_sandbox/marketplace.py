"""Zoom App Marketplace pages: "Manage > Added Apps" and "Manage > App Requests".

Both act as the signed-in Zoom user, and their forms carry the session's CSRF token
(sessions.py), so another site cannot press their buttons. Removing an added app ends its
tokens and sends it `app_deauthorized`; an account admin pre-approves the apps that users
of a pre-approval account asked for, after which those users can authorize them.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from zoom_sandbox.forms import form_fields
from zoom_sandbox.grants import app_remove
from zoom_sandbox.render import Safe, fragment, join, message_page, page
from zoom_sandbox.runtime import sandbox_of
from zoom_sandbox.sessions import (
    csrf_ok,
    csrf_token,
    form_out_of_date,
    signed_in_user,
    to_sign_in,
)

log = logging.getLogger("zoom_sandbox")

ADDED_APPS = "/marketplace/manage/added-apps"
APP_REQUESTS = "/marketplace/manage/app-requests"


async def added_apps(request: Request) -> Response:
    sandbox = sandbox_of(request)
    user = signed_in_user(sandbox, request)
    if user is None:
        return to_sign_in(ADDED_APPS)
    rows = [
        fragment(
            "added_app_row.html",
            name=sandbox.app.name if g.client_id == sandbox.app.client_id else g.client_id,
            added=g.authorized_at,
            scopes=g.scopes,
            client_id=g.client_id,
            csrf=csrf_token(request),
        )
        for g in sandbox.state.grants.values()
        if g.user_id == user.id
    ]
    body = fragment(
        "added_apps.html",
        email=user.email,
        rows=join(rows) or fragment("empty_row.html", span=4, text="You have not added any apps."),
    )
    return page("Added Apps", body, signed_in_as=user.email)


async def remove_added_app(request: Request) -> Response:
    sandbox = sandbox_of(request)
    user = signed_in_user(sandbox, request)
    if user is None:
        return to_sign_in(ADDED_APPS)
    form = await form_fields(request)
    if not csrf_ok(request, form):
        return form_out_of_date(ADDED_APPS)
    app_remove(sandbox, user=user, client_id=form.get("client_id") or None)
    return RedirectResponse(ADDED_APPS, status_code=303)


async def app_requests(request: Request) -> Response:
    sandbox = sandbox_of(request)
    user = signed_in_user(sandbox, request)
    if user is None:
        return to_sign_in(APP_REQUESTS)
    if not user.account_admin:
        return message_page(
            "Admins only", "Only an account admin can manage app requests.", status=403
        )
    rows = []
    for app_request in sandbox.state.app_requests.values():
        if app_request.account_id != user.account_id:
            continue
        requester = sandbox.state.users.get(app_request.user_id)
        action = (
            fragment("approve_button.html", id=app_request.id, csrf=csrf_token(request))
            if app_request.status == "pending"
            else Safe("")
        )
        rows.append(
            fragment(
                "app_request_row.html",
                name=sandbox.app.name,
                requester=requester.email if requester else app_request.user_id,
                requested=app_request.requested_at,
                status=app_request.status,
                action=action,
            )
        )
    body = fragment(
        "app_requests.html",
        email=user.email,
        rows=join(rows) or fragment("empty_row.html", span=5, text="No app requests."),
    )
    return page("App Requests", body, signed_in_as=user.email)


async def approve_app_request(request: Request) -> Response:
    sandbox = sandbox_of(request)
    user = signed_in_user(sandbox, request)
    if user is None:
        return to_sign_in(APP_REQUESTS)
    app_request = sandbox.state.app_requests.get(request.path_params["request_id"])
    if app_request is None or app_request.account_id != user.account_id:
        return message_page("Not found", "No such app request.", status=404)
    if not user.account_admin:
        return message_page(
            "Admins only", "Only an account admin can manage app requests.", status=403
        )
    if not csrf_ok(request, await form_fields(request)):
        return form_out_of_date(APP_REQUESTS)
    account = sandbox.state.accounts[user.account_id]
    if app_request.client_id not in account.approved_apps:
        account.approved_apps.append(app_request.client_id)
    # Pre-approving an app answers every request for it on this account.
    for other in sandbox.state.app_requests.values():
        if other.account_id == account.id and other.client_id == app_request.client_id:
            other.status = "approved"
    sandbox.changed()
    log.info("sandbox.marketplace.preapproved account=%s", account.id)
    return RedirectResponse(APP_REQUESTS, status_code=303)
