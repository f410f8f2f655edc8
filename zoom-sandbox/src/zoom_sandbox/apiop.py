"""What every REST v2 endpoint does before its own work, and small shared helpers.

In Zoom's order: the Bearer token (401 code 124: "Access token is expired." or
"Invalid access token." when missing, unknown or revoked), the token's scopes for the
operation (code 4711, naming the scopes that would do; scopes.py), then the account's
per-second limit for the endpoint's label. The handler then gets a `Caller`: the
token's Zoom user and account. Every answer past the token check carries the label's
rate-limit headers, errors too, unless the per-host cap on creates and updates shows
itself instead (ratelimits.py); a 401 cannot, as without a token there is no account
whose budget to show.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from zoom_sandbox.errors import ZoomError, expired_token, invalid_token, user_not_found
from zoom_sandbox.grants import EXPIRED, access_token
from zoom_sandbox.runtime import Sandbox, sandbox_of
from zoom_sandbox.scopes import OPERATIONS, missing_scopes_message
from zoom_sandbox.state import Account, Token, User
from zoom_sandbox.validation import parse_json_object, validate_body, without_nulls


@dataclass
class Caller:
    sandbox: Sandbox
    token: Token
    user: User
    account: Account
    # Whether the scope that let the token in is an `:admin` one, which acts on every
    # user of the account rather than on the token's own user only.
    is_admin: bool = False
    # The rate-limit headers the answer will carry, errors too: the label's, unless the
    # per-host cap on creates and updates rewrites them (ratelimits.host_create_update).
    rate_headers: dict[str, str] = field(default_factory=dict)

    def reaches(self, owner: User) -> bool:
        return owner.id == self.user.id or (
            self.is_admin and owner.account_id == self.user.account_id
        )


Handler = Callable[[Request, Caller], Awaitable[Response]]


def operation(
    *, label: str, operation_id: str
) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    def decorate(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            sandbox = sandbox_of(request)
            caller = authenticate(sandbox, request)
            account, limiter = caller.account, sandbox.limiter
            try:
                check_scope(caller, operation_id, me=request.path_params.get("userId") == "me")
            except ZoomError as refused:
                # Whether Zoom counts such a request is not documented; it is not counted.
                peeked = limiter.peek_label(account.id, account.plan, label)
                refused.headers = {**peeked, **refused.headers}
                raise
            caller.rate_headers = limiter.charge_label(account.id, account.plan, label)
            try:
                response = await handler(request, caller)
            except ZoomError as refused:
                refused.headers = {**caller.rate_headers, **refused.headers}
                raise
            response.headers.update(caller.rate_headers)
            return response

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        return endpoint

    return decorate


def authenticate(sandbox: Sandbox, request: Request) -> Caller:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    found = access_token(sandbox, value.strip()) if scheme.lower() == "bearer" else None
    if found == EXPIRED:
        raise expired_token()
    user = sandbox.state.users.get(found.user_id) if isinstance(found, Token) else None
    if not isinstance(found, Token) or user is None:
        raise invalid_token()
    return Caller(sandbox, found, user, sandbox.state.accounts[user.account_id])


def check_scope(caller: Caller, operation_id: str, *, me: bool) -> None:
    """Let the token in if it holds one of the operation's scopes, in the app's style."""
    accepted = OPERATIONS[operation_id].accepted(caller.sandbox.app.scope_style, me=me)
    held = set(caller.token.scopes.split())
    matched = [scope for scope in accepted if scope in held]
    if not matched:
        raise ZoomError(400, 4711, missing_scopes_message(accepted))
    caller.is_admin = any(scope.endswith(":admin") for scope in matched)


def resolve_user(caller: Caller, user_id: str) -> User:
    """The `{userId}` of a path: `me`, a user id or an email, within the caller's reach."""
    if user_id == "me":
        return caller.user
    state = caller.sandbox.state
    user = state.users.get(user_id) or state.user_by_email(user_id)
    if user is None or not caller.reaches(user):
        raise user_not_found(user_id)
    return user


async def json_body(request: Request, operation_id: str) -> dict[str, Any]:
    """The request's JSON object, its null fields left out (as Zoom ignores them), checked."""
    body = without_nulls(parse_json_object(await request.body()))
    validate_body(operation_id, body)
    return body


def query_int(request: Request, name: str, default: int, *, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return max(low, min(high, int(raw)))
    except ValueError:
        raise ZoomError(400, 300, f"Invalid field: {name}.") from None


def query_bool(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() == "true"


def paginate(request: Request, items: Sequence[Any], key: str) -> dict[str, Any]:
    """Zoom's token pagination (with the deprecated page_number still honoured)."""
    page_size = query_int(request, "page_size", 30, low=1, high=300)
    token = request.query_params.get("next_page_token")
    if token:
        try:
            offset = int(base64.urlsafe_b64decode(token.encode()).decode().removeprefix("o:"))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise ZoomError(400, 300, "The next page token is invalid or expired.") from None
    else:
        offset = (query_int(request, "page_number", 1, low=1, high=10**6) - 1) * page_size
    page = list(items[offset : offset + page_size])
    more = offset + page_size < len(items)
    next_token = (
        base64.urlsafe_b64encode(f"o:{offset + page_size}".encode()).decode() if more else ""
    )
    return {
        "page_count": math.ceil(len(items) / page_size),
        "page_number": offset // page_size + 1,
        "page_size": page_size,
        "total_records": len(items),
        "next_page_token": next_token,
        key: page,
    }


def no_content() -> Response:
    return Response(status_code=204)
