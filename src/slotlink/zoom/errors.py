"""What can go wrong talking to Zoom, as types the rest of slotlink can act on.

The client maps every transport failure and every Zoom answer that is not a success to
one of these; each knows its sync-log outcome. Messages are Zoom's own words where Zoom
gave some, and never hold a token.
"""

from datetime import datetime


class ZoomError(Exception):
    outcome = "rejected"

    def __init__(self, message: str, *, status: int | None = None, code: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


class ZoomUnauthorized(ZoomError):
    """The token or the grant is no good: expired, revoked, deauthorized (401 / invalid_grant)."""

    outcome = "unauthorized"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: int | None = None,
        grant_dead: bool = False,
    ):
        super().__init__(message, status=status, code=code)
        # True when refreshing cannot help: the refresh token itself was refused.
        self.grant_dead = grant_dead


class ZoomScopeMissing(ZoomError):
    """The token lacks a scope the endpoint needs (Zoom code 4711 or 4700)."""

    outcome = "scope_missing"

    def __init__(self, message: str, *, status: int | None, code: int | None, missing: list[str]):
        super().__init__(message, status=status, code=code)
        self.missing = missing


class ZoomRateLimited(ZoomError):
    """Zoom said to slow down: per second (try again shortly) or per day (at `retry_at`)."""

    outcome = "rate_limited"

    def __init__(
        self,
        message: str,
        *,
        status: int | None,
        code: int | None,
        retry_at: datetime,
        daily: bool,
    ):
        super().__init__(message, status=status, code=code)
        self.retry_at = retry_at
        self.daily = daily


class ZoomNotFound(ZoomError):
    outcome = "not_found"


class ZoomUnavailable(ZoomError):
    """Zoom could not be reached or failed (timeouts, connection errors, 5xx): try later."""

    outcome = "unavailable"


class ZoomRejected(ZoomError):
    """Zoom refused the request for a reason retrying will not fix (with its code)."""

    outcome = "rejected"
