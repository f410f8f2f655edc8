"""Text that goes into email headers, subjects and invites, made safe and readable.

Names and titles are typed by people (invitees have no account), so anything that lands in
a header line or an iCalendar parameter is first made one line and clipped: a newline in a
name must never start a new header, and a 5,000-character name must not become a subject.
Times are shown in the recipient's own zone and on their clock, always with the zone named
(core/times.py).
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

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
