"""The host's busy stretches, read from the iCalendar texts a CalDAV server sends.

Pure functions: no database, no HTTP. The client (client.py) fetches the calendar objects
of a time range as the server stores them, unexpanded; here each is expanded with
`recurring-ical-events` (RRULE, RDATE, EXDATE, and instances overridden or cancelled by a
RECURRENCE-ID) and turned into UTC stretches, clipped to the range asked, sorted and
merged.

What blocks, and how times are read:
- all-day events (DATE values) block whole days on the host's wall, midnight to midnight
  in the host's `zone`; floating times (no zone) and a TZID the calendar neither defines
  nor the IANA database knows are read on the host's wall too;
- a TZID is read with the VTIMEZONE the server sent when the IANA database lacks it (a
  custom name), so a weekly event keeps its local time across a DST change;
- an event with DURATION lasts that long; with neither DTEND nor DURATION, an all-day
  start lasts one day and a date-time start is an instant, which blocks nothing;
- slotlink's own booking events (SLOTLINK_MARKER) don't block: their bookings do;
- transparent (TRANSP:TRANSPARENT) and cancelled (STATUS:CANCELLED) instances don't block,
  nor do those the host declined (an ATTENDEE with one of `owner_emails` and
  PARTSTAT=DECLINED). Each rule is read per instance, so one declined or cancelled
  occurrence of a series leaves the others blocking.

A server's calendar is outside our control: an object that can't be read is skipped and
counted (`BusyRead.skipped`), never raised, so one broken event never hides the rest.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

# Floating times are compared with the asked range as if they were UTC by
# recurring-ical-events; a margin wider than any zone's offset finds them all, and the
# stretches are clipped to the range exactly afterwards.
_MARGIN = timedelta(days=2)
_SERVER_MARGIN = timedelta(days=1)  # more than any zone's offset from UTC (14 hours)


class Stretch(NamedTuple):
    """A stretch of time the host is busy, aware UTC, `start` < `end`."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class BusyRead:
    """What a calendar's objects say: the busy `stretches`, and how many objects were
    `skipped` because they could not be read (for "2 events couldn't be read")."""

    stretches: list[Stretch]
    skipped: int


