"""`create_app`: the sandbox's routes, middleware and lifecycle in one Starlette app.

Middleware order matters: the Host check is outermost, so a request under a name that is
not this machine's (hosts.py) reaches nothing; the request log comes next so it sees what
faults did to a request; faults come next so an outage or a dropped response hits the
real handlers. The control API's JSON-only check touches only `/_sandbox/`, which the
other two leave alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from zoom_sandbox import (
    api_meetings,
    api_registrants,
    api_users,
    api_webinars,
    control,
    control_clock,
    control_grants,
    control_objects,
    control_webhooks,
    marketplace,
    marketplace_listing,
    oauth_pages,
    oauth_tokens,
    pages,
)
from zoom_sandbox.config import SandboxConfig
from zoom_sandbox.control_input import JsonOnlyControlMiddleware
from zoom_sandbox.errors import OAuthError, ZoomError, oauth_error_response, zoom_error_response
from zoom_sandbox.faults import FaultsMiddleware
from zoom_sandbox.hosts import LocalHostsOnlyMiddleware
from zoom_sandbox.requestlog import RequestLogMiddleware
from zoom_sandbox.runtime import Sandbox

GET, POST, PUT, PATCH, DELETE = ["GET"], ["POST"], ["PUT"], ["PATCH"], ["DELETE"]

API_ROUTES = [
    Route("/v2/users/{userId}", api_users.get_user, methods=GET),
    Route("/v2/users/{userId}", api_users.update_user, methods=PATCH),
    Route("/v2/users/{userId}", api_users.delete_user, methods=DELETE),
    Route("/v2/users/{userId}/settings", api_users.get_settings, methods=GET),
    Route("/v2/users/{userId}/settings", api_users.update_settings, methods=PATCH),
    Route("/v2/users/{userId}/meetings", api_meetings.create_meeting, methods=POST),
    Route("/v2/users/{userId}/meetings", api_meetings.list_meetings, methods=GET),
    Route("/v2/meetings/{meetingId}", api_meetings.get_meeting, methods=GET),
    Route("/v2/meetings/{meetingId}", api_meetings.update_meeting, methods=PATCH),
    Route("/v2/meetings/{meetingId}", api_meetings.delete_meeting, methods=DELETE),
    Route(
        "/v2/past_meetings/{meetingId}/participants",
        api_meetings.past_meeting_participants,
        methods=GET,
    ),
    Route("/v2/users/{userId}/webinars", api_webinars.create_webinar, methods=POST),
    Route("/v2/users/{userId}/webinars", api_webinars.list_webinars, methods=GET),
    Route("/v2/webinars/{webinarId}", api_webinars.get_webinar, methods=GET),
    Route("/v2/webinars/{webinarId}", api_webinars.update_webinar, methods=PATCH),
    Route("/v2/webinars/{webinarId}", api_webinars.delete_webinar, methods=DELETE),
    Route(
        "/v2/past_webinars/{webinarId}/participants",
        api_webinars.past_webinar_participants,
        methods=GET,
    ),
    Route(
        "/v2/report/webinars/{webinarId}/participants",
        api_webinars.report_webinar_participants,
        methods=GET,
    ),
    Route(
        "/v2/webinars/{webinarId}/registrants/status",
        api_registrants.update_registrant_status,
        methods=PUT,
    ),
    Route("/v2/webinars/{webinarId}/registrants", api_registrants.add_registrant, methods=POST),
    Route("/v2/webinars/{webinarId}/registrants", api_registrants.list_registrants, methods=GET),
    Route(
        "/v2/webinars/{webinarId}/registrants/{registrantId}",
        api_registrants.get_registrant,
        methods=GET,
    ),
    Route(
        "/v2/webinars/{webinarId}/registrants/{registrantId}",
        api_registrants.delete_registrant,
        methods=DELETE,
    ),
]

OAUTH_ROUTES = [
    Route("/oauth/authorize", oauth_pages.authorize, methods=GET),
    Route("/oauth/authorize/consent", oauth_pages.consent, methods=POST),
    Route("/oauth/authorize/request-preapproval", oauth_pages.request_preapproval, methods=POST),
    Route("/oauth/token", oauth_tokens.token, methods=POST),
    Route("/oauth/revoke", oauth_tokens.revoke, methods=POST),
    Route("/signin", oauth_pages.signin_form, methods=GET),
    Route("/signin", oauth_pages.signin, methods=POST),
    Route("/signout", oauth_pages.signout, methods=GET),
]

PAGE_ROUTES = [
    Route("/", pages.home, methods=GET),
    Route("/u/{user_id}", pages.user_page, methods=GET),
    Route("/u/{user_id}/{kind:str}/{item_id}/delete", pages.delete_item, methods=POST),
    Route("/u/{user_id}/{kind:str}/{item_id}/move", pages.move_item, methods=POST),
    Route("/j/{item_id}", pages.join_meeting, methods=["GET", "POST"]),
    Route("/w/{item_id}", pages.join_webinar, methods=["GET", "POST"]),
    Route("/s/{item_id}", pages.start_meeting, methods=GET),
    Route("/s/{item_id}/{action}", pages.start_meeting, methods=POST),
    Route("/webinar/register/{code}", pages.register_webinar, methods=["GET", "POST"]),
    Route(marketplace_listing.LISTING, marketplace_listing.app_listing, methods=GET),
    Route(f"{marketplace_listing.LISTING}/install", marketplace_listing.install_app, methods=POST),
    Route(
        f"{marketplace_listing.LISTING}/request-preapproval",
        marketplace_listing.request_preapproval,
        methods=POST,
    ),
    Route(marketplace.ADDED_APPS, marketplace.added_apps, methods=GET),
    Route(f"{marketplace.ADDED_APPS}/remove", marketplace.remove_added_app, methods=POST),
    Route(marketplace.APP_REQUESTS, marketplace.app_requests, methods=GET),
    Route(
        f"{marketplace.APP_REQUESTS}/{{request_id}}/approve",
        marketplace.approve_app_request,
        methods=POST,
    ),
]

CONTROL_ROUTES = [
    Route("/_sandbox/health", control.health, methods=GET),
    Route("/_sandbox/reset", control.reset, methods=POST),
    Route("/_sandbox/app", control.get_app, methods=GET),
    Route("/_sandbox/app", control.put_app, methods=PUT),
    Route("/_sandbox/users", control.create_user, methods=POST),
    Route("/_sandbox/users", control.list_users, methods=GET),
    Route("/_sandbox/users/{user_id}", control.get_user, methods=GET),
    Route("/_sandbox/users/{user_id}", control.patch_user, methods=PATCH),
    Route("/_sandbox/users/{user_id}/remove-app", control_grants.remove_app, methods=POST),
    Route("/_sandbox/users/{user_id}/revoke-tokens", control_grants.revoke_tokens, methods=POST),
    Route("/_sandbox/users/{user_id}/expire-tokens", control_grants.expire_tokens, methods=POST),
    Route("/_sandbox/users/{user_id}/tokens", control_grants.issue_tokens, methods=POST),
    Route(
        "/_sandbox/users/{user_id}/marketplace-install",
        control_grants.install_from_marketplace,
        methods=POST,
    ),
    Route("/_sandbox/accounts", control.list_accounts, methods=GET),
    Route("/_sandbox/accounts/{account_id}", control.put_account, methods=PUT),
    Route("/_sandbox/app-requests", control.list_app_requests, methods=GET),
    Route("/_sandbox/requests", control.get_requests, methods=GET),
    Route("/_sandbox/requests", control.clear_requests, methods=DELETE),
    Route("/_sandbox/clock", control_clock.get_clock, methods=GET),
    Route("/_sandbox/clock", control_clock.advance_clock, methods=POST),
    Route("/_sandbox/faults", control.get_faults, methods=GET),
    Route("/_sandbox/faults", control.put_faults, methods=PUT),
    Route("/_sandbox/limits", control.get_limits, methods=GET),
    Route("/_sandbox/limits", control.put_limits, methods=PUT),
    Route("/_sandbox/webhooks", control_webhooks.get_webhooks, methods=GET),
    Route("/_sandbox/webhooks/validate", control_webhooks.validate_webhook_url, methods=POST),
    Route("/_sandbox/webhooks/subscription", control_webhooks.get_subscription, methods=GET),
    Route("/_sandbox/meetings", control_objects.list_meetings, methods=GET),
    Route("/_sandbox/meetings/{meeting_id}", control_objects.delete_meeting, methods=DELETE),
    Route("/_sandbox/meetings/{meeting_id}", control_objects.move_meeting, methods=PATCH),
    Route(
        "/_sandbox/meetings/{meeting_id}/participants",
        control_objects.meeting_attendance,
        methods=POST,
    ),
    Route("/_sandbox/webinars", control_objects.list_webinars, methods=GET),
    Route("/_sandbox/webinars/{webinar_id}", control_objects.delete_webinar, methods=DELETE),
    Route("/_sandbox/webinars/{webinar_id}", control_objects.move_webinar, methods=PATCH),
    Route(
        "/_sandbox/webinars/{webinar_id}/registrants",
        control_objects.list_registrants,
        methods=GET,
    ),
    Route(
        "/_sandbox/webinars/{webinar_id}/participants",
        control_objects.webinar_attendance,
        methods=POST,
    ),
]


def create_app(config: SandboxConfig) -> Starlette:
    sandbox = Sandbox(config)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await sandbox.start()
        try:
            yield
        finally:
            await sandbox.stop()

    host_check = (
        []
        if config.allow_remote
        else [Middleware(LocalHostsOnlyMiddleware, public_url=config.public_url)]
    )
    app = Starlette(
        routes=[*API_ROUTES, *OAUTH_ROUTES, *PAGE_ROUTES, *CONTROL_ROUTES],
        middleware=[
            *host_check,
            Middleware(RequestLogMiddleware, log=sandbox.request_log),
            Middleware(
                FaultsMiddleware,
                faults_getter=lambda: sandbox.faults,
                hang_seconds=config.hang_seconds,
            ),
            Middleware(JsonOnlyControlMiddleware),
        ],
        exception_handlers={
            ZoomError: zoom_error_response,
            OAuthError: oauth_error_response,
            control.ControlError: control.control_error_response,
        },
        lifespan=lifespan,
    )
    app.state.sandbox = sandbox
    return app
