"""The reminder emails: a booking coming up, told to its invitee and, if the host asked,
to its host (a group session's host once per session, with its seats).

A reminder carries no calendar invite (the booking's emails did; a reminder changes
nothing in a calendar). It carries what the invitee needs then: the join link as it is now
(their own, for a webinar), and their reschedule and cancel links; the host's carries the
booking's page. Times are in the recipient's zone, as in every booking email.

Each of the invitee's guests gets the invitee's reminder as a guest reads it, as with the
invitee's other emails (guest_emails.py): no links to change or cancel the booking, never
the invitee's personal join link, times on the invitee's clock.
"""

from django.core.mail import EmailMultiAlternatives

from slotlink.core.bidi import MixedText
from slotlink.core.mail import templated_message
from slotlink.core.times import long_when, short_when
from slotlink.notifications.emails import _from_address, _mailbox, _parties, _provider
from slotlink.notifications.formatting import (
    SUBJECT_NAME_LIMIT,
    SUBJECT_TITLE_LIMIT,
    header_text,
    one_line,
    web_url,
)
from slotlink.notifications.guest_emails import as_guest_reads_it, guest_link_note
from slotlink.notifications.messages import Audience, BookingMessage, Person


def reminder_email(*, message: BookingMessage, audience: Audience) -> EmailMultiAlternatives:
    """The reminder one party of a booking receives before it starts, ready to send.
    `message` is the booking as it is now; for a group session's host, with its
    `session`."""
    recipient, other = _parties(message, audience)
    return templated_message(
        subject=reminder_subject(message=message, audience=audience),
        template="notifications/email/reminder",
        context=_context(message=message, audience=audience),
        to=[_mailbox(recipient)],
        organization_id=message.organization_id,
        from_email=_from_address(on_behalf_of=other if audience == Audience.INVITEE else None),
        reply_to=[_mailbox(other)],
        tidy=True,
    )


def guest_reminder_email(*, message: BookingMessage, guest: str) -> EmailMultiAlternatives:
    """The reminder one of the invitee's guests receives: the invitee's, as a guest reads
    it, from the host via slotlink, replying to the invitee."""
    guest_message = as_guest_reads_it(message)
    context = _context(message=guest_message, audience=Audience.INVITEE)
    names = {
        "title": one_line(message.title),
        "host": str(context["other_name"]),
        "invitee": one_line(message.invitee.name) or message.invitee.email,
    }
    context.update(
        greeting_name="",
        headline=MixedText(
            "A reminder: {title} with {host}, which {invitee} invited you to, is coming up.",
            **names,
        ),
        link_status_note="" if context["join_url"] else guest_link_note(guest_message),
    )
    invitee = message.invitee
    return templated_message(
        subject=reminder_subject(message=guest_message, audience=Audience.INVITEE),
        template="notifications/email/reminder",
        context=context,
        to=[_mailbox(Person(name="", email=guest, time_zone=invitee.time_zone))],
        organization_id=message.organization_id,
        from_email=_from_address(on_behalf_of=message.host),
        reply_to=[_mailbox(invitee)],
        tidy=True,
    )


def reminder_subject(*, message: BookingMessage, audience: Audience) -> str:
    recipient, other = _parties(message, audience)
    title = header_text(message.title, SUBJECT_TITLE_LIMIT)
    when = short_when(message.start, time_zone=recipient.time_zone, clock=recipient.clock)
    if message.session is not None and audience == Audience.HOST:
        return f"Reminder: {title} on {when}, {message.session.seats_booked}"
    name = header_text(other.name, SUBJECT_NAME_LIMIT) or other.email
    return f"Reminder: {title} with {name} on {when}"


def _headline(message: BookingMessage, audience: Audience, other_name: str) -> str:
    title = one_line(message.title)
    if audience == Audience.INVITEE:
        return MixedText(
            "A reminder: your {title} with {other} is coming up.", title=title, other=other_name
        )
    if message.session is not None:
        return MixedText("A reminder: your {title} session is coming up.", title=title)
    if message.about_registration(audience):
        provider = _provider(message) or "event"
        return MixedText(f"A reminder: your {provider} “{{title}}” is coming up.", title=title)
    return MixedText(
        "A reminder: {title} with {other} is coming up.", title=title, other=other_name
    )


def _context(*, message: BookingMessage, audience: Audience) -> dict[str, object]:
    recipient, other = _parties(message, audience)
    for_invitee = audience == Audience.INVITEE
    session = message.session if not for_invitee else None
    other_name = one_line(other.name) or other.email
    # A session's host joins the meeting its seats share; a registrant's link is theirs.
    join_url = web_url(session.join_url if session else message.join_url_for(audience))
    return {
        "for_invitee": for_invitee,
        "greeting_name": one_line(recipient.name),
        "headline": _headline(message, audience, other_name),
        "other_name": other_name,
        "invitee_name": one_line(message.invitee.name),
        "invitee_email": message.invitee.email,
        "when": long_when(
            message.start, message.end, time_zone=recipient.time_zone, clock=recipient.clock
        ),
        "seats": session.seats_booked if session else "",
        "attendees": [
            f"{one_line(person.name) or person.email} <{person.email}>"
            for person in (session.attendees if session else ())
        ],
        "location_text": message.location_text,
        "provider": _provider(message),
        "join_url": join_url,
        "passcode": message.passcode if join_url else "",
        "link_status_note": "" if join_url or not for_invitee else message.link_status_note,
        "host_start_label": "" if for_invitee else one_line(message.host_start_label),
        "reschedule_url": web_url(message.reschedule_url) if for_invitee else "",
        "cancel_url": web_url(message.cancel_url) if for_invitee else "",
        "booking_url": "" if for_invitee else web_url(message.booking_url),
    }
