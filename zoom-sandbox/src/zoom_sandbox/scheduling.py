"""What meetings and webinars have in common: times, passcodes, settings, links.

Zoom's rules kept here: a start time is stored in UTC and shown with the meeting's
`timezone`; a passcode is checked against (or, when required and missing, made by) the
account's rules; turning the waiting room on turns join-before-host off; the join link
carries the encrypted passcode as `?pwd=`.
"""

from __future__ import annotations

from typing import Any

from zoom_sandbox import ids, recurrence, times
from zoom_sandbox.errors import ZoomError
from zoom_sandbox.passcodes import check_passcode, make_passcode
from zoom_sandbox.state import Account, Scheduled, User

TOPIC_MAX = 200
DEFAULT_DURATION = 60
RECURRING_TYPES = {8, 9}
NO_FIXED_TIME_TYPES = {3, 6}
# A start_url starts its meeting or webinar for two hours for regular users (SPEC-2023a
# start_url: "The expiration time for the start_url field ... is two hours"; REFERENCE
# §2.1; Zoom staff: it "will expire 2 hours after the creation",
# https://devforum.zoom.us/t/start-url-expiration-time-in-create-meeting-api/60314).
START_URL_SECONDS = 2 * 60 * 60


def validation_failed(field: str) -> ZoomError:
    return ZoomError(
        400,
        300,
        "Validation Failed.",
        extra={"errors": [{"field": field, "message": "Invalid field."}]},
    )


def start_time_in_past() -> ZoomError:
    # Zoom's meetingUpdate says "The start_time value must be a future date" but also that a
    # past one is "ignored"; REFERENCE §2.3 lists it among the update's refusals. Refusing it
    # shows a product's bug in its tests instead of hiding it. Code 300, not 3000: 300 is
    # Zoom's code for a field value it cannot use, while its 3000s are about the meeting
    # itself (started, schedule_for, blocked domains).
    return ZoomError(400, 300, "The start_time value must be a future date.")


def parse_future_start(text: str, timezone: str, *, future: bool) -> str:
    """A body's start_time in UTC, refused when unreadable (or, if `future`, past)."""
    parsed = times.parse_start_time(text, timezone)
    if parsed is None:
        raise validation_failed("start_time")
    if future and parsed.timestamp() < times.now():
        raise start_time_in_past()
    return times.iso(parsed)


def apply_schedule(
    item: Scheduled,
    body: dict[str, Any],
    *,
    user: User,
    account: Account,
    creating: bool,
    future_start: bool = False,
) -> None:
    """Apply the fields of a create or update body to `item`, Zoom's way.

    `future_start` refuses a start_time in the past, as Zoom's meeting update does.
    """
    if "topic" in body:
        if len(body["topic"]) > TOPIC_MAX:
            raise validation_failed("topic")
        item.topic = body["topic"]
    if "agenda" in body:
        item.agenda = body["agenda"]
    if "type" in body:
        item.type = body["type"]
    if "timezone" in body:
        item.timezone = body["timezone"] if times.zone(body["timezone"]) else user.timezone
    if "tracking_fields" in body:
        item.tracking_fields = [
            {"field": f["field"], "value": f.get("value", ""), "visible": True}
            for f in body["tracking_fields"]
        ]
    _apply_times(item, body, creating=creating, future_start=future_start)
    _apply_passcode(item, body, account=account, creating=creating)
    item.settings.update(body.get("settings") or {})
    if item.settings.get("waiting_room"):
        item.settings["join_before_host"] = False
    if "recurrence" in body:
        item.recurrence = body["recurrence"]
    _refresh_occurrences(item)


def _apply_times(
    item: Scheduled, body: dict[str, Any], *, creating: bool, future_start: bool
) -> None:
    if item.type in (1,):
        if creating:
            item.start_time = times.iso(times.now())
            item.duration = body.get("duration", DEFAULT_DURATION)
        return
    if item.type in NO_FIXED_TIME_TYPES:
        item.start_time = None
        return
    if "start_time" in body:
        item.start_time = parse_future_start(body["start_time"], item.timezone, future=future_start)
    elif item.start_time is None:
        # Zoom schedules a meeting without a start time for "now".
        item.start_time = times.iso(times.now())
    if "duration" in body:
        item.duration = body["duration"]
    elif item.duration is None:
        item.duration = DEFAULT_DURATION


