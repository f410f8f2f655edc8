"""The calendar invite (.ics) that rides along with every booking email.

An iTIP message (RFC 5546) inside an iCalendar object (RFC 5545): METHOD:REQUEST creates or
updates the event in the recipient's calendar, METHOD:CANCEL removes it. Calendar clients
match the event by UID and only apply a message whose SEQUENCE is at least the one they
hold, so every change to a booking keeps the UID and carries the SEQUENCE scheduling gave
it. Times are written in UTC, which every client reads without a VTIMEZONE.

The invitee's copy carries their reschedule and cancel links; the host's copy carries the
booking's details page instead, so the invitee's single-purpose links (and personal join
link, a webinar seat's) never reach anyone else's calendar. For a group booking the host's
copy is the session's own event instead (`SessionInvite`): one event per session, listing
its invitees, rather than one per seat.

The invitee's "Add to calendar" file is the same event as METHOD:PUBLISH (RFC 5546 3.2.1):
a copy to import, not an invitation, so calendars offer no Accept or Decline answering
the host; its UID and SEQUENCE still update the event the email's invite added.
"""

from datetime import UTC
from typing import Final, Literal

from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress
from icalendar.enums import STATUS, TRANSP

from slotlink.core.text import without_hidden_controls
from slotlink.core.times import require_aware
from slotlink.notifications.formatting import (
    NAME_LIMIT,
    header_text,
    one_line,
    require_email,
    web_url,
)
from slotlink.notifications.messages import (
    Audience,
    BookingChange,
    BookingMessage,
    Person,
    SessionInvite,
)

PRODID = "-//slotlink//slotlink scheduling//EN"
CONTENT_TYPE = "text/calendar"
FILENAME = "invite.ics"
PUBLISH: Final = "PUBLISH"


def host_session(message: BookingMessage, audience: Audience) -> SessionInvite | None:
    """The group session whose event this recipient's invite is, if it is a session's."""
    return message.session if audience == Audience.HOST else None


def invite_method(*, message: BookingMessage, audience: Audience) -> str:
    """CANCEL removes the event, REQUEST adds or updates it. A group session's event is
    removed only with its last seat, whatever happened to the booking."""
    if session := host_session(message, audience):
        return "CANCEL" if session.cancelled else "REQUEST"
    return "CANCEL" if message.change == BookingChange.CANCELLED else "REQUEST"


def invite_content_type(method: str) -> str:
    """The MIME type iMIP (RFC 6047) asks for: its method must match the METHOD inside."""
    return f"{CONTENT_TYPE}; method={method}; charset=utf-8"


def booking_invite(
    *, message: BookingMessage, audience: Audience, method: Literal["PUBLISH"] | None = None
) -> bytes:
    """The iCalendar object for one recipient of one booking change: the email's iTIP
    message (REQUEST or CANCEL), or with `method` PUBLISH the event as a file to import,
    a cancelled one marked CANCELLED."""
    session = host_session(message, audience)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method or invite_method(message=message, audience=audience))
    if session is None:
        event = _booking_event(message=message, audience=audience)
    else:
        event = _session_event_of(message, session)
    if method == PUBLISH:
        # RFC 5546 3.2.1: a published event has its organizer but no attendees, so no
        # client asks anyone for an answer (nobody would receive it).
        event.pop("ATTENDEE", None)
    calendar.add_component(event)
    return calendar.to_ical()


def session_invite(*, title: str, description: str, host: Person, session: SessionInvite) -> bytes:
    """The iCalendar object of a group session's event for its host, on its own (the host's
    email about the whole session moved): REQUEST, or CANCEL with no seat booked."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if session.cancelled else "REQUEST")
    calendar.add_component(
        _session_event(title=title, description=description, host=host, session=session)
    )
    return calendar.to_ical()


def host_calendar_object(*, message: BookingMessage) -> bytes:
    """The host's event of the booking (or of its group session) as stored in the host's
    own calendar: the host's invite without METHOD, which a stored object must not carry
    (RFC 4791 4.1)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if (session := host_session(message, Audience.HOST)) is None:
        calendar.add_component(_booking_event(message=message, audience=Audience.HOST))
    else:
        calendar.add_component(_session_event_of(message, session))
    return calendar.to_ical()


def _booking_event(*, message: BookingMessage, audience: Audience) -> Event:
    cancelled = message.change == BookingChange.CANCELLED
    start = require_aware(message.start, "BookingMessage.start").astimezone(UTC)
    end = require_aware(message.end, "BookingMessage.end").astimezone(UTC)
    other = message.host if audience == Audience.INVITEE else message.invitee
    return Event.new(
        uid=message.uid,
        sequence=message.sequence,
        stamp=timezone.now().astimezone(UTC),
        start=start,
        end=end,
        summary=one_line(f"{message.title} with {other.name}"),
        description=_description(message=message, audience=audience),
        location=one_line(web_url(message.join_url_for(audience)) or message.location_text) or None,
        url=_url(message=message, audience=audience) or None,
        organizer=_address(message.host),
        attendees=[
            _address(
                message.invitee,
                role="REQ-PARTICIPANT",
                # Calendar clients show Accept/Decline for NEEDS-ACTION with RSVP; a
                # cancellation asks for no answer.
                partstat="NEEDS-ACTION",
                rsvp=not cancelled,
            ),
            # The invitee's guests, in every copy, so every calendar shows who comes. No
            # answer asked: the host didn't invite them, the invitee did.
            *(
                _address(
                    Person(name=guest, email=guest, time_zone=message.invitee.time_zone),
                    role="REQ-PARTICIPANT",
                    partstat="NEEDS-ACTION",
                    rsvp=False,
                )
                for guest in message.guests
            ),
            # The organizer is listed as an attendee too, as Google and Outlook do, so the
            # host shows among the participants in every client.
            _address(message.host, role="CHAIR", partstat="ACCEPTED", rsvp=False),
        ],
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
        transparency=TRANSP.OPAQUE,
    )


