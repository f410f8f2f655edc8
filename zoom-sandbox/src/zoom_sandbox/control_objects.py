"""The control API's view of meetings and webinars, and changes made "in Zoom".

`DELETE` and `PATCH` here stand for the host deleting or moving a meeting on Zoom's own
pages: the change happens and the app gets `meeting.deleted` / `meeting.updated` (or the
webinar ones). Attendance posted here is what the past-participant endpoints return.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from zoom_sandbox.control_input import (
    DATE_TIME,
    TEXT,
    TIME_ZONE,
    ControlError,
    Kind,
    check_fields,
    control_body,
    whole,
)
from zoom_sandbox.ids import parse_number
from zoom_sandbox.lifecycle import scheduled_delete, scheduled_update
from zoom_sandbox.meetings import meeting_view
from zoom_sandbox.participants import attendance_record, participant_view
from zoom_sandbox.runtime import Sandbox, sandbox_of
from zoom_sandbox.scheduling import TOPIC_MAX
from zoom_sandbox.state import Meeting, Scheduled, Webinar
from zoom_sandbox.webinars import registrant_view, webinar_view

MOVABLE = {
    "start_time": DATE_TIME,
    "duration": whole(1, unit="minutes"),
    "timezone": TIME_ZONE,
    "topic": Kind(
        f"a string of 1 to {TOPIC_MAX} characters",
        lambda v: isinstance(v, str) and 0 < len(v) <= TOPIC_MAX,
    ),
}
ATTENDEE = {
    "name": TEXT,
    "email": TEXT,
    "registrant_id": TEXT,
    "join_time": DATE_TIME,
    "duration": whole(unit="minutes"),
}
PARTICIPANTS = Kind(
    "a list of objects", lambda v: isinstance(v, list) and all(isinstance(e, dict) for e in v)
)


def webinar_control_view(sandbox: Sandbox, webinar: Webinar) -> dict[str, Any]:
    return {
        **webinar_view(sandbox, webinar),
        "registrants": [registrant_view(webinar, r) for r in webinar.registrants.values()],
    }


def meeting_or_404(sandbox: Sandbox, raw: str) -> Meeting:
    number = parse_number(raw)
    meeting = sandbox.state.meetings.get(number) if number is not None else None
    if meeting is None:
        raise ControlError(404, f"No meeting {raw}.")
    return meeting


def webinar_or_404(sandbox: Sandbox, raw: str) -> Webinar:
    number = parse_number(raw)
    webinar = sandbox.state.webinars.get(number) if number is not None else None
    if webinar is None:
        raise ControlError(404, f"No webinar {raw}.")
    return webinar


async def move_body(request: Request) -> dict[str, Any]:
    changes = await control_body(request, MOVABLE)
    if not changes:
        raise ControlError(400, f"Give at least one of {', '.join(MOVABLE)}.")
    return changes


async def list_meetings(request: Request) -> Response:
    sandbox = sandbox_of(request)
    host_id = request.query_params.get("host_id")
    return JSONResponse(
        [
            meeting_view(sandbox, m)
            for m in sandbox.state.meetings.values()
            if host_id is None or m.host_id == host_id
        ]
    )


async def delete_meeting(request: Request) -> Response:
    sandbox = sandbox_of(request)
    meeting = meeting_or_404(sandbox, request.path_params["meeting_id"])
    host = sandbox.state.users[meeting.host_id]
    scheduled_delete(sandbox, meeting, operator=host, notify=True)
    return Response(status_code=204)


async def move_meeting(request: Request) -> Response:
    sandbox = sandbox_of(request)
    meeting = meeting_or_404(sandbox, request.path_params["meeting_id"])
    changes = await move_body(request)
    host = sandbox.state.users[meeting.host_id]
    scheduled_update(sandbox, meeting, changes, operator=host, notify=True)
    return JSONResponse(meeting_view(sandbox, meeting))


async def list_webinars(request: Request) -> Response:
    sandbox = sandbox_of(request)
    host_id = request.query_params.get("host_id")
    return JSONResponse(
        [
            webinar_control_view(sandbox, w)
            for w in sandbox.state.webinars.values()
            if host_id is None or w.host_id == host_id
        ]
    )


async def delete_webinar(request: Request) -> Response:
    sandbox = sandbox_of(request)
    webinar = webinar_or_404(sandbox, request.path_params["webinar_id"])
    host = sandbox.state.users[webinar.host_id]
    scheduled_delete(sandbox, webinar, operator=host, notify=True)
    return Response(status_code=204)


async def move_webinar(request: Request) -> Response:
    sandbox = sandbox_of(request)
    webinar = webinar_or_404(sandbox, request.path_params["webinar_id"])
    changes = await move_body(request)
    host = sandbox.state.users[webinar.host_id]
    scheduled_update(sandbox, webinar, changes, operator=host, notify=True)
    return JSONResponse(webinar_control_view(sandbox, webinar))


async def list_registrants(request: Request) -> Response:
    sandbox = sandbox_of(request)
    webinar = webinar_or_404(sandbox, request.path_params["webinar_id"])
    return JSONResponse([registrant_view(webinar, r) for r in webinar.registrants.values()])


async def post_attendance(request: Request, item: Scheduled) -> Response:
    body = await control_body(request, {"participants": PARTICIPANTS})
    if "participants" not in body:
        raise ControlError(400, "participants is required.")
    entries = body["participants"]
    for index, entry in enumerate(entries):
        check_fields(entry, ATTENDEE, where=f"participants[{index}].")
    try:
        added = attendance_record(sandbox_of(request), item, entries)
    except ValueError as exc:
        raise ControlError(400, str(exc)) from None
    return JSONResponse([participant_view(p, report=True) for p in added], status_code=201)


async def meeting_attendance(request: Request) -> Response:
    meeting = meeting_or_404(sandbox_of(request), request.path_params["meeting_id"])
    return await post_attendance(request, meeting)


async def webinar_attendance(request: Request) -> Response:
    webinar = webinar_or_404(sandbox_of(request), request.path_params["webinar_id"])
    return await post_attendance(request, webinar)
