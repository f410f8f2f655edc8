"""The emails an invitee's guests get: each of the invitee's emails about the booking, in
words for a guest, with the same calendar invite.

A guest may join (the join link and passcode, when the meeting has one for everybody) but
gets no link to change or cancel the invitee's booking, and never the invitee's personal
link (a webinar registrant's joins as them). Times are in the invitee's zone, on their
clock: the guest came through them, and slotlink knows neither of the guest's.
"""

from dataclasses import replace

from django.core.mail import EmailMultiAlternatives

from slotlink.core.mail import templated_message
from slotlink.core.times import long_when, short_when
from slotlink.notifications.emails import (
    _from_address,
    _invite_attachment,
    _mailbox,
    _provider,
)
from slotlink.notifications.formatting import (
    SUBJECT_NAME_LIMIT,
    SUBJECT_TITLE_LIMIT,
    header_text,
    one_line,
    web_url,
)
from slotlink.notifications.invites import FILENAME, booking_invite, invite_method
from slotlink.notifications.messages import Audience, BookingChange, BookingMessage, Person

GUEST_TEMPLATE = "notifications/email/guest_invite"
_SUBJECT_PREFIXES = {
    BookingChange.BOOKED: "Invitation",
    BookingChange.RESCHEDULED: "New time",
    BookingChange.CANCELLED: "Cancelled",
    BookingChange.NEW_HOST: "New host",
}
_HEADLINES = {
    BookingChange.BOOKED: "{invitee} invited you to {title} with {host}.",
    BookingChange.RESCHEDULED: "{title} with {host}, which {invitee} invited you to, has a new "
    "time.",
    BookingChange.CANCELLED: "{title} with {host}, which {invitee} invited you to, is cancelled.",
    BookingChange.LINK_READY: "The {provider} link for {title} with {host} is ready.",
    BookingChange.NEW_HOST: "{title}, which {invitee} invited you to, is now with {host}, at the "
    "same time.",
}


def as_guest_reads_it(message: BookingMessage) -> BookingMessage:
    """The invitee's message without what is theirs alone: the links to change or cancel
    the booking, and a personal join link."""
    personal = message.personal_link
    return replace(
        message,
        reschedule_url="",
        cancel_url="",
        join_url="" if personal else message.join_url,
        passcode="" if personal else message.passcode,
    )


def guest_emails(*, message: BookingMessage) -> list[EmailMultiAlternatives]:
    """One email to each guest of the booking about this change (none for a change told to
    the host alone)."""
    if message.change.host_only or not message.guests:
        return []
    guest_message = as_guest_reads_it(message)
    invite = booking_invite(message=guest_message, audience=Audience.INVITEE).decode()
    method = invite_method(message=guest_message, audience=Audience.INVITEE)
    emails = []
    for guest in message.guests:
        email = templated_message(
            subject=_subject(guest_message),
            template=GUEST_TEMPLATE,
            context=_context(guest_message),
            to=[_mailbox(Person(name="", email=guest, time_zone=message.invitee.time_zone))],
            organization_id=message.organization_id,
            from_email=_from_address(on_behalf_of=message.host),
            reply_to=[_mailbox(message.invitee)],
            tidy=True,
        )
        email.attach_alternative(invite, f"text/calendar; method={method}")
        email.attach(_invite_attachment(invite, method))
        emails.append(email)
    return emails


def guest_link_note(message: BookingMessage) -> str:
    """Why a guest's email has no join link: the link follows, or the invitee's is theirs
    alone (a webinar registrant's), so the guest needs a seat of their own."""
    if message.personal_link:
        return (
            f"{_names(message)['invitee']}'s join link is theirs alone: to attend, book a "
            "seat of your own."
        )
    return message.link_status_note


def _names(message: BookingMessage) -> dict[str, str]:
    return {
        "title": one_line(message.title),
        "host": one_line(message.host.name) or message.host.email,
        "invitee": one_line(message.invitee.name) or message.invitee.email,
        "provider": _provider(message) or "meeting",
    }


def _subject(message: BookingMessage) -> str:
    title = header_text(message.title, SUBJECT_TITLE_LIMIT)
    host = header_text(message.host.name, SUBJECT_NAME_LIMIT) or message.host.email
    invitee = message.invitee
    when = short_when(message.start, time_zone=invitee.time_zone, clock=invitee.clock)
    if message.change == BookingChange.LINK_READY:
        prefix = f"{_provider(message) or 'Meeting'} link for"
    else:
        prefix = _SUBJECT_PREFIXES.get(message.change, "Invitation")
    return f"{prefix}: {title} with {host} on {when}"


def _context(message: BookingMessage) -> dict[str, object]:
    cancelled = message.change == BookingChange.CANCELLED
    zone, clock = message.invitee.time_zone, message.invitee.clock
    moved_from = ""
    if message.change == BookingChange.RESCHEDULED and message.previous_start is not None:
        moved_from = long_when(
            message.previous_start, None, time_zone=zone, show_zone=False, clock=clock
        )
    join_url = "" if cancelled else web_url(message.join_url)
    return {
        "headline": _HEADLINES.get(message.change, _HEADLINES[BookingChange.BOOKED]).format(
            **_names(message)
        ),
        "cancelled": cancelled,
        "when": long_when(message.start, message.end, time_zone=zone, clock=clock),
        "moved_from": moved_from,
        "host_name": _names(message)["host"],
        "invitee_name": _names(message)["invitee"],
        "location_text": message.location_text,
        "join_url": join_url,
        "passcode": message.passcode if join_url else "",
        "provider": _provider(message),
        "link_status_note": "" if cancelled or join_url else guest_link_note(message),
        "description": "" if cancelled else message.description,
        "invite_removes": invite_method(message=message, audience=Audience.INVITEE) == "CANCEL",
        "invite_filename": FILENAME,
    }