def server_query_range(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The range to ask a CalDAV server for (events_between) to read [start, end): a day
    wider each side. Servers filter floating times and all-day dates as if they were UTC
    (Radicale and Xandikos both do), so an evening event in New York's floating time or
    a Tokyo all-day event at the range's edges would not come back; busy_stretches clips
    the extra off again."""
    return start - _SERVER_MARGIN, end + _SERVER_MARGIN


# The property slotlink writes into each booking's event in the host's calendar.
SLOTLINK_MARKER = "X-SLOTLINK-EVENT"


def busy_stretches(
    ics_texts: Iterable[str],
    start: datetime,
    end: datetime,
    *,
    zone: tzinfo,
    owner_emails: Iterable[str] = (),
) -> list[Stretch]:
    """The busy stretches in [start, end) of these calendar objects (see `read_busy`)."""
    return read_busy(ics_texts, start, end, zone=zone, owner_emails=owner_emails).stretches


def read_busy(
    ics_texts: Iterable[str],
    start: datetime,
    end: datetime,
    *,
    zone: tzinfo,
    owner_emails: Iterable[str] = (),
) -> BusyRead:
    """The busy stretches in [start, end) of these calendar objects (one iCalendar text
    each, as a calendar-query REPORT returns them), in the host's `zone`: UTC, clipped to
    the range, sorted and merged; and the count of objects that could not be read."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("busy stretches need aware start and end datetimes")
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    owners = frozenset(_address(email) for email in owner_emails)
    found: list[Stretch] = []
    skipped = 0
    if end <= start:
        return BusyRead([], 0)
    for text in ics_texts:
        try:
            components = icalendar.Calendar.from_ical(text, multiple=True)
        except Exception:  # any parse failure is the server's, not ours
            components = []
        if not components:  # not iCalendar, or cut short before a component ended
            skipped += 1
            continue
        for series in _series(components):
            try:
                _read_zones_as_sent(series)
            except Exception:  # a VTIMEZONE that can't be read: its series is skipped
                skipped += 1
                continue
            try:
                stretches = list(_stretches(series, start, end, zone, owners))
            except Exception:  # a broken series is skipped, not raised
                skipped += 1
                continue
            found.extend(stretches)
    return BusyRead(_merged(found), skipped)


def _series(components: list[Any]) -> Iterator[icalendar.Calendar]:
    """One calendar per event series (a UID with its overrides), each with the zones
    and calendar properties it came with, so that a broken series is skipped alone.
    CalDAV keeps one UID per object, so this is mostly the calendar as sent."""
    for component in components:
        if not isinstance(component, icalendar.Calendar):
            # A bare VEVENT, as some servers answer: put it in a calendar.
            calendar = icalendar.Calendar()
            calendar.add_component(component)
            component = calendar
        events = [c for c in component.subcomponents if c.name == "VEVENT"]
        uids = {str(event.get("UID", "")) for event in events}
        if len(uids) <= 1:
            if events:
                yield component
            continue
        for uid in sorted(uids):
            part = icalendar.Calendar()
            part.update(component)  # the calendar's own properties (X-WR-TIMEZONE too)
            for sub in component.subcomponents:
                if sub.name == "VTIMEZONE" or (
                    sub.name == "VEVENT" and str(sub.get("UID", "")) == uid
                ):
                    part.add_component(sub)
            yield part


def _read_zones_as_sent(calendar: icalendar.Calendar) -> None:
    """Re-reads the object's times in zones it defines itself, in place.

    icalendar keeps a custom-named VTIMEZONE in one cache for the whole process, by name,
    the first definition winning: one server's "Customized Time Zone" (as Outlook names
    them all) would then be read with another's offsets, and an object naming a zone it
    doesn't define would borrow one from someone else's calendar. So a time whose TZID
    this object defines is read with its own definition, and one whose TZID neither it
    nor the IANA database knows is read on the host's wall, like a floating time."""
    own = {
        str(vtimezone["TZID"]): vtimezone.to_tz(lookup_tzid=False)
        for vtimezone in calendar.timezones
        if "TZID" in vtimezone
    }
    for event in calendar.walk("VEVENT"):
        for name in _ZONED:
            found = event.get(name)
            for prop in found if isinstance(found, list) else [found]:
                if prop is None:
                    continue
                for value in getattr(prop, "dts", [prop]):
                    tzid = value.params.get("TZID")
                    if tzid is not None and not isinstance(_tz_of(value.dt), ZoneInfo):
                        value.dt = _in_zone(value.dt, own.get(str(tzid)))


# The properties whose times can name a TZID (PERIOD values of RDATE are pairs).
_ZONED = ("DTSTART", "DTEND", "RECURRENCE-ID", "RDATE", "EXDATE")


def _tz_of(value: object) -> tzinfo | None:
    first = value[0] if isinstance(value, tuple) else value
    return first.tzinfo if isinstance(first, datetime) else None


def _in_zone(value: Any, zone: tzinfo | None) -> Any:
    """The same wall time in `zone` (floating when None); a PERIOD pair's times too."""
    if isinstance(value, tuple):
        return tuple(_in_zone(part, zone) for part in value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=zone)
    return value


def _stretches(
    calendar: icalendar.Calendar,
    start: datetime,
    end: datetime,
    zone: tzinfo,
    owners: frozenset[str],
) -> Iterator[Stretch]:
    """The blocking occurrences of one series within [start, end), clipped."""
    for event in calendar.walk("VEVENT"):
        _refuse_too_frequent(event)
    query = recurring_ical_events.of(calendar)
    for occurrence in query.between(start - _MARGIN, end + _MARGIN):
        if not _blocks(occurrence, owners):
            continue
        began = _utc(occurrence["DTSTART"].dt, zone)
        ended = _utc(occurrence["DTEND"].dt, zone) if "DTEND" in occurrence else began
        began, ended = max(began, start), min(ended, end)
        if began < ended:
            yield Stretch(began, ended)


# No calendar app repeats a meeting within the hour, but an invitation can ask for it,
# and expanding one (from its first instance, maybe decades back) costs seconds to
# minutes: such a series is skipped as unreadable.
_TOO_FREQUENT = frozenset({"SECONDLY", "MINUTELY", "HOURLY"})
_MOST_A_DAY = 24


def _refuse_too_frequent(event: icalendar.cal.Component) -> None:
    """Raises ValueError when the event repeats more often than hourly."""
    found = event.get("RRULE")
    for rule in found if isinstance(found, list) else [found] if found is not None else []:
        frequency = str((rule.get("FREQ") or [""])[0]).upper()
        a_day = 1
        for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            a_day *= len(rule.get(part) or [None])
        if frequency in _TOO_FREQUENT or a_day > _MOST_A_DAY:
            raise ValueError(f"a rule repeating more often than hourly: {frequency}")


def _blocks(occurrence: icalendar.Event, owners: frozenset[str]) -> bool:
    """Whether this instance makes the host busy."""
    if str(occurrence.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return False
    if SLOTLINK_MARKER in occurrence:
        # slotlink's own event of a booking (calendars/sync.py): the booking itself is what
        # takes the time, so a group session's event doesn't shut out its other seats.
        return False
    if str(occurrence.get("STATUS", "")).upper() == "CANCELLED":
        return False
    if owners:
        attendees = occurrence.get("ATTENDEE", [])
        if not isinstance(attendees, list):
            attendees = [attendees]
        for attendee in attendees:
            declined = str(attendee.params.get("PARTSTAT", "")).upper() == "DECLINED"
            if declined and _address(str(attendee)) in owners:
                return False
    return True


def _address(value: str) -> str:
    """An email address as compared: without "mailto:", lower case."""
    value = value.strip()
    if value[:7].lower() == "mailto:":
        value = value[7:]
    return value.strip().lower()


def _utc(value: date | datetime, zone: tzinfo) -> datetime:
    """A DTSTART or DTEND value as an aware UTC datetime: a date is its midnight on the
    host's wall, and a floating time is on the host's wall too."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _merged(stretches: list[Stretch]) -> list[Stretch]:
    """Sorted, with overlapping and touching stretches joined."""
    merged: list[Stretch] = []
    for stretch in sorted(stretches):
        if merged and stretch.start <= merged[-1].end:
            if stretch.end > merged[-1].end:
                merged[-1] = Stretch(merged[-1].start, stretch.end)
        else:
            merged.append(stretch)
    return merged
