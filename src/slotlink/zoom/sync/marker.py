"""The create marker: a random mark saved on the row before each create and written into
the agenda Zoom keeps, so an attempt whose answer was lost finds what it made (and the
reconcile and webhooks tell slotlink's meetings from anyone else's)."""

import uuid
from typing import Any

MARKER_PREFIX = "slotlink-ref:"


def marker_new() -> str:
    return uuid.uuid4().hex


def agenda_marked(agenda: str, marker: str) -> str:
    return f"{agenda}\n\n{MARKER_PREFIX}{marker}".strip()


def carries_marker(item: dict[str, Any], marker: str) -> bool:
    """Whether Zoom's meeting or webinar `item` was made with this marker."""
    return f"{MARKER_PREFIX}{marker}" in str(item.get("agenda") or "")


def marker_of(agenda: str) -> str:
    """The marker in an agenda, or "" if it carries none."""
    after = agenda.rsplit(MARKER_PREFIX, 1)[1].strip() if MARKER_PREFIX in agenda else ""
    return after.split()[0] if after else ""
