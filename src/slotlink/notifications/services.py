"""Writes of the notifications app: sending booking emails, keeping the demo outbox."""

import logging
from email import message_from_bytes, policy
from email.message import EmailMessage as MIMEMessage

from django.core.mail import EmailMessage, get_connection
from django.db import transaction

from slotlink.accounts.models import Organization
from slotlink.notifications.emails import ORGANIZATION_HEADER, booking_email
from slotlink.notifications.formatting import clip, one_line
from slotlink.notifications.invites import Audience
from slotlink.notifications.messages import BookingMessage
from slotlink.notifications.models import OutboxAttachment, OutboxEmail

log = logging.getLogger("slotlink.notifications")


def booking_emails_send(*, message: BookingMessage) -> None:
    """Email the invitee and the host about one change to a booking, each with the invite.

    Both emails are built before either is sent, so a message that cannot be rendered (a
    malformed address, a naive datetime) sends nothing and raises `ValueError`. Sending
    errors propagate too: the caller's task decides about retrying.
    """
    emails = [booking_email(message=message, audience=audience) for audience in Audience]
    with get_connection() as connection:
        connection.send_messages(emails)
    log.info(
        "notifications.booking.sent change=%s uid=%s sequence=%s",
        message.change,
        message.uid,
        message.sequence,
    )


@transaction.atomic
def outbox_email_create(*, message: EmailMessage) -> OutboxEmail:
    """Keep one email in the demo outbox as it would have gone out: parsed from its MIME
    form, so the page shows what a mail client would (text, HTML, attachments)."""
    mime = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    assert isinstance(mime, MIMEMessage)  # policy.default parses into the modern class
    email = OutboxEmail.objects.create(
        organization=_organization_from(mime),
        from_email=str(mime["From"] or message.from_email),
        recipients=[str(address) for address in message.recipients()],
        subject=str(mime["Subject"] or ""),
        text=_body_text(mime, "plain"),
        html=_body_text(mime, "html"),
    )
    for number, part in enumerate(mime.iter_attachments(), start=1):
        payload = part.get_payload(decode=True)
        OutboxAttachment.objects.create(
            email=email,
            filename=clip(one_line(part.get_filename() or f"attachment-{number}"), 255),
            content_type=clip(one_line(str(part["Content-Type"] or part.get_content_type())), 255),
            # A message/rfc822 attachment has no single payload: keep it whole.
            content=payload if isinstance(payload, bytes) else part.as_bytes(),
        )
    return email


def _body_text(mime: MIMEMessage, subtype: str) -> str:
    part = mime.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_type() != f"text/{subtype}":
        return ""
    content = part.get_content()
    return content if isinstance(content, str) else ""


def _organization_from(mime: MIMEMessage) -> Organization | None:
    value = str(mime[ORGANIZATION_HEADER] or "").strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 18):  # fits a bigint
        return None
    return Organization.objects.filter(id=int(value)).first()
