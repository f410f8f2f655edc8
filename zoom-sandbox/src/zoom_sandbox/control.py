"""The control API under `/_sandbox/`: set the sandbox up and look inside it.

Tests and the demo use it to create Zoom accounts and users, change the registered app,
set faults and limits, read the request log, and reset; webhook deliveries and the event
subscription have their own module (control_webhooks.py), and so do a user's
authorizations of the app (control_grants.py).
Its shapes are a contract: tests outside the sandbox rely on them. Errors here are
`{"error": "..."}`, never Zoom's, so they cannot be mistaken for Zoom's answers. Bodies
are checked whole, by the kinds below, before anything changes (control_input.py).
"""

from __future__ import annotations

import secrets
from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from zoom_sandbox import ids, times
from zoom_sandbox.control_input import (
    BOOLEAN,
    EMAIL_ADDRESS,
    NON_EMPTY_TEXT,
    OBJECT,
    PATHS,
    TEXT,
    TIME_ZONE,
    URL,
    URL_OR_EMPTY,
    ControlError,
    Kind,
    check_fields,
    control_body,
    number,
    one_of,
    optional,
    whole,
)
from zoom_sandbox.faults import Faults
from zoom_sandbox.passwords import password_hash
from zoom_sandbox.ratelimits import HOST_CAP_HEADERS, LABELS
from zoom_sandbox.runtime import Sandbox, sandbox_of
from zoom_sandbox.scopes import STYLES
from zoom_sandbox.state import PLANS, Account, PasscodeRules, User

UPDATED_SCOPE_FIELDS = ("scope", "operation")

# Upper bounds on the numbers the control API takes, each one the sandbox can honour: a
# latency of 1e26 ms would hold every later request for good, and a TTL past the year
# 9999 breaks every token issued after it.
MAX_LATENCY_MS = 600_000  # ten minutes, longer than any client waits
MAX_TTL_SECONDS = 10 * 365 * 24 * 3600
MAX_RETRY_SCALE = 100.0
MAX_COUNT = 1_000_000  # a limit or cap; Zoom's largest is 60,000 a day
MAX_SEED = 2**63 - 1
COUNT = whole(0, MAX_COUNT)

APP_SETTINGS = {
    "client_id": NON_EMPTY_TEXT,
    "client_secret": NON_EMPTY_TEXT,
    "redirect_uri": URL,
    "webhook_secret_token": NON_EMPTY_TEXT,
    "webhook_url": URL_OR_EMPTY,
    "deauthorization_url": URL_OR_EMPTY,
    "name": NON_EMPTY_TEXT,
    "scope_style": one_of(STYLES),
    "scopes": NON_EMPTY_TEXT,
    "access_token_ttl": whole(0, MAX_TTL_SECONDS, unit="seconds"),
    "refresh_token_ttl": whole(0, MAX_TTL_SECONDS, unit="seconds"),
    "authorization_code_ttl": whole(0, MAX_TTL_SECONDS, unit="seconds"),
    "webhook_retry_scale": number(0, MAX_RETRY_SCALE),
    "refresh_revokes_access_token": BOOLEAN,
    # At least a millisecond: a zero interval would check the endpoint without pause.
    "revalidation_interval_seconds": number(0.001),
    "api_change_events": BOOLEAN,
    "updated_scope_field": one_of(UPDATED_SCOPE_FIELDS),
}
USER_FIELDS = {
    "first_name": TEXT,
    "last_name": TEXT,
    "timezone": TIME_ZONE,
    "webinar": BOOLEAN,
    "account_admin": BOOLEAN,
    "password": NON_EMPTY_TEXT,
}
# Set with a user for a new account; otherwise they belong to the account.
ACCOUNT_FIELDS_OF_USERS = {"plan": one_of(PLANS), "requires_preapproval": BOOLEAN}
NEW_USER_FIELDS = {
    "email": EMAIL_ADDRESS,
    **USER_FIELDS,
    "account_id": NON_EMPTY_TEXT,
    **ACCOUNT_FIELDS_OF_USERS,
}
ACCOUNT_FIELDS = {
    "plan": one_of(PLANS),
    "requires_preapproval": BOOLEAN,
    "waiting_room": BOOLEAN,
    "preapproved": BOOLEAN,
    "passcode_rules": OBJECT,
}
PASSCODE_RULES = {
    "required": BOOLEAN,
    "length": whole(1, 10),
    "have_letter": BOOLEAN,
    "have_number": BOOLEAN,
    "have_special_character": BOOLEAN,
    "have_upper_and_lower_characters": BOOLEAN,
    "only_allow_numeric": BOOLEAN,
}
RATE = number(0, 1)
LATENCY = whole(0, MAX_LATENCY_MS, unit="milliseconds")
FAULTS = {
    "latency_ms": LATENCY,
    "latency_jitter_ms": LATENCY,
    "error_rate": RATE,
    "timeout_rate": RATE,
    "drop_after_commit_rate": RATE,
    "outage": BOOLEAN,
    "paths": PATHS,
    "seed": optional(whole(0, MAX_SEED), "a fresh random sequence"),
}


