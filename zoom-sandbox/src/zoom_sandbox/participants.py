"""Who attended a meeting or webinar, so the product can read attendance back.

Attendance is recorded when someone joins through the sandbox's join pages or when a
test posts it to the control API; either marks the meeting or webinar as held, which is
when Zoom's past-participant endpoints start answering for it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.requests import Request

from zoom_sandbox import ids, times
from zoom_sandbox.apiop import paginate
from zoom_sandbox.runtime import Sandbox
from zoom_sandbox.state import Participant, Scheduled, Webinar


def attendance_record(
    sandbox: Sandbox, item: Scheduled, entries: list[dict[str, Any]]
) -> list[Participant]:
    """Add participants (each `{name?, email?, registrant_id?, join_time?, duration?}`)."""
    added = []
    for entry in entries:
        registrant = None
        if isinstance(item, Webinar):
            registrant = item.registrants.get(entry.get("registrant_id", "")) or next(
                (
                    r
                    for r in item.registrants.values()
                    if entry.get("email") and r.email.lower() == entry["email"].lower()
                ),
                None,
            )
        email = entry.get("email") or (registrant.email if registrant else "")
        name = entry.get("name") or (
            f"{registrant.first_name} {registrant.last_name}".strip() if registrant else email
        )
        joined = times.parse_start_time(entry.get("join_time") or "", "UTC") or times.utc_now()
        minutes = int(entry.get("duration", item.duration or 60))
        participant = Participant(
            id=ids.zoom_id(),
            name=name or "Guest",
            user_email=email,
            join_time=times.iso(joined),
            leave_time=times.iso(joined + timedelta(minutes=minutes)),
            duration=minutes * 60,
            user_id=str(16_000_000 + len(item.participants)),
            registrant_id=registrant.id if registrant else "",
        )
        item.participants.append(participant)
        added.append(participant)
    item.held = True
    sandbox.changed()
    return added


def participant_view(participant: Participant, *, report: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": participant.id,
        "user_id": participant.user_id,
        "name": participant.name,
        "join_time": participant.join_time,
        "leave_time": participant.leave_time,
        "duration": participant.duration,
        "failover": False,
        "status": participant.status,
    }
    if participant.user_email:
        view["user_email"] = participant.user_email
    if participant.registrant_id:
        view["registrant_id"] = participant.registrant_id
    if report:
        view["customer_key"] = ""
    return view


def participants_page(request: Request, item: Scheduled, *, report: bool) -> dict[str, Any]:
    views = [participant_view(p, report=report) for p in item.participants]
    page = paginate(request, views, "participants")
    page.pop("page_number")
    return page
