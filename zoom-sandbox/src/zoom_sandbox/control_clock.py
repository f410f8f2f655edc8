"""The sandbox's clock, moved on by tests: `GET` and `POST /_sandbox/clock`.

What expires at Zoom (an authorization code after 5 minutes, an access token after an
hour, a refresh token after 90 days) expires by the sandbox's clock (times.Clock), so a
test moves the clock on instead of shortening what Zoom gives or sleeping. The clock only
goes forward; a reset puts it back to the real time.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from zoom_sandbox import times
from zoom_sandbox.control import MAX_TTL_SECONDS
from zoom_sandbox.control_input import ControlError, control_body, number
from zoom_sandbox.runtime import Sandbox, sandbox_of

# In all, as far as the longest expiry the app may be given: any expiry can be reached,
# and a clock past the year 9999 (which no date can show) cannot be.
CLOCK = {"advance_seconds": number(0, MAX_TTL_SECONDS)}


def clock_view(sandbox: Sandbox) -> dict[str, object]:
    return {
        "now": times.iso_ms(sandbox.clock.now()),
        "advanced_seconds": sandbox.clock.advanced,
    }


async def get_clock(request: Request) -> Response:
    return JSONResponse(clock_view(sandbox_of(request)))


async def advance_clock(request: Request) -> Response:
    """Move the clock on by `advance_seconds` (required, 0 or more)."""
    sandbox = sandbox_of(request)
    body = await control_body(request, CLOCK)
    if "advance_seconds" not in body:
        raise ControlError(400, "advance_seconds is required.")
    if sandbox.clock.advanced + body["advance_seconds"] > MAX_TTL_SECONDS:
        raise ControlError(
            400,
            f"The clock moves on by at most {MAX_TTL_SECONDS} seconds in all; reset the "
            "sandbox to start again from the real time.",
        )
    sandbox.clock.advance(float(body["advance_seconds"]))
    return JSONResponse(clock_view(sandbox))