def _plan_table(value: Any) -> bool:
    return isinstance(value, dict) and all(
        plan in PLANS
        and isinstance(labels, dict)
        and all(label in LABELS and COUNT.accepts(n) for label, n in labels.items())
        for plan, labels in value.items()
    )


PLAN_TABLE = Kind(
    f"an object of plans ({', '.join(PLANS)}) to objects of labels ({', '.join(LABELS)}) "
    f'to whole numbers from 0 to {MAX_COUNT}, like {{"pro": {{"light": 30}}}}',
    _plan_table,
)
LIMITS = {
    "enabled": BOOLEAN,
    "per_second": PLAN_TABLE,
    "per_day": PLAN_TABLE,
    "host_create_update_per_day": COUNT,
    "host_cap_headers": one_of(HOST_CAP_HEADERS),
    "registrant_adds_per_day": COUNT,
    "registrant_status_per_day": COUNT,
}


async def control_error_response(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ControlError)
    return JSONResponse({"error": exc.message}, status_code=exc.status)


def user_or_404(sandbox: Sandbox, user_id: str) -> User:
    user = sandbox.state.users.get(user_id) or sandbox.state.user_by_email(user_id)
    if user is None:
        raise ControlError(404, f"No sandbox user {user_id}.")
    return user


def user_control_view(sandbox: Sandbox, user: User) -> dict[str, Any]:
    account = sandbox.state.accounts[user.account_id]
    return {
        "id": user.id,
        "account_id": user.account_id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "plan": account.plan,
        "webinar": user.webinar,
        "account_admin": user.account_admin,
        "requires_preapproval": account.requires_preapproval,
        "timezone": user.timezone,
        "pmi": user.pmi,
        "created_at": user.created_at,
        "authorized_apps": [
            g.client_id for g in sandbox.state.grants.values() if g.user_id == user.id
        ],
    }


def account_view(account: Account) -> dict[str, Any]:
    return asdict(account)


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok", **sandbox_of(request).summary()})


async def reset(request: Request) -> Response:
    sandbox_of(request).reset()
    return JSONResponse({"status": "reset"})


async def get_app(request: Request) -> Response:
    return JSONResponse(sandbox_of(request).app.public())


async def put_app(request: Request) -> Response:
    sandbox = sandbox_of(request)
    changes = await control_body(request, APP_SETTINGS)
    before, sandbox.app = sandbox.app, sandbox.app.updated(changes)
    if "webhook_url" in changes:
        # Saving the URL, even the same one, validates it and turns the subscription on.
        sandbox.subscription.subscribe(sandbox.app.webhook_url)
    elif sandbox.app.revalidation_interval_seconds != before.revalidation_interval_seconds:
        sandbox.subscription.reschedule()
    return JSONResponse(sandbox.app.public())


async def create_user(request: Request) -> Response:
    sandbox = sandbox_of(request)
    body = await control_body(request, NEW_USER_FIELDS)
    state = sandbox.state
    for required in ("email", "password"):
        if required not in body:
            raise ControlError(400, f"{required} is required.")
    email = body["email"].strip()
    if state.user_by_email(email):
        raise ControlError(409, f"A sandbox user with email {email} already exists.")
    account_id = body.get("account_id")
    if account_id:
        account = state.accounts.get(account_id)
        if account is None:
            raise ControlError(404, f"No sandbox account {account_id}.")
        for name in ACCOUNT_FIELDS_OF_USERS:
            if name in body and body[name] != getattr(account, name):
                raise ControlError(400, f"{name} belongs to the account; change it there.")
        admin_default = False
    else:
        account = Account(
            id=ids.zoom_id(),
            plan=body.get("plan", "pro"),
            account_number=10_000_000 + secrets.randbelow(89_999_999),
            created_at=times.iso(times.now()),
            requires_preapproval=body.get("requires_preapproval", False),
        )
        admin_default = True  # the first user of an account owns it
    webinar = body.get("webinar", False)
    if webinar and account.plan == "basic":
        raise ControlError(400, "A webinar licence needs a pro or business plan.")
    state.accounts[account.id] = account
    user = User(
        id=ids.zoom_id(),
        account_id=account.id,
        email=email,
        password_hash=password_hash(body["password"]),
        first_name=body.get("first_name", ""),
        last_name=body.get("last_name", ""),
        webinar=webinar,
        account_admin=body.get("account_admin", admin_default),
        created_at=times.iso(times.now()),
        pmi=int("9" + ids.numeric(9)),
        timezone=body.get("timezone", "UTC"),
    )
    state.users[user.id] = user
    sandbox.changed()
    return JSONResponse(user_control_view(sandbox, user), status_code=201)


