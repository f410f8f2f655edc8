"""REST v2 meetings: create, list, get, update, delete, and past participants."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from zoom_sandbox.apiop import (
    Caller,
    json_body,
    no_content,
    operation,
    paginate,
    resolve_user,
)
from zoom_sandbox.errors import ZoomError
from zoom_sandbox.lifecycle import (
    occurrence_update,
    scheduled_or_occurrence_delete,
    scheduled_update,
)
from zoom_sandbox.lookups import find_meeting
from zoom_sandbox.meetings import meeting_create, meeting_view
from zoom_sandbox.participants import participants_page
from zoom_sandbox.scheduling import find_occurrence, list_item, upcoming

LIST_TYPES = ("scheduled", "live", "upcoming", "upcoming_meetings", "previous_meetings")


@operation(label="medium", operation_id="meetingCreate")
async def create_meeting(request: Request, caller: Caller) -> Response:
    sandbox = caller.sandbox
    host = resolve_user(caller, request.path_params["userId"])
    body = await json_body(request, "meetingCreate")
    with sandbox.limiter.host_create_update(host.id, caller.rate_headers):
        meeting = meeting_create(
            sandbox,
            host=host,
            body=body,
            join_base=sandbox.base_url(request),
            operator=caller.user,
            notify=sandbox.app.api_change_events,
        )
    return JSONResponse(meeting_view(sandbox, meeting), status_code=201)


@operation(label="medium", operation_id="meetings")
async def list_meetings(request: Request, caller: Caller) -> Response:
    host = resolve_user(caller, request.path_params["userId"])
    kind = request.query_params.get("type", "scheduled")
    if kind not in LIST_TYPES:
        raise ZoomError(400, 300, "Invalid field: type.")
    meetings = [m for m in caller.sandbox.state.meetings.values() if m.host_id == host.id]
    if kind == "live":
        meetings = [m for m in meetings if m.status == "started"]
    elif kind in ("upcoming", "upcoming_meetings"):
        meetings = [m for m in meetings if m.type != 1 and upcoming(m)]
    elif kind == "previous_meetings":
        meetings = [m for m in meetings if not upcoming(m)]
    else:
        meetings = [m for m in meetings if m.type != 1]
    meetings.sort(key=lambda m: (m.start_time or "", m.id))
    return JSONResponse(paginate(request, [list_item(m) for m in meetings], "meetings"))


@operation(label="light", operation_id="meeting")
async def get_meeting(request: Request, caller: Caller) -> Response:
    meeting = find_meeting(caller, request.path_params["meetingId"])
    find_occurrence(meeting, request.query_params.get("occurrence_id"))
    return JSONResponse(meeting_view(caller.sandbox, meeting))


@operation(label="light", operation_id="meetingUpdate")
async def update_meeting(request: Request, caller: Caller) -> Response:
    sandbox = caller.sandbox
    meeting = find_meeting(caller, request.path_params["meetingId"])
    body = await json_body(request, "meetingUpdate")
    occurrence = find_occurrence(meeting, request.query_params.get("occurrence_id"))
    if meeting.status == "started":
        raise ZoomError(
            400, 3000, "You cannot update or delete meetings that have started using this method."
        )
    with sandbox.limiter.host_create_update(meeting.host_id, caller.rate_headers):
        if occurrence is not None:
            occurrence_update(
                sandbox,
                meeting,
                occurrence,
                body,
                operator=caller.user,
                notify=sandbox.app.api_change_events,
                future_start=True,
            )
        else:
            scheduled_update(
                sandbox,
                meeting,
                body,
                operator=caller.user,
                notify=sandbox.app.api_change_events,
                future_start=True,
            )
    return no_content()


@operation(label="light", operation_id="meetingDelete")
async def delete_meeting(request: Request, caller: Caller) -> Response:
    sandbox = caller.sandbox
    meeting = find_meeting(caller, request.path_params["meetingId"])
    if meeting.status == "started":
        raise ZoomError(400, 3002, "Sorry, you cannot delete this meeting since it is in progress.")
    occurrence = find_occurrence(meeting, request.query_params.get("occurrence_id"))
    scheduled_or_occurrence_delete(
        sandbox, meeting, occurrence, operator=caller.user, notify=sandbox.app.api_change_events
    )
    return no_content()


@operation(label="medium", operation_id="pastMeetingParticipants")
async def past_meeting_participants(request: Request, caller: Caller) -> Response:
    meeting = find_meeting(caller, request.path_params["meetingId"])
    if not meeting.held:
        raise ZoomError(404, 3001, "This meeting is not available or ID is not valid.")
    return JSONResponse(participants_page(request, meeting, report=False))
