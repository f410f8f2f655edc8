"""The control API under `/_sandbox/`: set the sandbox up and look inside it.

Tests and the demo use it to create Zoom accounts and users, change the registered app,
set faults and limits, read the request log and the webhook deliveries, and reset.
Its shapes are a contract: tests outside the sandbox rely on them. Errors here are
`{"error": "..."}`, never Zoom's, so they cannot be mistaken for Zoom's answers.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, fields
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from slotlink.sandbox import ids, times
from slotlink.sandbox.config import AppSettings
from slotlink.sandbox.faults import Faults
from slotlink.sandbox.grants import app_remove, grant_authorize, tokens_drop, tokens_expire
from slotlink.sandbox.passwords import password_hash
from slotlink.sandbox.runtime import Sandbox, sandbox_of
from slotlink.sandbox.state import PLANS, Account, PasscodeRules, User
from slotlink.sandbox.validation import EMAIL


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def control_error_response(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ControlError)
    return JSONResponse({"error": exc.message}, status_code=exc.status)


async def body_of(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise ControlError(400, "The body must be a JSON object.") from None
    if not isinstance(body, dict):
        raise ControlError(400, "The body must be a JSON object.")
    return body


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
    changes = await body_of(request)
    known = {f.name: f.type for f in fields(AppSettings)}
    unknown = set(changes) - set(known)
    if unknown:
        raise ControlError(400, f"Unknown app settings: {', '.join(sorted(unknown))}.")
    sandbox.app = sandbox.app.updated(changes)
    return JSONResponse(sandbox.app.public())


async def create_user(request: Request) -> Response:
    sandbox = sandbox_of(request)
    body = await body_of(request)
    state = sandbox.state
    if body.get("email") in (None, ""):
        raise ControlError(400, "email is required.")
    email = str(body["email"]).strip()
    if not isinstance(body["email"], str) or not EMAIL.match(email):
        raise ControlError(400, "email must be an address like name@example.com.")
    if state.user_by_email(email):
        raise ControlError(409, f"A sandbox user with email {email} already exists.")
    password = str(body.get("password") or "")
    if not password:
        raise ControlError(400, "password is required.")
    account_id = body.get("account_id")
    if account_id:
        account = state.accounts.get(account_id)
        if account is None:
            raise ControlError(404, f"No sandbox account {account_id}.")
        for name in ("plan", "requires_preapproval"):
            if name in body and body[name] != getattr(account, name):
                raise ControlError(400, f"{name} belongs to the account; change it there.")
        admin_default = False
    else:
        plan = body.get("plan", "pro")
        if plan not in PLANS:
            raise ControlError(400, f"plan must be one of {', '.join(PLANS)}.")
        account = Account(
            id=ids.zoom_id(),
            plan=plan,
            account_number=10_000_000 + secrets.randbelow(89_999_999),
            created_at=times.iso(times.now()),
            requires_preapproval=bool(body.get("requires_preapproval", False)),
        )
        admin_default = True  # the first user of an account owns it
    webinar = bool(body.get("webinar", False))
    if webinar and account.plan == "basic":
        raise ControlError(400, "A webinar licence needs a pro or business plan.")
    state.accounts[account.id] = account
    user = User(
        id=ids.zoom_id(),
        account_id=account.id,
        email=email,
        password_hash=password_hash(password),
        first_name=str(body.get("first_name", "")),
        last_name=str(body.get("last_name", "")),
        webinar=webinar,
        account_admin=bool(body.get("account_admin", admin_default)),
        created_at=times.iso(times.now()),
        pmi=int("9" + ids.numeric(9)),
        timezone=str(body.get("timezone") or "UTC"),
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
    body = await body_of(request)
    for name in ("first_name", "last_name", "timezone", "webinar", "account_admin"):
        if name in body:
            setattr(user, name, body[name])
    if body.get("password"):
        user.password_hash = password_hash(str(body["password"]))
    sandbox.changed()
    return JSONResponse(user_control_view(sandbox, user))


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
    body = await body_of(request)
    scopes = str(body.get("scopes") or sandbox.app.scopes)
    answer = grant_authorize(sandbox, user=user, scopes=scopes, api_url=sandbox.base_url(request))
    return JSONResponse(answer, status_code=201)


async def list_accounts(request: Request) -> Response:
    sandbox = sandbox_of(request)
    return JSONResponse([account_view(a) for a in sandbox.state.accounts.values()])


async def put_account(request: Request) -> Response:
    sandbox = sandbox_of(request)
    account = sandbox.state.accounts.get(request.path_params["account_id"])
    if account is None:
        raise ControlError(404, f"No sandbox account {request.path_params['account_id']}.")
    body = await body_of(request)
    if "plan" in body:
        if body["plan"] not in PLANS:
            raise ControlError(400, f"plan must be one of {', '.join(PLANS)}.")
        account.plan = body["plan"]
    for name in ("requires_preapproval", "waiting_room"):
        if name in body:
            setattr(account, name, bool(body[name]))
    if "preapproved" in body:
        client_id = sandbox.app.client_id
        approved = [c for c in account.approved_apps if c != client_id]
        account.approved_apps = approved + ([client_id] if body["preapproved"] else [])
    if "passcode_rules" in body:
        try:
            account.passcode_rules = PasscodeRules(
                **{**asdict(account.passcode_rules), **body["passcode_rules"]}
            )
        except TypeError as exc:
            raise ControlError(400, str(exc)) from None
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
    body = await body_of(request)
    try:
        sandbox.faults = Faults(**body)
    except (TypeError, ValueError) as exc:
        raise ControlError(400, str(exc)) from None
    return JSONResponse(sandbox.faults.as_dict())


async def get_limits(request: Request) -> Response:
    return JSONResponse(sandbox_of(request).limiter.limits.as_dict())


async def put_limits(request: Request) -> Response:
    """Change some limits; the rest stay as they are."""
    sandbox = sandbox_of(request)
    body = await body_of(request)
    try:
        sandbox.limiter.limits = sandbox.limiter.limits.merged(body)
    except (TypeError, ValueError) as exc:
        raise ControlError(400, str(exc)) from None
    return JSONResponse(sandbox.limiter.limits.as_dict())


async def get_webhooks(request: Request) -> Response:
    deliveries = sandbox_of(request).webhooks.deliveries
    event = request.query_params.get("event")
    return JSONResponse([d.as_dict() for d in deliveries if event is None or d.event == event])


async def validate_webhook_url(request: Request) -> Response:
    sandbox = sandbox_of(request)
    body = await body_of(request)
    url = body.get("url") or sandbox.app.webhook_url
    if not url:
        raise ControlError(400, "No webhook URL: set the app's webhook_url or pass url.")
    return JSONResponse(await sandbox.webhooks.validate_url(url))