def _session_event_of(message: BookingMessage, session: SessionInvite) -> Event:
    return _session_event(
        title=message.title, description=message.description, host=message.host, session=session
    )


def _session_event(*, title: str, description: str, host: Person, session: SessionInvite) -> Event:
    """The host's one event for a group session: its seats in the title, its invitees as
    attendees, the meeting they share."""
    cancelled = session.cancelled
    start = require_aware(session.start, "SessionInvite.start").astimezone(UTC)
    end = require_aware(session.end, "SessionInvite.end").astimezone(UTC)
    join_url = web_url(session.join_url)
    summary = title if cancelled else f"{title} ({session.seats_booked})"
    return Event.new(
        uid=session.uid,
        sequence=session.sequence,
        stamp=timezone.now().astimezone(UTC),
        start=start,
        end=end,
        summary=one_line(summary),
        description=_session_description(description=description, session=session),
        location=one_line(join_url or session.location_text) or None,
        url=join_url or web_url(session.details_url) or None,
        organizer=_address(host),
        attendees=[
            *(
                _address(invitee, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp=True)
                for invitee in session.attendees
            ),
            _address(host, role="CHAIR", partstat="ACCEPTED", rsvp=False),
        ],
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
        transparency=TRANSP.OPAQUE,
    )


def _address(
    person: Person,
    *,
    role: str | None = None,
    partstat: str | None = None,
    rsvp: bool | None = None,
) -> vCalAddress:
    # A calendar address is a URI, not escaped text: only a well-formed address may go in.
    # The common name is a parameter; clients differ on RFC 6868 escapes, so no quotes.
    name = header_text(person.name, NAME_LIMIT).replace('"', "'")
    return vCalAddress.new(
        require_email(person.email),
        cn=name or None,
        cutype="INDIVIDUAL",
        role=role,
        partstat=partstat,
        rsvp=rsvp,
    )


def _url(*, message: BookingMessage, audience: Audience) -> str:
    if join_url := web_url(message.join_url_for(audience)):
        return join_url
    return web_url(message.booking_url) if audience == Audience.HOST else ""


def _description(*, message: BookingMessage, audience: Audience) -> str:
    """Plain text for the event's notes: what a person needs at meeting time."""
    cancelled = message.change == BookingChange.CANCELLED
    join_url = web_url(message.join_url_for(audience))
    blocks: list[list[str]] = []
    if cancelled:
        lines = [f"Cancelled by {_canceller(message)}."]
        if message.cancel_reason:
            lines.append(f"Reason: {message.cancel_reason}")
        blocks.append(lines)
    if audience == Audience.HOST:
        invitee = message.invitee
        blocks.append([f"Invitee: {one_line(invitee.name)} <{invitee.email}>"])
    if message.description:
        blocks.append([message.description])
    if not cancelled:
        joining = []
        if join_url:
            joining.append(f"Join: {join_url}")
            if message.passcode:
                joining.append(f"Passcode: {message.passcode}")
        else:
            if message.location_text:
                joining.append(f"Location: {message.location_text}")
            if message.link_status_note and not message.about_registration(audience):
                joining.append(message.link_status_note)
        blocks.append(joining)
        if audience == Audience.INVITEE:
            links = []
            if reschedule_url := web_url(message.reschedule_url):
                links.append(f"Reschedule: {reschedule_url}")
            if cancel_url := web_url(message.cancel_url):
                links.append(f"Cancel: {cancel_url}")
            blocks.append(links)
    if audience == Audience.HOST and (booking_url := web_url(message.booking_url)):
        blocks.append([f"Booking details: {booking_url}"])
    # Descriptions and reasons keep their lines, but never a bidi override.
    return without_hidden_controls("\n\n".join("\n".join(block) for block in blocks if block))


def _canceller(message: BookingMessage) -> str:
    person = message.host if message.cancelled_by_host else message.invitee
    return one_line(person.name) or person.email


def _session_description(*, description: str, session: SessionInvite) -> str:
    """The session's notes for its host: who is coming, and how to join."""
    if session.cancelled:
        return "Cancelled: no seats are booked any more."
    blocks = [
        [f"Invitees ({session.seats_booked}):"]
        + [f"- {one_line(person.name)} <{person.email}>" for person in session.attendees]
    ]
    if description:
        blocks.append([description])
    if join_url := web_url(session.join_url):
        joining = [f"Join: {join_url}"]
        if session.passcode:
            joining.append(f"Passcode: {session.passcode}")
        blocks.append(joining)
    elif session.location_text:
        blocks.append([f"Location: {session.location_text}"])
    if details_url := web_url(session.details_url):
        blocks.append([f"Bookings: {details_url}"])
    return without_hidden_controls("\n\n".join("\n".join(block) for block in blocks))
