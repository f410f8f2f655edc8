"""The Zoom client: each kind of answer from the sandbox becomes its typed error, and every
call lands in the sync log without a token in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from slotlink.zoom import client, endpoints
from slotlink.zoom.errors import (
    ZoomNotFound,
    ZoomRateLimited,
    ZoomScopeMissing,
    ZoomUnauthorized,
    ZoomUnavailable,
)
from slotlink.zoom.models import SyncLogEntry
from slotlink.zoom.ratelimits import next_utc_midnight, retry_at
from slotlink.zoom.synclog import CallContext
from tests.fixtures.zoom_sandbox import ZoomSandbox

pytestmark = pytest.mark.django_db
CONTEXT = CallContext(zoom_user_id="z", zoom_email="z@zoom.test")


def token_for(zoom: ZoomSandbox, scopes: str | None = None, **user: object) -> str:
    zoom_user = zoom.create_user(**user)
    return str(zoom.tokens_for(zoom_user["id"], scopes=scopes)["access_token"])


def get(path: str, token: str) -> object:
    return client.api_call("GET", path, access_token=token, action="test.get", context=CONTEXT)


def test_a_good_call_returns_zoom_json_and_is_logged(zoom: ZoomSandbox):
    token = token_for(zoom, email="ok@zoom.test")
    assert endpoints.user_me(access_token=token, context=CONTEXT)["email"] == "ok@zoom.test"
    entry = SyncLogEntry.objects.get()
    assert (entry.action, entry.outcome, entry.http_status, entry.zoom_email) == (
        "user.get",
        "ok",
        200,
        "z@zoom.test",
    )
    assert entry.duration_ms is not None


def test_a_wrong_token_is_unauthorized_with_zooms_code(zoom: ZoomSandbox):
    """401 code 124 (REFERENCE §2.6) becomes ZoomUnauthorized, logged with Zoom's words."""
    with pytest.raises(ZoomUnauthorized) as refused:
        get("/users/me", "not-a-token")
    assert (refused.value.status, refused.value.code) == (401, 124)
    entry = SyncLogEntry.objects.get()
    assert (entry.outcome, entry.zoom_code) == ("unauthorized", 124)
    assert "not-a-token" not in entry.message


def test_a_missing_scope_names_the_scopes(zoom: ZoomSandbox):
    """Zoom's 4711 "does not contain scopes:[...]" becomes ZoomScopeMissing listing them."""
    token = token_for(zoom, scopes="user:read:user")
    with pytest.raises(ZoomScopeMissing) as refused:
        get("/users/me/meetings", token)
    assert refused.value.code == 4711
    assert refused.value.missing
    assert all(scope.startswith("meeting:") for scope in refused.value.missing)


def test_an_unknown_meeting_is_not_found(zoom: ZoomSandbox):
    with pytest.raises(ZoomNotFound) as refused:
        get("/meetings/123456789", token_for(zoom))
    assert (refused.value.status, refused.value.code) == (404, 3001)


def test_the_per_second_limit_is_rate_limited_for_a_moment(zoom: ZoomSandbox):
    """A 429 of the per-second limit says to come back within seconds, not tomorrow."""
    token = token_for(zoom)
    zoom.set_limits(per_second={"pro": {"light": 1}})
    get("/users/me", token)
    with pytest.raises(ZoomRateLimited) as limited:
        get("/users/me", token)
    assert not limited.value.daily
    assert limited.value.retry_at <= datetime.now(UTC) + timedelta(seconds=5)


def test_the_daily_host_cap_waits_for_midnight_utc(zoom: ZoomSandbox):
    """The per-host cap of meeting creates answers 429 "daily rate limit ... GMT 00:00:00";
    whatever its headers, it means the next 00:00 UTC (REFERENCE §5)."""
    token = token_for(zoom)
    zoom.set_limits(host_create_update_per_day=0)
    with pytest.raises(ZoomRateLimited) as limited:
        client.api_call(
            "POST",
            "/users/me/meetings",
            access_token=token,
            action="meeting.create",
            context=CONTEXT,
            json_body={"topic": "t", "type": 2, "start_time": "2030-01-01T10:00:00Z"},
        )
    assert limited.value.daily
    assert limited.value.retry_at == next_utc_midnight(datetime.now(UTC))


def test_an_outage_and_a_timeout_are_unavailable(zoom: ZoomSandbox, settings):
    """5xx and no answer in time are ZoomUnavailable: retry later, nothing is broken."""
    token = token_for(zoom)
    zoom.set_faults(outage=True)
    with pytest.raises(ZoomUnavailable):
        get("/users/me", token)
    zoom.set_faults(timeout_rate=1.0)
    settings.ZOOM_HTTP_TIMEOUT_SECONDS = 0.3
    with pytest.raises(ZoomUnavailable) as slow:
        get("/users/me", token)
    assert "did not answer in time" in slow.value.message
    assert list(SyncLogEntry.objects.values_list("outcome", flat=True)) == [
        "unavailable",
        "unavailable",
    ]


def test_a_refused_refresh_token_is_a_dead_grant(zoom: ZoomSandbox):
    """The token endpoint's invalid_grant means no refresh will help (REFERENCE §1.8)."""
    with pytest.raises(ZoomUnauthorized) as refused:
        client.token_refresh(refresh_token="spent", context=CONTEXT)
    assert refused.value.grant_dead
    assert "invalid_grant" in refused.value.message
    assert "spent" not in SyncLogEntry.objects.get().message


def response(status: int, headers: dict[str, str]) -> httpx.Response:
    return httpx.Response(status, headers=headers)


NOW = datetime(2026, 11, 29, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("headers", "message", "expected"),
    [
        ({"Retry-After": "7"}, "", NOW + timedelta(seconds=7)),
        ({"Retry-After": "2026-11-30T00:00:00Z"}, "", datetime(2026, 11, 30, tzinfo=UTC)),
        ({"Retry-After": "Sun, 29 Nov 2026 15:31:00 GMT"}, "", NOW + timedelta(minutes=1)),
        ({"X-RateLimit-Reset": str(int(NOW.timestamp()) + 2)}, "", NOW + timedelta(seconds=2)),
        (
            {},
            "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests "
            "permitted for this particular user. You may resume these requests at GMT 00:00:00.",
            datetime(2026, 11, 30, tzinfo=UTC),
        ),
        (
            {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0"},
            "You have exceeded the daily rate limit (100).",
            datetime(2026, 11, 30, tzinfo=UTC),
        ),
        ({"X-RateLimit-Type": "Daily-limit"}, "", datetime(2026, 11, 30, tzinfo=UTC)),
        ({}, "Too many requests.", NOW + timedelta(seconds=1)),
    ],
)
def test_every_shape_of_429_gives_a_time_to_retry(headers, message, expected):
    """Retry-After in seconds, as an ISO date-time or an HTTP date; X-RateLimit-Reset; a
    daily limit said only in the message or the type header; or nothing at all
    (REFERENCE §5: parse what is there, fall back to the message and the next 00:00 UTC)."""
    assert retry_at(response(429, headers), message, now=NOW) == expected
