"""Faults on demand: latency, 5xx, timeouts, dropped responses, outages, revoked tokens."""

from __future__ import annotations

import httpx
import pytest

from sandbox_helpers import Connected
from zoom_sandbox.testing import ZoomSandbox

MEETING = {"topic": "Call", "type": 2, "start_time": "2030-01-01T10:00:00Z", "duration": 30}


def test_latency_and_jitter_are_applied_and_logged(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """Each request waits latency_ms plus a jitter drawn from 0 to latency_jitter_ms; the
    request log records the wait; the same seed draws the same waits."""

    def added_latencies(seed: int) -> list[float]:
        zoom_sandbox.set_faults(latency_ms=20, latency_jitter_ms=30, seed=seed)
        zoom_sandbox.control.delete("/requests")
        for _ in range(8):
            assert host.api.get("/users/me").status_code == 200
        logged = zoom_sandbox.requests()
        assert len(logged) == 8
        # The wait really happened: no request took less than its wait. (A lower bound on
        # a monotonic clock: a slow machine makes requests longer, never shorter.)
        assert all(e["duration_ms"] >= e["added_latency_ms"] for e in logged), logged
        return [e["added_latency_ms"] for e in logged]

    waits = added_latencies(seed=11)
    assert all(20 <= wait <= 50 for wait in waits), waits
    assert len(set(waits)) == len(waits), "the jitter varies from request to request"
    assert added_latencies(seed=11) == waits
    assert added_latencies(seed=12) != waits
    zoom_sandbox.clear_faults()
    host.api.get("/users/me")
    assert zoom_sandbox.requests()[-1]["added_latency_ms"] == 0


def test_error_rate_answers_5xx_without_side_effects(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """With error_rate 1 every call gets a 5xx and nothing is created."""
    zoom_sandbox.set_faults(error_rate=1.0)
    response = host.api.post("/users/me/meetings", json=MEETING)
    assert response.status_code in (500, 502, 503, 504)
    assert zoom_sandbox.meetings() == []
    assert zoom_sandbox.requests()[-1]["fault"].startswith("error")


def test_timeout_rate_never_answers(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """A timed-out request gets no answer before the client gives up, and changes nothing."""
    zoom_sandbox.set_faults(timeout_rate=1.0)
    with pytest.raises(httpx.ReadTimeout):
        host.api.post("/users/me/meetings", json=MEETING, timeout=0.3)
    assert zoom_sandbox.meetings() == []


def test_drop_after_commit_creates_but_never_answers(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """The meeting exists in Zoom although the client never heard of it."""
    zoom_sandbox.set_faults(drop_after_commit_rate=1.0)
    with pytest.raises(httpx.ReadTimeout):
        host.api.post("/users/me/meetings", json={**MEETING, "agenda": "marker-42"}, timeout=0.5)
    meetings = zoom_sandbox.meetings()
    assert [m["agenda"] for m in meetings] == ["marker-42"]
    # Reads are not creates: they still answer.
    assert host.api.get(f"/meetings/{meetings[0]['id']}").status_code == 200
    logged = zoom_sandbox.requests(method="POST", path="/v2/users/me/meetings")[-1]
    assert logged["status"] == 201
    assert logged["fault"] == "dropped after commit"


def test_outage_takes_everything_down_but_the_control_api(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """During an outage the API and OAuth answer 503; /_sandbox/ keeps working."""
    zoom_sandbox.set_faults(outage=True)
    assert host.api.get("/users/me").status_code == 503
    assert httpx.post(zoom_sandbox.token_url, data={}).status_code == 503
    assert zoom_sandbox.control.get("/health").status_code == 200
    zoom_sandbox.clear_faults()
    assert host.api.get("/users/me").status_code == 200


def test_faults_can_target_paths(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """`paths` narrows faults to some prefixes, e.g. only the REST API."""
    zoom_sandbox.set_faults(outage=True, paths=["/v2/users/me/meetings"])
    assert host.api.get("/users/me").status_code == 200
    assert host.api.get("/users/me/meetings").status_code == 503


def test_seeded_faults_repeat(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """The same seed gives the same sequence of failures."""

    def run() -> list[int]:
        zoom_sandbox.set_faults(error_rate=0.5, seed=7)
        return [host.api.get("/users/me").status_code for _ in range(12)]

    first = run()
    assert first == run()
    assert 200 in first
    assert any(code >= 500 for code in first)


def test_invalid_faults_are_refused(zoom_sandbox: ZoomSandbox) -> None:
    """Rates must be between 0 and 1; unknown fields are errors."""
    assert zoom_sandbox.control.put("/faults", json={"error_rate": 2}).status_code == 400
    assert zoom_sandbox.control.put("/faults", json={"bogus": 1}).status_code == 400
    assert zoom_sandbox.control.get("/faults").json()["error_rate"] == 0


def test_faults_the_sandbox_cannot_honour_are_refused_with_the_limit(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """A latency of 1e26 ms would hold every later request for good: 400 names the limit,
    the faults stay as they were, and the API still answers."""
    before = zoom_sandbox.set_faults(latency_ms=5)
    too_long = "latency_ms must be a whole number of milliseconds from 0 to 600000."
    for body, error in (
        ({"latency_ms": 10**26}, too_long),
        ({"latency_ms": 1e26}, too_long),
        ({"latency_ms": 600_001}, too_long),
        ({"latency_jitter_ms": 10**26}, too_long.replace("latency_ms", "latency_jitter_ms")),
        (
            {"seed": 2**64},
            "seed must be a whole number from 0 to 9223372036854775807, or null "
            "for a fresh random sequence.",
        ),
    ):
        answer = zoom_sandbox.control.put("/faults", json=body)
        assert (answer.status_code, answer.json()) == (400, {"error": error}), body
    # Python's JSON reader takes NaN and Infinity, which are not numbers a setting can use.
    for raw in (b'{"error_rate": NaN}', b'{"timeout_rate": Infinity}'):
        answer = zoom_sandbox.control.put("/faults", content=raw)
        assert answer.status_code == 400, raw
    assert zoom_sandbox.control.get("/faults").json() == before
    assert host.api.get("/users/me").status_code == 200
    assert zoom_sandbox.requests()[-1]["added_latency_ms"] == 5
    assert zoom_sandbox.set_faults(latency_ms=600_000, latency_jitter_ms=600_000, paths=["/x"])


def test_revoking_a_users_tokens_is_silent(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """Revoked tokens get 401 code 124 and invalid_grant, and no webhook is sent."""
    zoom_sandbox.revoke_tokens(host.user["id"])
    response = host.api.get("/users/me")
    assert (response.status_code, response.json()["code"]) == (401, 124)
    refreshed = httpx.post(
        zoom_sandbox.token_url,
        data={"grant_type": "refresh_token", "refresh_token": host.tokens["refresh_token"]},
        auth=(zoom_sandbox.client_id, zoom_sandbox.client_secret),
    )
    assert refreshed.json() == {"reason": "Invalid Token!", "error": "invalid_grant"}
    assert zoom_sandbox.webhooks() == []


def test_expire_tokens_control(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """Tests can expire access tokens at once; the refresh token still works."""
    zoom_sandbox.expire_tokens(host.user["id"])
    assert host.api.get("/users/me").status_code == 401
    refreshed = httpx.post(
        zoom_sandbox.token_url,
        data={"grant_type": "refresh_token", "refresh_token": host.tokens["refresh_token"]},
        auth=(zoom_sandbox.client_id, zoom_sandbox.client_secret),
    )
    assert refreshed.status_code == 200
