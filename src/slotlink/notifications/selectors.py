"""Reads of the demo outbox, always within one organization."""

from django.db.models import Count, QuerySet

from slotlink.accounts.models import Organization
from slotlink.notifications.models import OutboxAttachment, OutboxEmail


def outbox_emails_of(*, organization: Organization) -> QuerySet[OutboxEmail]:
    """The organization's emails, newest first, with how many attachments each has."""
    return (
        OutboxEmail.objects.filter(organization=organization)
        .annotate(attachment_count=Count("attachments"))
        .order_by("-created_at", "-id")
    )


def outbox_attachment_of(
    *, organization: Organization, email_id: int, attachment_id: int
) -> OutboxAttachment | None:
    return OutboxAttachment.objects.filter(
        id=attachment_id, email_id=email_id, email__organization=organization
    ).first()
