"""Zoom's rate limits: per account and label, per day on free plans, per host per day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.sandbox.conftest import Connected

MEETING = {"topic": "Call", "type": 2, "start_time": "2030-01-01T10:00:00Z", "duration": 30}


def next_midnight_utc() -> str:
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    return tomorrow.strftime("%Y-%m-%dT00:00:00Z")


def test_responses_carry_rate_limit_headers(host: Connected) -> None:
    """Every API answer says its label and what is left of the per-second budget."""
    response = host.api.get("/users/me")
    assert response.headers["x-ratelimit-category"] == "Light"
    assert response.headers["x-ratelimit-limit"] == "30"


def test_per_second_limit_per_account_and_label(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """Past the label's per-second limit, Zoom's QPS 429 with its headers."""
    zoom_sandbox.set_limits(per_second={"pro": {"light": 1}})
    answers = [host.api.get("/users/me") for _ in range(6)]
    refused = [a for a in answers if a.status_code == 429]
    assert refused, [a.status_code for a in answers]
    assert refused[0].json() == {
        "code": 429,
        "message": "You have reached the maximum per-second rate limit for this API. "
        "Try again later.",
    }
    headers = refused[0].headers
    assert headers["x-ratelimit-category"] == "Light"
    assert headers["x-ratelimit-type"] == "QPS"
    assert headers["x-ratelimit-limit"] == "1"
    assert headers["x-ratelimit-remaining"] == "0"
    assert int(headers["x-ratelimit-reset"]) > 0
    # Medium is a separate budget.
    assert host.api.get("/users/me/meetings").status_code == 200


def test_daily_label_limit_on_the_free_plan(
    zoom_sandbox: ZoomSandbox, basic_host: Connected
) -> None:
    """Free accounts also have daily caps; the 429 says when to come back."""
    zoom_sandbox.set_limits(per_day={"basic": {"light": 2}}, per_second={"basic": {"light": 100}})
    answers = [basic_host.api.get("/users/me") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[-1]
    assert refused.json()["message"].startswith("You have reached the maximum daily rate limit")
    assert refused.headers["x-ratelimit-type"] == "Daily-limit"
    assert refused.headers["retry-after"] == next_midnight_utc()


def test_per_host_daily_create_update_cap(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """Creates and updates together are capped per host per UTC day."""
    zoom_sandbox.set_limits(host_create_update_per_day=2)
    meeting = host.api.post("/users/me/meetings", json=MEETING).json()
    assert host.api.patch(f"/meetings/{meeting['id']}", json={"topic": "x"}).status_code == 204
    refused = host.api.post("/users/me/meetings", json=MEETING)
    assert refused.status_code == 429
    assert refused.json() == {
        "code": 429,
        "message": "You have exceeded the daily rate limit (2) of Meeting Create/Update API "
        "requests permitted for this particular user. You may resume these requests at "
        "GMT 00:00:00.",
    }
    assert refused.headers["retry-after"] == next_midnight_utc()
    # Reads are not part of the cap.
    assert host.api.get(f"/meetings/{meeting['id']}").status_code == 200


def test_registrant_adds_are_capped_per_registrant(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """Adding the same registrant more than 3 times a day gets Zoom's 429."""
    webinar = host.api.post(
        "/users/me/webinars",
        json={"topic": "W", "start_time": "2030-01-01T10:00:00Z", "settings": {"approval_type": 0}},
    ).json()
    body = {"email": "ana@example.com", "first_name": "Ana"}
    codes = [
        host.api.post(f"/webinars/{webinar['id']}/registrants", json=body).status_code
        for _ in range(4)
    ]
    assert codes == [201, 201, 201, 429]


def test_limits_can_be_switched_off(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """With limits disabled nothing is refused (benchmarks need this)."""
    limits = zoom_sandbox.set_limits(enabled=False, host_create_update_per_day=1)
    assert limits["enabled"] is False
    codes = {host.api.post("/users/me/meetings", json=MEETING).status_code for _ in range(3)}
    assert codes == {201}


def test_limits_are_read_and_merged(zoom_sandbox: ZoomSandbox) -> None:
    """PUT changes only what it names; unknown limits are refused."""
    limits = zoom_sandbox.set_limits(per_second={"pro": {"heavy": 3}})
    assert limits["per_second"]["pro"] == {"light": 30, "medium": 20, "heavy": 3}
    assert limits["per_second"]["business"]["light"] == 80
    assert zoom_sandbox.control.put("/limits", json={"nonsense": 1}).status_code == 400
    zoom_sandbox.reset()
    assert zoom_sandbox.control.get("/limits").json()["per_second"]["pro"]["heavy"] == 10
