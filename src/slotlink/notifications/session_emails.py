"""The host's email about a whole group session moved or cancelled at once: one for the
session, not one per seat.

A move says which session (the event type, the old and the new time in the host's zone on
their clock), how many seats it holds, whose seats moved with it (each of them was emailed
on their own, with their links), the mover's message. A cancel says which session, whose
seats were cancelled (each of them told on their own), who cancelled it when not the host,
and the reason. Each carries the session's invite: its UID at a higher SEQUENCE, as the
host's emails about its seats do, so the host's calendar moves its one event, or removes
it (METHOD:CANCEL). It never carries an invitee's links.
"""

from django.core.mail import EmailMultiAlternatives
from django.template.defaultfilters import pluralize

from slotlink.core.bidi import MixedText
from slotlink.core.mail import templated_message
from slotlink.core.times import long_when, short_when
from slotlink.notifications.emails import _invite_attachment, _mailbox
from slotlink.notifications.formatting import (
    SUBJECT_TITLE_LIMIT,
    header_text,
    one_line,
    web_url,
)
from slotlink.notifications.invites import FILENAME, session_invite
from slotlink.notifications.messages import SessionCancelMessage, SessionMoveMessage

TEMPLATE = "notifications/email/session_moved"
CANCELLED_TEMPLATE = "notifications/email/session_cancelled"


def session_moved_email(*, message: SessionMoveMessage) -> EmailMultiAlternatives:
    """The host's email about their session moved, with the session's invite, ready to
    send."""
    return _with_session_invite(
        message,
        subject=session_moved_subject(message=message),
        template=TEMPLATE,
        context=_context(message),
    )


def session_cancelled_email(*, message: SessionCancelMessage) -> EmailMultiAlternatives:
    """The host's email about their session cancelled, with the session's invite
    cancelled, ready to send."""
    return _with_session_invite(
        message,
        subject=session_cancelled_subject(message=message),
        template=CANCELLED_TEMPLATE,
        context=_cancelled_context(message),
    )


def _with_session_invite(
    message: SessionMoveMessage | SessionCancelMessage,
    *,
    subject: str,
    template: str,
    context: dict[str, object],
) -> EmailMultiAlternatives:
    invite = session_invite(
        title=message.title,
        description=message.description,
        host=message.host,
        session=message.session,
    ).decode()
    method = "CANCEL" if message.session.cancelled else "REQUEST"
    email = templated_message(
        subject=subject,
        template=template,
        context=context,
        to=[_mailbox(message.host)],
        organization_id=message.organization_id,
        tidy=True,
    )
    email.attach_alternative(invite, f"text/calendar; method={method}")
    email.attach(_invite_attachment(invite, method))
    return email


def session_moved_subject(*, message: SessionMoveMessage) -> str:
    """E.g. "Session moved: Workshop on Tue 8 Dec, 4:00 PM (Europe/Berlin), 3 of 5 seats
    booked": the new time in the host's zone, on their clock."""
    host, session = message.host, message.session
    title = header_text(message.title, SUBJECT_TITLE_LIMIT)
    when = short_when(session.start, time_zone=host.time_zone, clock=host.clock)
    return f"Session moved: {title} on {when}, {session.seats_booked}"


def session_cancelled_subject(*, message: SessionCancelMessage) -> str:
    """E.g. "Session cancelled: Workshop on Tue 8 Dec, 4:00 PM (Europe/Berlin), 3 bookings
    cancelled": its time in the host's zone, on their clock."""
    host, session = message.host, message.session
    title = header_text(message.title, SUBJECT_TITLE_LIMIT)
    when = short_when(session.start, time_zone=host.time_zone, clock=host.clock)
    count = len(message.cancelled)
    return f"Session cancelled: {title} on {when}, {count} booking{pluralize(count)} cancelled"


def _context(message: SessionMoveMessage) -> dict[str, object]:
    host, session = message.host, message.session
    title = one_line(message.title)
    mover = one_line(message.moved_by)
    join_url = web_url(session.join_url)
    return {
        "greeting_name": one_line(host.name),
        "headline": (
            MixedText("{mover} moved your {title} session.", mover=mover, title=title)
            if mover
            else MixedText("You moved your {title} session.", title=title)
        ),
        "moved_from": long_when(
            message.previous_start,
            None,
            time_zone=host.time_zone,
            clock=host.clock,
            show_zone=False,
        ),
        "when": long_when(session.start, session.end, time_zone=host.time_zone, clock=host.clock),
        "seats": session.seats_booked,
        "moved": [
            {"name": one_line(person.name) or person.email, "email": person.email}
            for person in message.moved
        ],
        "message": message.message,
        "message_label": (
            MixedText("{mover}'s message to them", mover=mover) if mover else "Your message to them"
        ),
        "location_text": session.location_text,
        "join_url": join_url,
        "passcode": session.passcode if join_url else "",
        "details_url": web_url(session.details_url),
        "invite_filename": FILENAME,
    }


def _cancelled_context(message: SessionCancelMessage) -> dict[str, object]:
    host, session = message.host, message.session
    title = one_line(message.title)
    canceller = one_line(message.cancelled_by)
    return {
        "greeting_name": one_line(host.name),
        "headline": (
            MixedText(
                "{canceller} cancelled your {title} session.", canceller=canceller, title=title
            )
            if canceller
            else MixedText("You cancelled your {title} session.", title=title)
        ),
        "when": long_when(session.start, session.end, time_zone=host.time_zone, clock=host.clock),
        "location_text": session.location_text,
        "cancelled": [
            {"name": one_line(person.name) or person.email, "email": person.email}
            for person in message.cancelled
        ],
        "reason": message.reason,
        "invite_filename": FILENAME,
    }
