"""The booking emails: for every change, one to the invitee and one to the host.

Each is plain text with an HTML alternative and the calendar invite, in the shape Google
Calendar itself sends (multipart/mixed: the text, HTML and `text/calendar; method=…` as
alternatives, then `invite.ics` as an attachment). Outlook only looks for the invite in the
alternatives; Apple Mail and others look at the attachment.

Times are in the recipient's own zone, with the zone named. Only the invitee gets the
reschedule and cancel links: they are single-purpose tokens for that person. The host of a
group booking gets the session's invite, with how many of its seats are booked. The host of
an event invitees register for (a webinar, each with a personal link) reads about their
event, never the invitee's link, and where to start it as its host.
"""

from email.headerregistry import Address
from email.mime.text import MIMEText
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from slotlink.core.bidi import MixedText
from slotlink.core.mail import templated_message
from slotlink.core.times import long_when, short_when
from slotlink.notifications.formatting import (
    NAME_LIMIT,
    SUBJECT_NAME_LIMIT,
    SUBJECT_TITLE_LIMIT,
    header_text,
    one_line,
    require_email,
    web_url,
)
from slotlink.notifications.invites import (
    FILENAME,
    booking_invite,
    host_session,
    invite_content_type,
    invite_method,
)
from slotlink.notifications.messages import Audience, BookingChange, BookingMessage, Person

_SUBJECT_PREFIXES = {
    Audience.INVITEE: {
        BookingChange.BOOKED: "Confirmed",
        BookingChange.RESCHEDULED: "Updated",
        BookingChange.CANCELLED: "Cancelled",
        BookingChange.NEW_HOST: "New host",
    },
    Audience.HOST: {
        BookingChange.BOOKED: "New booking",
        BookingChange.RESCHEDULED: "Rescheduled",
        BookingChange.CANCELLED: "Cancelled",
        BookingChange.NEW_HOST: "Now yours",
    },
}

_HEADLINES = {
    Audience.INVITEE: {
        BookingChange.BOOKED: "Your {title} with {other} is confirmed.",
        BookingChange.RESCHEDULED: "Your {title} with {other} has a new time.",
        BookingChange.CANCELLED: "Your {title} with {other} is cancelled.",
        BookingChange.LINK_READY: "The {provider} link for your {title} with {other} is ready.",
        BookingChange.NEW_HOST: "Your {title} is now with {other}, at the same time.",
    },
    Audience.HOST: {
        BookingChange.BOOKED: "{other} booked {title} with you.",
        BookingChange.RESCHEDULED: "{title} with {other} has a new time.",
        BookingChange.CANCELLED: "{title} with {other} is cancelled.",
        BookingChange.LINK_READY: "The {provider} link for {title} with {other} is ready.",
        BookingChange.LEFT_SESSION: "{other} moved to another {title} session.",
        BookingChange.NEW_HOST: "{title} with {other} is yours now: its previous host left.",
    },
}
# The host's emails about a registration for their event (`about_registration`).
_REGISTRATION_SUBJECT_PREFIXES = {
    BookingChange.BOOKED: "New registration",
    BookingChange.RESCHEDULED: "Registration moved",
    BookingChange.CANCELLED: "Registration cancelled",
    BookingChange.LINK_READY: "Registered",
    BookingChange.NEW_HOST: "Now yours",
}
_REGISTRATION_HEADLINES = {
    BookingChange.BOOKED: "{other} registered for your {provider} “{title}”.",
    BookingChange.RESCHEDULED: "{other} moved to this session of your {provider} “{title}”.",
    BookingChange.CANCELLED: "{other}'s registration for your {provider} “{title}” is cancelled.",
    BookingChange.LINK_READY: (
        "{other} has their personal link to your {provider} “{title}”; it went to them only."
    ),
    BookingChange.LEFT_SESSION: "{other} moved to another session of your {provider} “{title}”.",
    BookingChange.NEW_HOST: (
        "Your {provider} “{title}” is yours now, with {other}'s registration: its previous "
        "host left."
    ),
}


