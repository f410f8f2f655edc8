"""Times a host reads about their Zoom meetings and webinars (the booking's banner, the
emails about a change in Zoom, a wait for Zoom's daily limit): in the host's own zone, on
their clock, zone named (core/times.py), never Zoom's UTC."""

from datetime import UTC, datetime

from slotlink.accounts.models import User
from slotlink.core.times import short_when


def host_when(moment: datetime | None, host_id: int | None) -> str:
    """ "Mon 7 Dec 2026, 7:00 PM (Europe/Berlin)" for the host; in UTC, said so, when the
    host is gone. One query: read for a row with such a time only."""
    if moment is None:
        return "another time"
    host = User.objects.filter(pk=host_id).first() if host_id is not None else None
    if host is None:
        return short_when(moment, time_zone="UTC", year=True)
    return short_when(moment, time_zone=host.time_zone, clock=host.clock, year=True)


def utc_minute(text: str) -> datetime | None:
    """A minute stored as "2026-12-08 00:00" (UTC), or None for other text."""
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    except ValueError:
        return None