async def list_users(request: Request) -> Response:
    sandbox = sandbox_of(request)
    return JSONResponse([user_control_view(sandbox, u) for u in sandbox.state.users.values()])


async def get_user(request: Request) -> Response:
    sandbox = sandbox_of(request)
    user = user_or_404(sandbox, request.path_params["user_id"])
    return JSONResponse(user_control_view(sandbox, user))


async def patch_user(request: Request) -> Response:
    sandbox = sandbox_of(request)
    user = user_or_404(sandbox, request.path_params["user_id"])
    body = await control_body(request, {**USER_FIELDS, **ACCOUNT_FIELDS_OF_USERS})
    for name in ACCOUNT_FIELDS_OF_USERS:
        if name in body:
            raise ControlError(
                400,
                f"{name} belongs to the account; change it with "
                f"PUT /_sandbox/accounts/{user.account_id}.",
            )
    if body.get("webinar") and sandbox.state.accounts[user.account_id].plan == "basic":
        raise ControlError(400, "A webinar licence needs a pro or business plan.")
    for name in ("first_name", "last_name", "timezone", "webinar", "account_admin"):
        if name in body:
            setattr(user, name, body[name])
    if "password" in body:
        user.password_hash = password_hash(body["password"])
    sandbox.changed()
    return JSONResponse(user_control_view(sandbox, user))


async def list_accounts(request: Request) -> Response:
    sandbox = sandbox_of(request)
    return JSONResponse([account_view(a) for a in sandbox.state.accounts.values()])


async def put_account(request: Request) -> Response:
    sandbox = sandbox_of(request)
    account = sandbox.state.accounts.get(request.path_params["account_id"])
    if account is None:
        raise ControlError(404, f"No sandbox account {request.path_params['account_id']}.")
    body = await control_body(request, ACCOUNT_FIELDS)
    check_fields(body.get("passcode_rules", {}), PASSCODE_RULES, where="passcode_rules.")
    for name in ("plan", "requires_preapproval", "waiting_room"):
        if name in body:
            setattr(account, name, body[name])
    if "preapproved" in body:
        client_id = sandbox.app.client_id
        approved = [c for c in account.approved_apps if c != client_id]
        account.approved_apps = approved + ([client_id] if body["preapproved"] else [])
    if "passcode_rules" in body:
        account.passcode_rules = PasscodeRules(
            **{**asdict(account.passcode_rules), **body["passcode_rules"]}
        )
    sandbox.changed()
    return JSONResponse(account_view(account))


async def list_app_requests(request: Request) -> Response:
    sandbox = sandbox_of(request)
    return JSONResponse([asdict(r) for r in sandbox.state.app_requests.values()])


async def get_requests(request: Request) -> Response:
    params = request.query_params
    return JSONResponse(
        sandbox_of(request).request_log.select(
            method=params.get("method"),
            path=params.get("path"),
            path_prefix=params.get("path_prefix"),
        )
    )


async def clear_requests(request: Request) -> Response:
    sandbox_of(request).request_log.clear()
    return Response(status_code=204)


async def get_faults(request: Request) -> Response:
    return JSONResponse(sandbox_of(request).faults.as_dict())


async def put_faults(request: Request) -> Response:
    """Replace the faults: fields left out go back to "no fault"."""
    sandbox = sandbox_of(request)
    sandbox.faults = Faults(**await control_body(request, FAULTS))
    return JSONResponse(sandbox.faults.as_dict())


async def get_limits(request: Request) -> Response:
    return JSONResponse(sandbox_of(request).limiter.limits.as_dict())


async def put_limits(request: Request) -> Response:
    """Change some limits; the rest stay as they are."""
    sandbox = sandbox_of(request)
    changes = await control_body(request, LIMITS)
    sandbox.limiter.limits = sandbox.limiter.limits.merged(changes)
    return JSONResponse(sandbox.limiter.limits.as_dict())