def booking_email(*, message: BookingMessage, audience: Audience) -> EmailMultiAlternatives:
    """The email one party of a booking receives about one change, ready to send."""
    if message.change.host_only and audience != Audience.HOST:
        raise ValueError(f"{message.change} is told to the host only.")
    recipient, other = _parties(message, audience)
    invite = booking_invite(message=message, audience=audience).decode()
    method = invite_method(message=message, audience=audience)
    email = templated_message(
        subject=booking_subject(message=message, audience=audience),
        template="notifications/email/booking",
        context=_context(message=message, audience=audience),
        to=[_mailbox(recipient)],
        organization_id=message.organization_id,
        from_email=_from_address(on_behalf_of=other if audience == Audience.INVITEE else None),
        reply_to=[_mailbox(other)],
        tidy=True,
    )
    # Django appends the charset; the method parameter is what Outlook keys on.
    email.attach_alternative(invite, f"text/calendar; method={method}")
    email.attach(_invite_attachment(invite, method))
    return email


def booking_subject(*, message: BookingMessage, audience: Audience) -> str:
    """A subject a person scans: what happened, what, with whom, when in their zone."""
    recipient, other = _parties(message, audience)
    title = header_text(message.title, SUBJECT_TITLE_LIMIT)
    session = host_session(message, audience)
    if message.change == BookingChange.LEFT_SESSION and session is not None:
        seat_freed = short_when(session.start, time_zone=recipient.time_zone, clock=recipient.clock)
        return f"Seat freed: {title} on {seat_freed}"
    name = header_text(other.name, SUBJECT_NAME_LIMIT) or other.email
    when = short_when(message.start, time_zone=recipient.time_zone, clock=recipient.clock)
    if message.about_registration(audience):  # the event first, then who registered
        prefix = _REGISTRATION_SUBJECT_PREFIXES[message.change]
        provider = _provider(message)
        event = f"{title} ({provider})" if provider else title
        return f"{prefix}: {event} on {when}, {name}"
    if message.change == BookingChange.LINK_READY:
        prefix = f"{_provider(message) or 'Meeting'} link for"
    else:
        prefix = _SUBJECT_PREFIXES[audience][message.change]
    return f"{prefix}: {title} with {name} on {when}"


def _context(*, message: BookingMessage, audience: Audience) -> dict[str, object]:
    recipient, other = _parties(message, audience)
    for_invitee = audience == Audience.INVITEE
    cancelled = message.change == BookingChange.CANCELLED
    other_name = one_line(other.name) or other.email
    join_url = web_url(message.join_url_for(audience))
    registration = message.about_registration(audience)
    headlines = _REGISTRATION_HEADLINES if registration else _HEADLINES[audience]
    session = host_session(message, audience)
    moved_from = ""
    moved = (BookingChange.RESCHEDULED, BookingChange.LEFT_SESSION)
    if message.change in moved and message.previous_start is not None:
        moved_from = long_when(
            message.previous_start,
            None,
            time_zone=recipient.time_zone,
            clock=recipient.clock,
            show_zone=False,
        )
    return {
        "for_invitee": for_invitee,
        "greeting_name": one_line(recipient.name),
        "headline": MixedText(
            headlines[message.change],
            title=one_line(message.title),
            other=other_name,
            provider=_provider(message) or "meeting",
        ),
        "title": one_line(message.title),
        "other_name": other_name,
        "invitee_name": one_line(message.invitee.name),
        "invitee_email": message.invitee.email,
        "when": long_when(
            message.start, message.end, time_zone=recipient.time_zone, clock=recipient.clock
        ),
        "moved_from": moved_from,
        **_moved_by_host(message, audience),
        "cancelled": cancelled,
        "cancelled_by": _cancelled_by(message, audience) if cancelled else "",
        "cancel_reason": message.cancel_reason if cancelled else "",
        "location_text": message.location_text,
        "join_url": "" if cancelled else join_url,
        "passcode": "" if cancelled or not join_url else message.passcode,
        # The invitee's words about their link; a registrant's host gets no link at all.
        "link_status_note": (
            "" if cancelled or join_url or registration else message.link_status_note
        ),
        "personal_link_note": (
            "Each invitee gets a join link of their own, sent to them only."
            if registration and not cancelled
            else ""
        ),
        "host_start_label": "" if for_invitee or cancelled else one_line(message.host_start_label),
        **_host_link_problem(message, for_host=not for_invitee and not cancelled),
        "provider": _provider(message),
        "description": message.description if for_invitee and not cancelled else "",
        "reschedule_url": web_url(message.reschedule_url) if for_invitee and not cancelled else "",
        "cancel_url": web_url(message.cancel_url) if for_invitee and not cancelled else "",
        "booking_url": "" if for_invitee else web_url(message.booking_url),
        "seats": session.seats_booked if session else "",
        # The invitee's answers and guests, for the host: the invitee typed them.
        "answers": () if for_invitee else message.answers,
        "guests": ", ".join(message.guests),
        "invite_removes": invite_method(message=message, audience=audience) == "CANCEL",
        "invite_filename": FILENAME,
    }


