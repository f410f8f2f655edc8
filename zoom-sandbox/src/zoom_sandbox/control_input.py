"""What the control API accepts: JSON objects whose fields are named and typed.

Every call that changes something must say `Content-Type: application/json`, with or
without a body; anything else gets 415. That keeps web pages out: a page on another site
can make the browser send a form, `text/plain` or no type at all without asking, but a
JSON call needs a CORS preflight, which the sandbox never grants. (Without this, any
site the developer visited could reset the sandbox with a hidden form.)

A control body is checked whole before a handler changes anything: a field the sandbox
does not know, or a value of the wrong type, gets 400 with `{"error": "<field> must be
<what>."}` and leaves the sandbox as it was. Without this, a value like
`{"per_second": 5}` was stored as given and broke every later call until a reset.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from zoom_sandbox import times
from zoom_sandbox.faults import CONTROL_PREFIX
from zoom_sandbox.validation import EMAIL

READS = frozenset({"GET", "HEAD", "OPTIONS"})


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Kind:
    """What a field must be; `what` finishes the sentence "<field> must be ..."."""

    what: str
    accepts: Callable[[Any], bool]


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    # Python's JSON reader takes NaN and Infinity, which no setting can honour.
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _is_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def whole(minimum: int = 0, maximum: int | None = None, *, unit: str = "") -> Kind:
    noun = f"a whole number{f' of {unit}' if unit else ''}"
    what = (
        f"{noun} from {minimum} to {maximum}"
        if maximum is not None
        else f"{noun}, {minimum} or more"
    )
    return Kind(
        what,
        lambda v: _is_whole(v) and v >= minimum and (maximum is None or v <= maximum),
    )


def number(minimum: float, maximum: float | None = None) -> Kind:
    what = (
        f"a number from {minimum} to {maximum}"
        if maximum is not None
        else f"a number, {minimum} or more"
    )
    return Kind(
        what,
        lambda v: _is_number(v) and v >= minimum and (maximum is None or v <= maximum),
    )


def one_of(choices: tuple[str, ...]) -> Kind:
    return Kind(f"one of {', '.join(choices)}", lambda v: isinstance(v, str) and v in choices)


def optional(kind: Kind, meaning: str) -> Kind:
    """`kind`, or null; `meaning` says what null stands for."""
    return Kind(f"{kind.what}, or null for {meaning}", lambda v: v is None or kind.accepts(v))


TEXT = Kind("a string", lambda v: isinstance(v, str))
NON_EMPTY_TEXT = Kind("a non-empty string", lambda v: isinstance(v, str) and bool(v.strip()))
BOOLEAN = Kind("true or false", lambda v: isinstance(v, bool))
OBJECT = Kind("an object", lambda v: isinstance(v, dict))
URL = Kind("an http:// or https:// URL", _is_url)
URL_OR_EMPTY = Kind('an http:// or https:// URL, or "" for none', lambda v: v == "" or _is_url(v))
EMAIL_ADDRESS = Kind(
    "an address like name@example.com", lambda v: isinstance(v, str) and bool(EMAIL.match(v))
)
TIME_ZONE = Kind(
    "a time zone like Europe/Paris", lambda v: isinstance(v, str) and times.zone(v) is not None
)
DATE_TIME = Kind(
    "a date-time like 2030-01-01T10:00:00Z",
    lambda v: isinstance(v, str) and times.parse_start_time(v, "UTC") is not None,
)
PATHS = Kind(
    'a list of path prefixes like ["/v2/", "/oauth/"]',
    lambda v: isinstance(v, list) and all(isinstance(p, str) and p.startswith("/") for p in v),
)


def check_fields(body: Mapping[str, Any], kinds: Mapping[str, Kind], *, where: str = "") -> None:
    """Raise 400 for the first unknown field or the first value of the wrong kind."""
    unknown = sorted(set(body) - set(kinds))
    if unknown:
        place = f" in {where.rstrip('.')}" if where else ""
        raise ControlError(
            400,
            f"Unknown field{'s' if len(unknown) > 1 else ''}{place}: {', '.join(unknown)}. "
            f"Known: {', '.join(kinds)}.",
        )
    for name, value in body.items():
        if not kinds[name].accepts(value):
            raise ControlError(400, f"{where}{name} must be {kinds[name].what}.")


async def control_body(request: Request, kinds: Mapping[str, Kind]) -> dict[str, Any]:
    """The request's JSON object (empty when there is no body), checked against `kinds`."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise ControlError(400, "The body must be a JSON object.") from None
    if not isinstance(body, dict):
        raise ControlError(400, "The body must be a JSON object.")
    check_fields(body, kinds)
    return body


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            media_type = value.decode("latin-1").split(";")[0].strip().lower()
            return media_type == "application/json"
    return False


class JsonOnlyControlMiddleware:
    """415 for a control call that changes something without `Content-Type: application/json`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"].startswith(CONTROL_PREFIX)
            and scope["method"] not in READS
            and not _is_json(scope)
        ):
            refusal = JSONResponse(
                {
                    "error": "Send Content-Type: application/json (also on calls without a "
                    "body): the control API takes nothing else, so that web pages cannot "
                    "call it from a browser."
                },
                status_code=415,
            )
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)
