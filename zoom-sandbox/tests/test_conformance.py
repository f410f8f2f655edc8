"""Every endpoint the sandbox serves, checked against Zoom's OpenAPI contract.

Each scenario makes real HTTP requests to the sandbox; openapi-core then validates the
request the test sent and the response the sandbox returned against
`ZoomMeetingAPISpec.slotlink.json`. One scenario per operation in the contract.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from sandbox_helpers import Connected, connect
from zoom_sandbox.contract import spec
from zoom_sandbox.testing import SandboxServer, ZoomSandbox

pytestmark = [
    # openapi-core cannot check OAuth2 security schemes, and Zoom's file uses allowEmptyValue.
    pytest.mark.filterwarnings("ignore:Unsupported scheme type:UserWarning"),
    pytest.mark.filterwarnings("ignore:Use of allowEmptyValue:DeprecationWarning"),
]

MEETING = {
    "topic": "Contract call",
    "type": 2,
    "start_time": "2030-03-01T09:00:00Z",
    "duration": 30,
    "timezone": "America/Chicago",
    "agenda": "Checked against the contract",
    "settings": {"waiting_room": True, "join_before_host": False, "approval_type": 2},
    "tracking_fields": [{"field": "source", "value": "slotlink"}],
}
WEBINAR = {
    "topic": "Contract webinar",
    "type": 5,
    "start_time": "2030-03-01T15:00:00Z",
    "duration": 60,
    "settings": {"approval_type": 0, "registrants_email_notification": True},
}


@dataclass
class World:
    sandbox: ZoomSandbox
    host: Connected
    admin: Connected
    member: Connected

    @property
    def api(self) -> httpx.Client:
        return self.host.api

    def meeting(self, **changes: object) -> dict:
        return self.api.post("/users/me/meetings", json={**MEETING, **changes}).json()

    def webinar(self) -> dict:
        return self.api.post("/users/me/webinars", json=WEBINAR).json()

    def registrant(self, webinar_id: int, email: str = "reg@example.com") -> dict:
        return self.api.post(
            f"/webinars/{webinar_id}/registrants",
            json={"email": email, "first_name": "Reg", "last_name": "Istrant", "city": "Lyon"},
        ).json()


Scenario = Callable[[World], list[httpx.Response]]


def s_meetings(w: World) -> list[httpx.Response]:
    w.meeting()
    w.meeting(type=8, recurrence={"type": 1, "repeat_interval": 1, "end_times": 3})
    return [
        w.api.get("/users/me/meetings"),
        w.api.get("/users/me/meetings", params={"type": "upcoming", "page_size": 1}),
    ]


def s_meeting_create(w: World) -> list[httpx.Response]:
    return [
        w.api.post("/users/me/meetings", json=MEETING),
        w.api.post("/users/me/meetings", json={"topic": "Minimal"}),
        w.api.post(
            "/users/me/meetings",
            json={**MEETING, "type": 8, "recurrence": {"type": 2, "weekly_days": "3"}},
        ),
        w.api.post("/users/me/meetings", json={"type": 3, "topic": "Any time"}),
    ]


def s_meeting(w: World) -> list[httpx.Response]:
    meeting = w.meeting()
    return [w.api.get(f"/meetings/{meeting['id']}"), w.api.get("/meetings/12345678901")]


def s_meeting_update(w: World) -> list[httpx.Response]:
    meeting = w.meeting()
    return [
        w.api.patch(
            f"/meetings/{meeting['id']}",
            json={
                "start_time": "2030-03-02T09:00:00Z",
                "duration": 45,
                "settings": {"mute_upon_entry": True},
            },
        ),
        w.api.patch("/meetings/12345678901", json={"topic": "x"}),
    ]


def s_meeting_delete(w: World) -> list[httpx.Response]:
    meeting = w.meeting()
    return [w.api.delete(f"/meetings/{meeting['id']}"), w.api.delete("/meetings/12345678901")]


def s_past_meeting_participants(w: World) -> list[httpx.Response]:
    meeting = w.meeting()
    w.sandbox.control.post(
        f"/meetings/{meeting['id']}/participants",
        json={"participants": [{"name": "Pia", "email": "pia@example.com"}]},
    )
    return [w.api.get(f"/past_meetings/{meeting['id']}/participants")]


def s_list_webinar_participants(w: World) -> list[httpx.Response]:
    webinar = w.webinar()
    registrant = w.registrant(webinar["id"])
    w.sandbox.record_attendance(
        webinar["id"], [{"registrant_id": registrant["registrant_id"]}, {"name": "No email"}]
    )
    return [w.api.get(f"/past_webinars/{webinar['id']}/participants")]


def s_report_webinar_participants(w: World) -> list[httpx.Response]:
    webinar = w.webinar()
    registrant = w.registrant(webinar["id"])
    w.sandbox.record_attendance(webinar["id"], [{"registrant_id": registrant["registrant_id"]}])
    return [w.api.get(f"/report/webinars/{webinar['id']}/participants")]


def s_user(w: World) -> list[httpx.Response]:
    return [
        w.api.get("/users/me"),
        w.api.get(f"/users/{w.host.user['id']}"),
        w.api.get("/users/nobody@example.com"),
    ]


def s_user_update(w: World) -> list[httpx.Response]:
    return [w.api.patch("/users/me", json={"first_name": "Renamed", "timezone": "Asia/Tokyo"})]


def s_user_delete(w: World) -> list[httpx.Response]:
    # Deleting another user takes an admin-scoped token.
    tokens = w.sandbox.tokens_for(w.admin.user["id"], scopes="user:delete:user:admin")
    w.admin.api.headers["Authorization"] = f"Bearer {tokens['access_token']}"
    return [
        w.admin.api.delete(f"/users/{w.member.user['id']}", params={"action": "delete"}),
        w.admin.api.delete("/users/nobody@example.com"),
    ]


def s_user_settings(w: World) -> list[httpx.Response]:
    return [
        w.api.get("/users/me/settings"),
        w.api.get("/users/me/settings", params={"option": "meeting_security"}),
    ]


def s_user_settings_update(w: World) -> list[httpx.Response]:
    return [
        w.api.patch(
            "/users/me/settings",
            json={"schedule_meeting": {"host_video": True}, "in_meeting": {"waiting_room": True}},
        )
    ]


def s_webinars(w: World) -> list[httpx.Response]:
    w.webinar()
    return [
        w.api.get("/users/me/webinars"),
        w.api.get("/users/me/webinars", params={"page_size": 1}),
    ]


def s_webinar_create(w: World) -> list[httpx.Response]:
    return [
        w.api.post("/users/me/webinars", json=WEBINAR),
        w.api.post("/users/me/webinars", json={"topic": "Minimal webinar"}),
    ]


def s_webinar(w: World) -> list[httpx.Response]:
    webinar = w.webinar()
    return [w.api.get(f"/webinars/{webinar['id']}"), w.api.get("/webinars/12345678901")]


def s_webinar_update(w: World) -> list[httpx.Response]:
    webinar = w.webinar()
    return [
        w.api.patch(f"/webinars/{webinar['id']}", json={"topic": "Renamed", "duration": 90}),
        w.api.patch("/webinars/12345678901", json={"topic": "x"}),
    ]


def s_webinar_delete(w: World) -> list[httpx.Response]:
    webinar = w.webinar()
    return [w.api.delete(f"/webinars/{webinar['id']}"), w.api.delete("/webinars/12345678901")]


def s_webinar_registrants(w: World) -> list[httpx.Response]:
    webinar = w.webinar()
    w.registrant(webinar["id"])
    w.registrant(webinar["id"], "second@example.com")
    return [
        w.api.get(f"/webinars/{webinar['id']}/registrants"),
        w.api.get(f"/webinars/{webinar['id']}/registrants", params={"status": "pending"}),
    ]


def s_webinar_registrant_create(w: World) -> list[httpx.Response]:
    webinar = w.webinar()
    return [
        w.api.post(
            f"/webinars/{webinar['id']}/registrants",
            json={"email": "new@example.com", "first_name": "New", "no_of_employees": "1-20"},
        )
    ]


def s_webinar_registrant_status(w: World) -> list[httpx.Response]:
    webinar = w.webinar()
    registrant = w.registrant(webinar["id"])
    return [
        w.api.put(
            f"/webinars/{webinar['id']}/registrants/status",
            json={"action": "cancel", "registrants": [{"id": registrant["registrant_id"]}]},
        )
    ]


def s_delete_webinar_registrant(w: World) -> list[httpx.Response]:
    webinar = w.webinar()
    registrant = w.registrant(webinar["id"])
    return [
        w.api.delete(f"/webinars/{webinar['id']}/registrants/{registrant['registrant_id']}"),
        w.api.delete(f"/webinars/{webinar['id']}/registrants/nobody"),
    ]


def s_webinar_registrant_get(w: World) -> list[httpx.Response]:
    webinar = w.webinar()
    registrant = w.registrant(webinar["id"])
    return [
        w.api.get(f"/webinars/{webinar['id']}/registrants/{registrant['registrant_id']}"),
        w.api.get(f"/webinars/{webinar['id']}/registrants/nobody"),
    ]


SCENARIOS: dict[str, Scenario] = {
    "meetings": s_meetings,
    "meetingCreate": s_meeting_create,
    "meeting": s_meeting,
    "meetingUpdate": s_meeting_update,
    "meetingDelete": s_meeting_delete,
    "pastMeetingParticipants": s_past_meeting_participants,
    "listWebinarParticipants": s_list_webinar_participants,
    "reportWebinarParticipants": s_report_webinar_participants,
    "user": s_user,
    "userUpdate": s_user_update,
    "userDelete": s_user_delete,
    "userSettings": s_user_settings,
    "userSettingsUpdate": s_user_settings_update,
    "webinars": s_webinars,
    "webinarCreate": s_webinar_create,
    "webinar": s_webinar,
    "webinarUpdate": s_webinar_update,
    "webinarDelete": s_webinar_delete,
    "webinarRegistrants": s_webinar_registrants,
    "webinarRegistrantCreate": s_webinar_registrant_create,
    "webinarRegistrantStatus": s_webinar_registrant_status,
    "deleteWebinarRegistrant": s_delete_webinar_registrant,
    "webinarRegistrantGet": s_webinar_registrant_get,
}


def operations() -> dict[str, tuple[str, str]]:
    """operationId -> (method, path template) for every operation in the contract."""
    found = {}
    for path, item in spec()["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                found[operation["operationId"]] = (method.upper(), path)
    return found


def path_pattern(template: str) -> re.Pattern[str]:
    return re.compile("^/v2" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")


def validate(contract: OpenAPI, base_url: str, response: httpx.Response) -> None:
    sent = response.request
    content_type = sent.headers.get("content-type", "application/json")
    request = MockRequest(
        base_url,
        sent.method,
        sent.url.path,
        args=dict(sent.url.params),
        headers=dict(sent.headers),
        data=sent.content or None,
        content_type=content_type,
    )
    contract.validate_request(request)
    answer = MockResponse(
        response.content,
        status_code=response.status_code,
        headers=dict(response.headers),
        content_type=response.headers.get("content-type", ""),
    )
    contract.validate_response(request, answer)


@pytest.fixture(scope="session")
def contract(zoom_sandbox_server: SandboxServer) -> OpenAPI:
    document = json.loads(json.dumps(spec()))
    document["servers"] = [{"url": f"{zoom_sandbox_server.base_url}/v2"}]
    return OpenAPI.from_dict(document)


@pytest.fixture
def world(zoom_sandbox: ZoomSandbox) -> Iterator[World]:
    # connect() gives every operation's own scope, so that each scenario gets past 4711.
    host = connect(zoom_sandbox, webinar=True)
    admin = connect(zoom_sandbox)
    member = connect(zoom_sandbox, account_id=admin.user["account_id"])
    yield World(zoom_sandbox, host, admin, member)
    for connected in (host, admin, member):
        connected.api.close()


def test_every_operation_in_the_contract_has_a_scenario() -> None:
    """The conformance scenarios cover every operation of the contract, and only those."""
    assert set(SCENARIOS) == set(operations())


@pytest.mark.parametrize("operation_id", sorted(SCENARIOS))
def test_responses_conform_to_the_contract(
    operation_id: str, world: World, contract: OpenAPI
) -> None:
    """The sandbox's real answers (and the test's requests) validate against the contract."""
    method, template = operations()[operation_id]
    responses = SCENARIOS[operation_id](world)
    pattern = path_pattern(template)
    aimed = [
        r for r in responses if r.request.method == method and pattern.match(r.request.url.path)
    ]
    assert aimed, f"no request to {method} {template}"
    assert any(r.status_code < 300 for r in aimed), [r.text for r in aimed]
    for response in responses:
        validate(contract, world.sandbox.base_url, response)
