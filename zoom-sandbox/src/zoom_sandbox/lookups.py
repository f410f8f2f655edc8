"""Finding the meeting or webinar a path names, within the caller's reach.

`{meetingId}` is the number or, for some endpoints, the instance UUID (which Zoom asks
clients to double-encode when it starts with `/` or contains `//`).
"""

from __future__ import annotations

from typing import TypeVar
from urllib.parse import unquote

from zoom_sandbox.apiop import Caller
from zoom_sandbox.errors import ZoomError, meeting_not_found, webinar_not_found
from zoom_sandbox.ids import parse_number
from zoom_sandbox.state import Meeting, Scheduled, Webinar

Item = TypeVar("Item", bound=Scheduled)


def _find(items: dict[int, Item], raw: str) -> Item | None:
    if (number := parse_number(raw)) is not None:
        return items.get(number)
    uuid = raw
    while "%" in uuid:
        uuid = unquote(uuid)
    return next((item for item in items.values() if item.uuid == uuid), None)


def _owned(caller: Caller, item: Item | None, raw: str, missing: ZoomError) -> Item:
    if item is None:
        raise missing
    host = caller.sandbox.state.users.get(item.host_id)
    if host is None:
        raise missing
    if not caller.reaches(host):
        if host.account_id != caller.user.account_id:
            raise missing
        raise ZoomError(400, 3000, "Cannot access meeting information.")
    return item


def find_meeting(caller: Caller, raw: str) -> Meeting:
    meeting = _find(caller.sandbox.state.meetings, raw)
    return _owned(caller, meeting, raw, meeting_not_found(raw))


def find_webinar(caller: Caller, raw: str) -> Webinar:
    webinar = _find(caller.sandbox.state.webinars, raw)
    return _owned(caller, webinar, raw, webinar_not_found(raw))
