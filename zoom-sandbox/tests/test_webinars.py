"""Webinars, registrants and attendance over REST v2."""

from __future__ import annotations

import re

import httpx
import pytest

from sandbox_helpers import Connected
from zoom_sandbox.testing import ZoomSandbox

PLAN_MISSING = {
    "code": 200,
    "message": "Webinar plan is missing. You must subscribe to the webinar plan and enable "
    "webinars for this user in order to perform this action.",
}
WEBINAR = {
    "topic": "Product tour",
    "type": 5,
    "start_time": "2030-05-04T15:00:00Z",
    "duration": 60,
    "settings": {"approval_type": 0},
}


def create(host: Connected, **changes: object) -> dict:
    response = host.api.post("/users/me/webinars", json={**WEBINAR, **changes})
    assert response.status_code == 201, response.text
    return response.json()


def register(host: Connected, webinar_id: int, email: str, **extra: str) -> httpx.Response:
    return host.api.post(
        f"/webinars/{webinar_id}/registrants",
        json={"email": email, "first_name": "Rita", "last_name": "Registrant", **extra},
    )


def test_without_a_webinar_licence_every_endpoint_says_plan_missing(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """No licence: HTTP 400 with code 200 "Webinar plan is missing", even for GET."""
    from sandbox_helpers import connect

    unlicensed = connect(zoom_sandbox, webinar=False)
    created = unlicensed.api.post("/users/me/webinars", json=WEBINAR)
    assert created.status_code == 400
    assert created.json() == PLAN_MISSING
    listed = unlicensed.api.get("/users/me/webinars")
    assert (listed.status_code, listed.json()) == (400, PLAN_MISSING)
    # A webinar whose host lost the licence answers the same.
    webinar = create(host)
    zoom_sandbox.control.patch(f"/users/{host.user['id']}", json={"webinar": False})
    assert host.api.get(f"/webinars/{webinar['id']}").json() == PLAN_MISSING


def test_basic_plan_has_no_webinars(basic_host: Connected) -> None:
    """A free account cannot hold a webinar licence."""
    assert basic_host.api.post("/users/me/webinars", json=WEBINAR).json() == PLAN_MISSING


def test_create_get_list_update_delete(host: Connected) -> None:
    """A webinar has Zoom's shapes and the usual lifecycle."""
    webinar = create(host)
    assert len(str(webinar["id"])) == 11
    assert webinar["host_id"] == host.user["id"]
    assert "pwd=" in webinar["join_url"]
    assert webinar["registration_url"].endswith(f"/webinar/register/WN_{webinar['id']}")
    assert host.api.get(f"/webinars/{webinar['id']}").json()["topic"] == "Product tour"
    listed = host.api.get("/users/me/webinars").json()
    assert [w["id"] for w in listed["webinars"]] == [webinar["id"]]
    patched = host.api.patch(f"/webinars/{webinar['id']}", json={"topic": "Tour, again"})
    assert patched.status_code == 204
    assert host.api.get(f"/webinars/{webinar['id']}").json()["topic"] == "Tour, again"
    assert host.api.delete(f"/webinars/{webinar['id']}").status_code == 204
    gone = host.api.get(f"/webinars/{webinar['id']}")
    assert (gone.status_code, gone.json()["code"]) == (404, 3001)


def test_registrants_get_their_own_join_links(host: Connected) -> None:
    """Each registrant has a join_url of their own; registering twice gives the same one."""
    webinar = create(host)
    first = register(host, webinar["id"], "ana@example.com")
    assert first.status_code == 201
    body = first.json()
    assert body["id"] == str(webinar["id"])
    assert body["topic"] == "Product tour"
    other = register(host, webinar["id"], "bo@example.com").json()
    assert body["join_url"] != other["join_url"]
    assert f"/w/{webinar['id']}?tk=" in body["join_url"]
    again = register(host, webinar["id"], "ANA@example.com").json()
    assert again["registrant_id"] == body["registrant_id"]
    listed = host.api.get(f"/webinars/{webinar['id']}/registrants").json()
    assert listed["total_records"] == 2
    assert {r["status"] for r in listed["registrants"]} == {"approved"}
    one = host.api.get(f"/webinars/{webinar['id']}/registrants/{body['registrant_id']}")
    assert one.json()["email"] == "ana@example.com"


def test_registration_needs_approval_type_0_or_1(host: Connected) -> None:
    """A webinar without registration refuses registrants with code 3000."""
    webinar = create(host, settings={"approval_type": 2})
    refused = register(host, webinar["id"], "ana@example.com")
    assert refused.status_code == 400
    assert refused.json() == {
        "code": 3000,
        "message": f"This webinar does not have registration as required: {webinar['id']}.",
    }


def test_host_cannot_register(host: Connected) -> None:
    """The host registering for their own webinar gets 3027."""
    webinar = create(host)
    assert register(host, webinar["id"], host.user["email"]).json()["code"] == 3027


def test_manual_approval_and_status_changes(host: Connected) -> None:
    """Manual approval leaves registrants pending until approved; cancel leaves them denied."""
    webinar = create(host, settings={"approval_type": 1})
    registrant = register(host, webinar["id"], "ana@example.com").json()
    pending = host.api.get(f"/webinars/{webinar['id']}/registrants", params={"status": "pending"})
    assert [r["id"] for r in pending.json()["registrants"]] == [registrant["registrant_id"]]
    approved = host.api.put(
        f"/webinars/{webinar['id']}/registrants/status",
        json={"action": "approve", "registrants": [{"id": registrant["registrant_id"]}]},
    )
    assert approved.status_code == 204
    assert host.api.get(f"/webinars/{webinar['id']}/registrants").json()["total_records"] == 1
    cancelled = host.api.put(
        f"/webinars/{webinar['id']}/registrants/status",
        json={"action": "cancel", "registrants": [{"email": "ana@example.com"}]},
    )
    assert cancelled.status_code == 204
    denied = host.api.get(f"/webinars/{webinar['id']}/registrants", params={"status": "denied"})
    assert denied.json()["total_records"] == 1
    assert register(host, webinar["id"], "ana@example.com").json()["code"] == 3000


def test_delete_registrant(host: Connected) -> None:
    """DELETE removes a registrant; an unknown one gets code 3000."""
    webinar = create(host)
    registrant = register(host, webinar["id"], "ana@example.com").json()
    url = f"/webinars/{webinar['id']}/registrants/{registrant['registrant_id']}"
    assert host.api.delete(url).status_code == 204
    again = host.api.delete(url)
    assert again.status_code == 400
    assert again.json()["code"] == 3000


def test_registrant_body_is_validated(host: Connected) -> None:
    """Registrants need an email and a first name."""
    webinar = create(host)
    missing = host.api.post(f"/webinars/{webinar['id']}/registrants", json={"email": "a@b.co"})
    assert missing.json()["errors"] == [{"field": "first_name", "message": "Invalid field."}]


def test_attendance_reads_back_after_the_webinar(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """Past participants and the report list who attended, once the webinar took place."""
    webinar = create(host)
    registrant = register(host, webinar["id"], "ana@example.com").json()
    before = host.api.get(f"/past_webinars/{webinar['id']}/participants")
    assert (before.status_code, before.json()["code"]) == (404, 3001)
    zoom_sandbox.record_attendance(
        webinar["id"],
        [
            {"registrant_id": registrant["registrant_id"], "duration": 42},
            {"name": "Walk-in", "email": "walk@example.com"},
        ],
    )
    past = host.api.get(f"/past_webinars/{webinar['id']}/participants").json()
    assert past["total_records"] == 2
    attended = past["participants"][0]
    assert attended["user_email"] == "ana@example.com"
    assert attended["registrant_id"] == registrant["registrant_id"]
    assert attended["duration"] == 42 * 60
    report = host.api.get(f"/report/webinars/{webinar['id']}/participants").json()
    assert {p["name"] for p in report["participants"]} == {"Rita Registrant", "Walk-in"}


def test_joining_through_the_registrant_link_records_attendance(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """A registrant who opens their join link and joins shows up as a participant."""
    webinar = create(host)
    registrant = register(host, webinar["id"], "ana@example.com").json()
    with zoom_sandbox.browser() as browser:
        page = browser.get(registrant["join_url"])
        assert page.status_code == 200
        assert "Join webinar" in page.text
        joined = browser.post(registrant["join_url"])
        assert "You joined Product tour" in joined.text
    past = host.api.get(f"/past_webinars/{webinar['id']}/participants").json()
    assert past["participants"][0]["registrant_id"] == registrant["registrant_id"]


@pytest.mark.parametrize("status", ["pending", "denied"])
def test_registrants_not_approved_cannot_join(
    zoom_sandbox: ZoomSandbox, host: Connected, status: str
) -> None:
    """Pending or cancelled registrants are turned away by their join link."""
    webinar = create(host, settings={"approval_type": 1})
    registrant = register(host, webinar["id"], "ana@example.com").json()
    if status == "denied":
        host.api.put(
            f"/webinars/{webinar['id']}/registrants/status",
            json={"action": "deny", "registrants": [{"id": registrant["registrant_id"]}]},
        )
    page = httpx.get(registrant["join_url"])
    assert page.status_code == 403


def test_a_refused_update_changes_nothing(host: Connected) -> None:
    """A webinar PATCH answered with 400 leaves the webinar exactly as it was."""
    webinar = create(host)
    before = host.api.get(f"/webinars/{webinar['id']}").json()
    for body in (
        {"topic": "CHANGED", "settings": {"approval_type": 2}, "password": "bad pass!"},
        {"type": 9},
    ):
        refused = host.api.patch(f"/webinars/{webinar['id']}", json=body)
        assert refused.status_code == 400, (body, refused.text)
        assert host.api.get(f"/webinars/{webinar['id']}").json() == before, body


def test_updating_one_occurrence_changes_only_that_occurrence(host: Connected) -> None:
    """PATCH with occurrence_id moves that occurrence; the series and the others stay."""
    webinar = create(host, type=9, recurrence={"type": 1, "repeat_interval": 1, "end_times": 3})
    before = host.api.get(f"/webinars/{webinar['id']}").json()
    first, second, third = before["occurrences"]
    moved = host.api.patch(
        f"/webinars/{webinar['id']}",
        params={"occurrence_id": second["occurrence_id"]},
        json={"start_time": "2030-05-05T18:00:00Z", "duration": 30},
    )
    assert moved.status_code == 204
    after = host.api.get(f"/webinars/{webinar['id']}").json()
    assert after["occurrences"] == [
        first,
        {**second, "start_time": "2030-05-05T18:00:00Z", "duration": 30},
        third,
    ]
    assert {k: v for k, v in after.items() if k != "occurrences"} == {
        k: v for k, v in before.items() if k != "occurrences"
    }
    unknown = host.api.patch(
        f"/webinars/{webinar['id']}", params={"occurrence_id": "1"}, json={"duration": 30}
    )
    assert unknown.json() == {"code": 3000, "message": "Invalid occurrence_id."}


def test_a_webinars_start_url_opens_its_start_page_as_its_host(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """Create and GET /webinars/{id} both answer a start_url ("a URL using which a host ...
    can start the Webinar", SPEC-2023a webinarCreate and webinar responses; REFERENCE §3.1,
    §3.4). Opened, it is the webinar's start page, signed in as its host; starting it
    starts the webinar (which Zoom then refuses to delete, 3002). A start link with a wrong
    token starts nothing."""
    webinar = create(host)
    fetched = host.api.get(f"/webinars/{webinar['id']}").json()
    assert fetched["start_url"] == webinar["start_url"]
    path, _, query = fetched["start_url"].removeprefix(zoom_sandbox.base_url).partition("?")
    assert path == f"/s/{webinar['id']}"
    assert query.startswith("zak=")
    with zoom_sandbox.browser() as browser:
        opened = browser.get(f"{path}?{query}")
        assert opened.status_code == 200
        assert "<h1>Start webinar</h1>" in opened.text
        assert re.search(
            rf"You are the host: signed in as [^<]*\({host.user['email']}\)", opened.text
        )
        assert "Status: <strong>waiting</strong>" in opened.text
        assert browser.post(f"{path}/start?zak=forged").status_code == 404
        started = browser.post(f"{path}/start?{query}", follow_redirects=True)
        assert "Status: <strong>started</strong>" in started.text
    refused = host.api.delete(f"/webinars/{webinar['id']}")
    assert (refused.status_code, refused.json()["code"]) == (400, 3002)


def test_a_start_url_expires_two_hours_after_it_is_given_out(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """A start_url starts its webinar for two hours ("The expiration time for the start_url
    ... is two hours", SPEC-2023a; Zoom staff: "2 hours after the creation",
    devforum.zoom.us/t/60314); until then every GET gives the same one. After, the old link
    is refused (403, starts nothing) and a GET gives a new one that starts it ("to
    retrieve the latest value ... call the Get a webinar API", SPEC-2023a)."""

    def get() -> dict:
        """GET /webinars/{id} with a token fresh at the sandbox's time (an hour's)."""
        token = zoom_sandbox.tokens_for(host.user["id"])["access_token"]
        host.api.headers["Authorization"] = f"Bearer {token}"
        return host.api.get(f"/webinars/{webinar['id']}").json()

    webinar = create(host)
    zoom_sandbox.advance_clock(2 * 60 * 60 - 60)
    assert get()["start_url"] == webinar["start_url"]
    zoom_sandbox.advance_clock(60)
    old_path = webinar["start_url"].removeprefix(zoom_sandbox.base_url)
    with zoom_sandbox.browser() as browser:
        expired = browser.get(old_path)
        assert expired.status_code == 403
        assert "This start link has expired." in expired.text
        path, _, query = old_path.partition("?")
        assert browser.post(f"{path}/start?{query}").status_code == 403
        current = get()["start_url"]
        assert current != webinar["start_url"]
        assert get()["start_url"] == current
        opened = browser.get(current.removeprefix(zoom_sandbox.base_url))
        assert "<h1>Start webinar</h1>" in opened.text
        assert "Status: <strong>waiting</strong>" in opened.text
