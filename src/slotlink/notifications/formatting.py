"""Text that goes into email headers, subjects and invites, made safe and readable.

Names and titles are typed by people (invitees have no account), so anything that lands in
a header line or an iCalendar parameter is first made one line and clipped: a newline in a
name must never start a new header, and a 5,000-character name must not become a subject.
Times are shown in the recipient's own zone, always with the zone named.
"""

import unicodedata
import zoneinfo
from datetime import datetime, tzinfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import dateformat

from slotlink.core.text import without_hidden_controls

# Display names in From/To/Reply-To and iCalendar CN; long enough for real names.
NAME_LIMIT = 64
# The event title inside a subject line; the rest of the subject is short and fixed.
SUBJECT_TITLE_LIMIT = 60
SUBJECT_NAME_LIMIT = 40


def one_line(text: str) -> str:
    """The text with every kind of line break and control character made a single space,
    and invisible formatting characters (bidi overrides) dropped, so a name can't reorder
    the subject or invite it lands in; never starting or ending with a space."""
    cleaned = "".join(
        " " if unicodedata.category(char) in {"Cc", "Zl", "Zp"} else char
        for char in without_hidden_controls(text)
    )
    return " ".join(cleaned.split())


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, ending in an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def header_text(text: str, limit: int) -> str:
    return clip(one_line(text), limit)


def require_email(address: str) -> str:
    """The address, if it is one; a line break or a second address is never let through."""
    try:
        validate_email(address)
    except ValidationError:
        raise ValueError(f"{address!r} is not an email address.") from None
    return address


def web_url(url: str) -> str:
    """The URL if it is an http(s) link, else "": only web links become clickable."""
    return url if url.startswith(("https://", "http://")) and one_line(url) == url else ""


def zone_for(name: str) -> tuple[tzinfo, str]:
    """The zone and the name to show for it; an unknown name falls back to UTC, said so."""
    try:
        return zoneinfo.ZoneInfo(name), name
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC"), "UTC"


def require_aware(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime, not {value!r}.")
    return value


def short_when(moment: datetime, *, time_zone: str) -> str:
    """For subjects, e.g. "Tue 3 Dec, 10:00 (Europe/Berlin)"."""
    zone, zone_name = zone_for(time_zone)
    local = require_aware(moment, "A booking time").astimezone(zone)
    return f"{dateformat.format(local, 'D j M, H:i')} ({zone_name})"


def long_when(
    start: datetime, end: datetime | None, *, time_zone: str, show_zone: bool = True
) -> str:
    """For bodies, e.g. "Tuesday 3 December 2024, 10:00 - 10:30 (Europe/Berlin)".

    A meeting that ends on another local day names both days.
    """
    zone, zone_name = zone_for(time_zone)
    local_start = require_aware(start, "A booking time").astimezone(zone)
    text = dateformat.format(local_start, "l j F Y, H:i")
    if end is not None:
        local_end = require_aware(end, "A booking time").astimezone(zone)
        if local_end.date() == local_start.date():
            text += " - " + dateformat.format(local_end, "H:i")
        else:
            text += " - " + dateformat.format(local_end, "l j F Y, H:i")
    return f"{text} ({zone_name})" if show_zone else text
