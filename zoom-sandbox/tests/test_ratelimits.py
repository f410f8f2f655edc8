"""Zoom's rate limits: per account and label, per day on free plans, per host per day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from sandbox_helpers import Connected
from zoom_sandbox.testing import ZoomSandbox

MEETING = {"topic": "Call", "type": 2, "start_time": "2030-01-01T10:00:00Z", "duration": 30}


def next_midnight_utc() -> str:
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    return tomorrow.strftime("%Y-%m-%dT00:00:00Z")


def create(host: Connected) -> dict:
    response = host.api.post("/users/me/meetings", json=MEETING)
    assert response.status_code == 201, response.text
    return response.json()


def rate_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("x-ratelimit-")}


def test_responses_carry_rate_limit_headers(host: Connected) -> None:
    """Every API answer says its label, the kind of limit and what is left of it."""
    response = host.api.get("/users/me")
    assert response.headers["x-ratelimit-category"] == "Light"
    assert response.headers["x-ratelimit-type"] == "QPS"
    assert response.headers["x-ratelimit-limit"] == "30"
    assert 0 <= int(response.headers["x-ratelimit-remaining"]) < 30


def test_error_answers_carry_the_same_rate_limit_headers(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """A 400 or 404 carries the headers a success of the same endpoint does."""
    meetings = "/users/me/meetings"
    answers = {
        "light 404": host.api.get("/meetings/12345678901"),
        "light 400": host.api.patch(f"/meetings/{create(host)['id']}", json={"type": 99}),
        "medium 400": host.api.post(meetings, json={"type": 99}),
        "medium 201": host.api.post(meetings, json=MEETING),
        "medium 404": host.api.get("/users/nobody@example.com/meetings"),
    }
    for name, answer in answers.items():
        label = name.split()[0].capitalize()
        assert rate_headers(answer).keys() == {
            "x-ratelimit-category",
            "x-ratelimit-type",
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
        }, name
        assert answer.headers["x-ratelimit-category"] == label, name
        assert answer.headers["x-ratelimit-type"] == "QPS", name
        assert answer.headers["x-ratelimit-limit"] == {"Light": "30", "Medium": "20"}[label]
    # Refused for its scopes: the headers show the budget, which the refusal did not use.
    narrow = zoom_sandbox.tokens_for(host.user["id"], scopes="user:read:user")
    refused = httpx.post(
        f"{zoom_sandbox.api_base_url}{meetings}",
        json=MEETING,
        headers={"Authorization": f"Bearer {narrow['access_token']}"},
    )
    assert (refused.status_code, refused.json()["code"]) == (400, 4711)
    assert refused.headers["x-ratelimit-category"] == "Medium"
    assert refused.headers["x-ratelimit-type"] == "QPS"


def test_daily_budgets_are_labelled_daily(basic_host: Connected) -> None:
    """On a free plan the numbers are the label's daily budget, and the type says so."""
    response = basic_host.api.get("/users/me")
    assert rate_headers(response) == {
        "x-ratelimit-category": "Light",
        "x-ratelimit-type": "Daily-limit",
        "x-ratelimit-limit": "6000",
        "x-ratelimit-remaining": "5999",
    }


