"""Writes of the notifications app: sending booking emails, keeping the demo outbox."""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage as MIMEMessage

from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from slotlink.accounts.models import Organization
from slotlink.core.ids import parse_id
from slotlink.core.mail import ORGANIZATION_HEADER
from slotlink.notifications.emails import booking_email
from slotlink.notifications.formatting import clip, one_line
from slotlink.notifications.guest_emails import guest_emails
from slotlink.notifications.messages import Audience, BookingMessage
from slotlink.notifications.models import OutboxAttachment, OutboxEmail

log = logging.getLogger("slotlink.notifications")


@dataclass(frozen=True)
class BookingEmailsSent:
    """Which of a change's emails the mail server took, and the error of each it didn't."""

    sent: tuple[Audience, ...]
    failed: Mapping[Audience, Exception] = field(default_factory=dict)

    def raise_first_failure(self) -> None:
        """Raise the mail server's error for the first email that didn't go, if any."""
        for error in self.failed.values():
            raise error


def booking_emails_send(
    *, message: BookingMessage, audiences: Iterable[Audience] = tuple(Audience)
) -> BookingEmailsSent:
    """Email the invitee and the host (or just `audiences`) about one change to a booking,
    each with the invite; the invitee's guests with the invitee.

    Every email is built before any is sent, so a message that cannot be rendered (a
    malformed address, a naive datetime) sends nothing and raises `ValueError`. Then each
    email is its own unit: one the mail server refuses doesn't stop the others, and the
    answer says which went and why the others didn't; the caller decides about retrying.
    """
    emails = {audience: _emails_of(message, audience) for audience in audiences}
    sent: list[Audience] = []
    failed: dict[Audience, Exception] = {}
    connection = get_connection()
    try:
        connection.open()
    except Exception as unreachable:  # none of them went
        failed = dict.fromkeys(emails, unreachable)
    else:
        try:
            for audience, unit in emails.items():
                try:
                    for email in unit:
                        if not connection.send_messages([email]):
                            raise OSError("The email backend did not send the email.")
                except Exception as refused:
                    failed[audience] = refused
                else:
                    sent.append(audience)
        finally:
            _close(connection)
    for audience in sent:
        log.info(
            "notifications.booking.sent audience=%s change=%s uid=%s sequence=%s",
            audience,
            message.change,
            message.uid,
            message.sequence,
        )
    for audience, error in failed.items():
        log.warning(
            "notifications.booking.not-sent audience=%s change=%s uid=%s sequence=%s error=%r",
            audience,
            message.change,
            message.uid,
            message.sequence,
            error,
        )
    return BookingEmailsSent(sent=tuple(sent), failed=failed)


def _emails_of(message: BookingMessage, audience: Audience) -> list[EmailMessage]:
    """One party's emails about the change. The invitee's guests get theirs with the
    invitee's, before it: the invitee's email is marked sent only once all went, and
    their links are forgotten only if theirs didn't go (a guest may get one twice when
    a retry follows, never none)."""
    email = booking_email(message=message, audience=audience)
    if audience != Audience.INVITEE:
        return [email]
    return [*guest_emails(message=message), email]


def _close(connection: BaseEmailBackend) -> None:
    """Close the connection; the emails it sent are sent even if saying goodbye fails."""
    try:
        connection.close()
    except Exception:
        log.warning("notifications.connection.close-failed", exc_info=True)


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
        # A long non-ASCII subject is folded before its first encoded word, which parses
        # back with a leading space: keep it as one line, as mail clients show it.
        subject=one_line(str(mime["Subject"] or "")),
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
    organization_id = parse_id(str(mime[ORGANIZATION_HEADER] or "").strip())
    if organization_id is None:
        return None
    return Organization.objects.filter(id=organization_id).first()
