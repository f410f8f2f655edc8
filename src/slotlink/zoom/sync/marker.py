"""The create marker: a random mark saved on the row before each create and written into
the agenda Zoom keeps, so an attempt whose answer was lost finds what it made (and the
reconcile and webhooks tell slotlink's meetings from anyone else's).

It is written first: Zoom's lists, which the search for a lost create and the reconcile
read, give only an agenda's first 250 characters (ZoomMeetingAPISpec, GET
/users/{userId}/meetings and /webinars, `agenda`), and a booking's answers can make the
agenda far longer. Meetings made before carry it last, where an agenda that short keeps it.
"""

import uuid
from typing import Any

MARKER_PREFIX = "slotlink-ref:"


def marker_new() -> str:
    return uuid.uuid4().hex


def agenda_marked(agenda: str, marker: str) -> str:
    return f"{MARKER_PREFIX}{marker}\n\n{agenda}".strip()


def carries_marker(item: dict[str, Any], marker: str) -> bool:
    """Whether Zoom's meeting or webinar `item` was made with this marker."""
    return f"{MARKER_PREFIX}{marker}" in str(item.get("agenda") or "")


def marker_of(agenda: str) -> str:
    """The marker in an agenda, or "" if it carries none: the one it starts with (what the
    invitee typed below can't pose as it), else the last (a meeting made before)."""
    if agenda.startswith(MARKER_PREFIX):
        after = agenda.removeprefix(MARKER_PREFIX)
    else:
        after = agenda.rsplit(MARKER_PREFIX, 1)[1] if MARKER_PREFIX in agenda else ""
    words = after.split()
    return words[0] if words else ""