def _host_link_problem(message: BookingMessage, *, for_host: bool) -> dict[str, str]:
    """Why the host's booking has no link (or what changed in the provider), and the way
    to fix it: the host's email only, never the invitee's."""
    action_url = web_url(message.host_action_url) if for_host else ""
    return {
        "host_link_problem": one_line(message.host_link_problem) if for_host else "",
        "host_action_label": one_line(message.host_action_label) if action_url else "",
        "host_action_url": action_url if message.host_action_label else "",
    }


def _parties(message: BookingMessage, audience: Audience) -> tuple[Person, Person]:
    """(who receives this email, the other party)."""
    if audience == Audience.INVITEE:
        return message.invitee, message.host
    return message.host, message.invitee


def _provider(message: BookingMessage) -> str:
    """The conferencing provider's name ("Zoom"), or "" for a plain link or none."""
    return header_text(message.provider_name, 24)


def _cancelled_by(message: BookingMessage, audience: Audience) -> str:
    host_cancelled = message.cancelled_by_host
    if (audience == Audience.HOST) == host_cancelled:
        return "You cancelled it."
    canceller = message.host if host_cancelled else message.invitee
    return MixedText("{name} cancelled it.", name=one_line(canceller.name) or canceller.email)


def _moved_by_host(message: BookingMessage, audience: Audience) -> dict[str, str]:
    """Who moved a booking its host (or an admin) moved, and their message to the invitee,
    in each party's words; nothing when the invitee moved it (their own change)."""
    if message.change != BookingChange.RESCHEDULED or not message.rescheduled_by_host:
        return {"moved_by": "", "reschedule_message": "", "reschedule_message_label": ""}
    host_name = one_line(message.host.name) or message.host.email
    invitee_name = one_line(message.invitee.name) or message.invitee.email
    for_host = audience == Audience.HOST
    return {
        "moved_by": "You moved it." if for_host else MixedText("{host} moved it.", host=host_name),
        "reschedule_message": message.reschedule_message,
        "reschedule_message_label": (
            MixedText("Your message to {invitee}", invitee=invitee_name)
            if for_host
            else MixedText("Message from {host}", host=host_name)
        ),
    }


def _mailbox(person: Person) -> str:
    """`Name <address>` with the name made one line, clipped and quoted as needed."""
    name = header_text(person.name, NAME_LIMIT)
    return str(Address(display_name=name, addr_spec=require_email(person.email)))


def _from_address(*, on_behalf_of: Person | None) -> str:
    """The configured sender; to invitees it reads "Ada Admin via slotlink"."""
    sender_name, sender_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if on_behalf_of is None or not sender_address:
        return settings.DEFAULT_FROM_EMAIL
    host_name = header_text(on_behalf_of.name, NAME_LIMIT)
    display = f"{host_name} via {sender_name or 'slotlink'}" if host_name else sender_name
    return str(Address(display_name=display, addr_spec=sender_address))


def _invite_attachment(invite: str, method: str) -> MIMEText:
    part = MIMEText(invite, "calendar", "utf-8")
    part.replace_header("Content-Type", invite_content_type(method))
    part.set_param("name", FILENAME)
    part.add_header("Content-Disposition", "attachment", filename=FILENAME)
    return part
