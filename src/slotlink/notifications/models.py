"""The demo outbox: every email the product sent in demo mode, as a person would see it.

Only the outbox email backend writes here (see `outbox.py`); production sends through SMTP
and keeps nothing. Emails belong to the organization named in their
`X-Slotlink-Organization` header, so each organization's admins see only their own mail.
"""

from email.message import EmailMessage

from django.db import models
from django.utils import timezone

from slotlink.accounts.models import Organization


class OutboxEmail(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox_emails",
        help_text="Whose mail this is; empty when the email named no organization.",
    )
    from_email = models.TextField()
    recipients = models.JSONField(default=list, help_text="To, Cc and Bcc, as sent.")
    subject = models.TextField()
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class OutboxAttachment(models.Model):
    email = models.ForeignKey(OutboxEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255, help_text="As sent, with its parameters.")
    content = models.BinaryField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_text(self) -> bool:
        return self.content_type.split("/", 1)[0].strip().lower() == "text"

    def text(self) -> str:
        """The content as text in its declared charset, for showing on the page."""
        header = EmailMessage()
        header["Content-Type"] = self.content_type
        charset = header.get_content_charset("utf-8")
        try:
            return bytes(self.content).decode(charset, errors="replace")
        except LookupError:  # a charset Python does not know
            return bytes(self.content).decode("utf-8", errors="replace")
