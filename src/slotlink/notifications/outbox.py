"""An email backend for demo mode: every message goes to the outbox page, none leave.

Set as EMAIL_BACKEND by default when SLOTLINK_MODE=demo, so `make run` shows each email a
booking sends, with its calendar invite, at /360/outbox without a mail server.
"""

import logging
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from slotlink.notifications.services import outbox_email_create

log = logging.getLogger("slotlink.notifications")


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        stored = 0
        for message in email_messages:
            if not message.recipients():
                continue  # as the SMTP backend does: a message to nobody is not sent
            try:
                email = outbox_email_create(message=message)
            except Exception:
                if not self.fail_silently:
                    raise
                log.exception("notifications.outbox.store-failed")
                continue
            log.info("notifications.outbox.stored id=%s to=%s", email.id, email.recipients)
            stored += 1
        return stored