def _apply_passcode(
    item: Scheduled, body: dict[str, Any], *, account: Account, creating: bool
) -> None:
    rules = account.passcode_rules
    given = body.get("password")
    if given:
        check_passcode(given, rules)
        new = given
    elif given == "" and not creating:
        if rules.required:
            raise ZoomError(400, 300, "Passcode is required by your account's settings.")
        new = ""
    elif creating and (rules.required or body.get("default_password")):
        new = make_passcode(rules)
    else:
        return
    if new != item.password or creating:
        item.password = new
        item.encrypted_password = ids.encrypted_password() if new else ""
        digits = ids.numeric(max(6, len(new))) if new else ""
        item.h323_password = digits
        item.pstn_password = digits


def _refresh_occurrences(item: Scheduled) -> None:
    if item.type not in RECURRING_TYPES:
        item.occurrences = []
        return
    if not item.recurrence:
        raise ZoomError(400, 300, "Invalid recurrence settings.")
    start = times.parse_start_time(item.start_time or times.iso(times.now()), "UTC")
    assert start is not None
    item.occurrences = recurrence.occurrences(
        start, item.duration or DEFAULT_DURATION, item.recurrence
    )
    if item.occurrences:
        item.start_time = item.occurrences[0]["start_time"]


def find_occurrence(item: Scheduled, occurrence_id: str | None) -> dict[str, Any] | None:
    if not occurrence_id:
        return None
    for occurrence in item.occurrences:
        if occurrence["occurrence_id"] == occurrence_id:
            return occurrence
    raise ZoomError(400, 3000, "Invalid occurrence_id.")


def join_url(item: Scheduled, path: str = "j") -> str:
    url = f"{item.join_base}/{path}/{item.id}"
    return f"{url}?pwd={item.encrypted_password}" if item.encrypted_password else url


def start_url(item: Scheduled, *, now: float) -> str:
    """The host's start link: a new token once the last one given out has expired ("to
    retrieve the latest value for the start_url field (after expiry), you must call the Get
    a meeting/webinar API", SPEC-2023a; REFERENCE §2.1)."""
    if not start_token_valid(item, item.start_token, now=now):
        item.start_token = ids.opaque(40)
        item.start_token_issued_at = now
    return f"{item.join_base}/s/{item.id}?zak={item.start_token}"


def start_token_valid(item: Scheduled, token: str | None, *, now: float) -> bool:
    """Whether a start link's token starts the item now: the latest one, for two hours."""
    return token == item.start_token and now - item.start_token_issued_at < START_URL_SECONDS


def common_view(item: Scheduled, host: User, *, now: float) -> dict[str, Any]:
    """The fields GET and POST responses share for meetings and webinars; `now` is the
    sandbox's clock, by which start links expire."""
    view: dict[str, Any] = {
        "uuid": item.uuid,
        "id": item.id,
        "host_id": item.host_id,
        "host_email": host.email,
        "topic": item.topic,
        "type": item.type,
        "timezone": item.timezone,
        "agenda": item.agenda,
        "created_at": item.created_at,
        "start_url": start_url(item, now=now),
        "join_url": join_url(item),
        "password": item.password,
        "h323_password": item.h323_password,
        "pstn_password": item.pstn_password,
        "encrypted_password": item.encrypted_password,
        "settings": dict(item.settings),
        "pre_schedule": False,
    }
    if item.start_time is not None:
        view["start_time"] = item.start_time
    if item.duration is not None and item.type not in NO_FIXED_TIME_TYPES:
        view["duration"] = item.duration
    if item.recurrence:
        view["recurrence"] = item.recurrence
    if item.occurrences:
        view["occurrences"] = item.occurrences
    if item.tracking_fields:
        view["tracking_fields"] = item.tracking_fields
    return view


# "The length of agenda gets truncated to 250 characters when you list all meetings for a
# user" (and webinars): ZoomMeetingAPISpec, GET /users/{userId}/meetings and /webinars,
# `agenda`. Only a GET of the one meeting or webinar gives the whole agenda.
LISTED_AGENDA_LIMIT = 250


def list_item(item: Scheduled) -> dict[str, Any]:
    view: dict[str, Any] = {
        "uuid": item.uuid,
        "id": item.id,
        "host_id": item.host_id,
        "topic": item.topic,
        "type": item.type,
        "timezone": item.timezone,
        "created_at": item.created_at,
        "join_url": join_url(item),
    }
    if item.agenda:
        view["agenda"] = item.agenda[:LISTED_AGENDA_LIMIT]
    if item.start_time is not None:
        view["start_time"] = item.start_time
    if item.duration is not None and item.type not in NO_FIXED_TIME_TYPES:
        view["duration"] = item.duration
    return view


def upcoming(item: Scheduled) -> bool:
    if item.start_time is None:
        return True
    end = times.parse_start_time(item.start_time, "UTC")
    assert end is not None
    return end.timestamp() + (item.duration or 0) * 60 >= times.now()
