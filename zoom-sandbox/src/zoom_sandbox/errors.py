"""Zoom's error bodies, raised as exceptions and turned into responses in one place.

REST errors are `{"code": <zoom code>, "message": "..."}` with an HTTP status;
the token endpoint's are `{"reason": "...", "error": "<oauth code>"}`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class ZoomError(Exception):
    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.extra}


class OAuthError(Exception):
    def __init__(self, reason: str, error: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.error = error
        self.status = status


# Zoom's words for a token it does not take (REFERENCE §2.6, https://devforum.zoom.us/t/
# randomly-receiving-invalid-access-token-for-server-to-server-oauth/74432): the code is
# the same, so only the message tells an expired token from a bad one.
def invalid_token() -> ZoomError:
    return ZoomError(401, 124, "Invalid access token.")


def expired_token() -> ZoomError:
    return ZoomError(401, 124, "Access token is expired.")


def meeting_not_found(meeting_id: object) -> ZoomError:
    # What the API answers today; Zoom's OpenAPI file documents the older
    # "Meeting {meetingId} is not found or has expired.".
    return ZoomError(404, 3001, f"Meeting does not exist: {meeting_id}.")


def webinar_not_found(webinar_id: object) -> ZoomError:
    return ZoomError(404, 3001, f"Webinar {webinar_id} not found or has expired.")


def user_not_found(user_id: object) -> ZoomError:
    return ZoomError(404, 1001, f"User {user_id} not exist or not belong to this account.")


def webinar_plan_missing() -> ZoomError:
    return ZoomError(
        400,
        200,
        "Webinar plan is missing. You must subscribe to the webinar plan and enable "
        "webinars for this user in order to perform this action.",
    )


def invalid_body() -> ZoomError:
    return ZoomError(400, 300, "Request Body should be a valid JSON object.")


async def zoom_error_response(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ZoomError)
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


async def oauth_error_response(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OAuthError)
    return JSONResponse(
        {"reason": exc.reason, "error": exc.error},
        status_code=exc.status,
        headers={"Cache-Control": "no-store"},
    )