def test_per_second_limit_per_account_and_label(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """Past the label's per-second limit, Zoom's QPS 429: its category, `X-RateLimit-Type:
    QPS`, the reset second (Zoom's own notes, github.com/zoom/zoom-zra-plugin-codex
    skills/rest-api/references/rate-limits.md) and a Retry-After in seconds (issue 7)."""
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
    assert headers["retry-after"] == "1"
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


HOST_CAP_MESSAGE = (
    "You have exceeded the daily rate limit (2) of Meeting Create/Update API requests "
    "permitted for this particular user. You may resume these requests at GMT 00:00:00."
)


def test_per_host_daily_create_update_cap(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """Creates and updates together are capped per host per UTC day; by default the 429
    says so in its message only, with no rate-limit header at all, as Zoom staff quote it
    (https://devforum.zoom.us/t/zoom-api-create-meeting-api-rate-limit-sample-error-when-breaching-limit/18928)."""
    assert zoom_sandbox.control.get("/limits").json()["host_cap_headers"] == "none"
    zoom_sandbox.set_limits(host_create_update_per_day=2)
    meeting = host.api.post("/users/me/meetings", json=MEETING).json()
    assert host.api.patch(f"/meetings/{meeting['id']}", json={"topic": "x"}).status_code == 204
    refused = host.api.post("/users/me/meetings", json=MEETING)
    assert refused.status_code == 429
    assert refused.json() == {"code": 429, "message": HOST_CAP_MESSAGE}
    assert rate_headers(refused) == {}
    assert "retry-after" not in refused.headers
    # Webinars share the cap; reads are not part of it.
    webinar = host.api.post("/users/me/webinars", json={"topic": "W"})
    assert (webinar.status_code, webinar.json()) == (429, refused.json())
    assert host.api.get(f"/meetings/{meeting['id']}").status_code == 200


def test_per_host_cap_counted_down_in_limit_and_remaining(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """With `host_cap_headers: limit_remaining`, each create and update that happens says
    the cap in X-RateLimit-Limit and counts X-RateLimit-Remaining down, with no type and
    no Retry-After, the 429 too, as a Zoom user saw ("x-ratelimit-remaining ... of the
    Create/Update meeting is decreased from 100",
    https://devforum.zoom.us/t/does-meeting-requests-per-day-rate-limits-include-delete-meeting/59670)."""
    limits = zoom_sandbox.set_limits(
        host_create_update_per_day=3, host_cap_headers="limit_remaining"
    )
    assert limits["host_cap_headers"] == "limit_remaining"
    created = host.api.post("/users/me/meetings", json=MEETING)
    updated = host.api.patch(f"/meetings/{created.json()['id']}", json={"topic": "x"})
    webinar = host.api.post("/users/me/webinars", json={"topic": "W"})
    refused = host.api.post("/users/me/meetings", json=MEETING)
    assert [a.status_code for a in (created, updated, webinar, refused)] == [201, 204, 201, 429]
    assert [rate_headers(a) for a in (created, updated, webinar, refused)] == [
        {"x-ratelimit-category": c, "x-ratelimit-limit": "3", "x-ratelimit-remaining": r}
        for c, r in (("Medium", "2"), ("Light", "1"), ("Light", "0"), ("Medium", "0"))
    ]
    assert refused.json()["message"].startswith("You have exceeded the daily rate limit (3)")
    assert "retry-after" not in refused.headers
    # Other answers keep the label's own headers.
    assert host.api.get("/users/me").headers["x-ratelimit-type"] == "QPS"


def test_per_host_cap_the_formerly_documented_way(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """With `host_cap_headers: daily_limit`, the 429 carries the headers of Zoom's former
    documented example: `X-RateLimit-Type: Daily-limit`, 0 remaining and Retry-After as
    the next 00:00 UTC in ISO 8601 (quoted in
    https://devforum.zoom.us/t/zoom-api-create-meeting-api-rate-limit-sample-error-when-breaching-limit/18928)."""
    zoom_sandbox.set_limits(host_create_update_per_day=2, host_cap_headers="daily_limit")
    meeting = host.api.post("/users/me/meetings", json=MEETING).json()
    assert host.api.patch(f"/meetings/{meeting['id']}", json={"topic": "x"}).status_code == 204
    refused = host.api.post("/users/me/meetings", json=MEETING)
    assert refused.json() == {"code": 429, "message": HOST_CAP_MESSAGE}
    assert rate_headers(refused) == {
        "x-ratelimit-category": "Medium",
        "x-ratelimit-type": "Daily-limit",
        "x-ratelimit-limit": "2",
        "x-ratelimit-remaining": "0",
    }
    assert refused.headers["retry-after"] == next_midnight_utc()


def test_the_host_cap_answer_is_one_of_three(zoom_sandbox: ZoomSandbox) -> None:
    """Any other `host_cap_headers` is refused by name, and nothing changes."""
    answer = zoom_sandbox.control.put("/limits", json={"host_cap_headers": "iso"})
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "host_cap_headers must be one of none, limit_remaining, daily_limit."
    }
    assert zoom_sandbox.control.get("/limits").json()["host_cap_headers"] == "none"


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


def test_refused_creates_and_updates_do_not_use_up_the_host_cap(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """Only creates and updates that change something count toward the daily 100."""
    zoom_sandbox.set_limits(host_create_update_per_day=2)
    meetings = "/users/me/meetings"
    refused = [
        host.api.post(meetings, json={"type": 99}),
        host.api.post(meetings, content=b"{not json", headers={"content-type": "application/json"}),
        host.api.post(meetings, json={**MEETING, "password": "bad pass!"}),
        host.api.post("/users/me/webinars", json={"topic": "W", "type": 99}),
    ]
    assert [r.status_code for r in refused] == [400, 400, 400, 400]
    meeting = host.api.post(meetings, json=MEETING).json()
    for body in ({"type": 99}, {"password": "bad pass!"}, {"start_time": "2020-01-01T10:00:00Z"}):
        assert host.api.patch(f"/meetings/{meeting['id']}", json=body).status_code == 400
    assert host.api.patch(f"/meetings/{meeting['id']}", json={"topic": "x"}).status_code == 204
    capped = host.api.post(meetings, json=MEETING)
    assert capped.status_code == 429
    assert capped.json()["message"] == HOST_CAP_MESSAGE
