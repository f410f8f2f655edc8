"""REST v2 webinar registrants: add, list, get, change status, delete.

Zoom's per-registrant daily caps apply: 3 adds and 10 status changes a day for the same
registrant of the same webinar.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from zoom_sandbox.api_webinars import licensed_webinar
from zoom_sandbox.apiop import Caller, json_body, no_content, operation, paginate
from zoom_sandbox.errors import ZoomError
from zoom_sandbox.webinars import (
    registrant_add,
    registrant_join_url,
    registrant_view,
    registrants_set_status,
    registration_open,
)

STATUSES = ("pending", "approved", "denied")


@operation(label="light", operation_id="webinarRegistrantCreate")
async def add_registrant(request: Request, caller: Caller) -> Response:
    sandbox = caller.sandbox
    webinar = licensed_webinar(caller, request)
    body = await json_body(request, "webinarRegistrantCreate")
    sandbox.limiter.charge_registrant("add", webinar.id, body["email"])
    registrant = registrant_add(sandbox, webinar, body)
    answer: dict[str, Any] = {
        # The contract types this as a string, though it is the webinar's number.
        "id": str(webinar.id),
        "registrant_id": registrant.id,
        "join_url": registrant_join_url(webinar, registrant),
        "topic": webinar.topic,
    }
    if webinar.start_time:
        answer["start_time"] = webinar.start_time
    if webinar.occurrences:
        answer["occurrences"] = webinar.occurrences
    return JSONResponse(answer, status_code=201)


@operation(label="medium", operation_id="webinarRegistrants")
async def list_registrants(request: Request, caller: Caller) -> Response:
    webinar = licensed_webinar(caller, request)
    status = request.query_params.get("status", "approved")
    if status not in STATUSES:
        raise ZoomError(400, 300, "Invalid field: status.")
    found = [
        registrant_view(webinar, r) for r in webinar.registrants.values() if r.status == status
    ]
    return JSONResponse(paginate(request, found, "registrants"))


@operation(label="light", operation_id="webinarRegistrantGet")
async def get_registrant(request: Request, caller: Caller) -> Response:
    webinar = licensed_webinar(caller, request)
    registrant = webinar.registrants.get(request.path_params["registrantId"])
    if registrant is None:
        raise ZoomError(404, 3001, f"Registrant {request.path_params['registrantId']} not found.")
    return JSONResponse(registrant_view(webinar, registrant))


@operation(label="medium", operation_id="webinarRegistrantStatus")
async def update_registrant_status(request: Request, caller: Caller) -> Response:
    sandbox = caller.sandbox
    webinar = licensed_webinar(caller, request)
    body = await json_body(request, "webinarRegistrantStatus")
    wanted = body.get("registrants", [])
    for ref in wanted:
        sandbox.limiter.charge_registrant(
            "status", webinar.id, ref.get("email") or ref.get("id", "")
        )
    registrants_set_status(sandbox, webinar, body["action"], wanted)
    return no_content()


@operation(label="light", operation_id="deleteWebinarRegistrant")
async def delete_registrant(request: Request, caller: Caller) -> Response:
    sandbox = caller.sandbox
    webinar = licensed_webinar(caller, request)
    registrant_id = request.path_params["registrantId"]
    if not registration_open(webinar):
        raise ZoomError(
            400, 404, f"Registration has not been enabled for this webinar: {webinar.id}."
        )
    if webinar.registrants.pop(registrant_id, None) is None:
        raise ZoomError(400, 3000, f"Registrant {registrant_id} was not found.")
    sandbox.changed()
    return no_content()
