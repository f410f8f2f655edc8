"""One email per problem, never lost: a notice is claimed, sent, then marked told.

A notice (a host told their Zoom broke, their meeting failed, ...) is claimed under a key
naming its object and problem, with a lease, just before it goes to the mail server. A
second worker finds it claimed and comes back when the lease ends, so two never send it at
once. `build` runs under the claim and returns None when there is nothing to tell (the
app's mark, say `host_told_at`, is already set, or the problem is gone): so a run of
failing syncs sends one email. The mark is set by the notice's `told` only once the server
took the email, in the transaction that ends the claim.

A refusal (SMTP errors are OSErrors) leaves the notice unclaimed, with when it was
refused, and its task comes back by core's retry rule (`mail_retried_later`); after the
last attempt the claim stays, marked `gave_up`, for the app to show (`notices_undelivered`),
and the task fails.
A worker that dies between claim and send leaves a lease that runs out; its task, run
again (core/lost_tasks.py), takes the claim over: at least once, never lost.
"""

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks.base import Task

from slotlink.core.models import MailClaim
from slotlink.core.tasks import mail_retried_later

log = logging.getLogger("slotlink.core")


@dataclass(frozen=True)
class Notice:
    message: EmailMessage
    told: Callable[[], None]  # the app's mark; runs in the transaction that ends the claim


@dataclass(frozen=True)
class NoticeOutcome:
    sent: bool
    busy_until: datetime | None = None  # another worker holds the claim until then


def notice_send(*, key: str, build: Callable[[], Notice | None]) -> NoticeOutcome:
    """Claim `key`, build its notice under the claim, send it, then mark it told. Raises
    what the mail server raised, with the claim given back."""
    now = timezone.now()
    with transaction.atomic():
        claim, _ = MailClaim.objects.select_for_update().get_or_create(key=key)
        if claim.lease_until is not None and claim.lease_until > now:
            return NoticeOutcome(sent=False, busy_until=claim.lease_until)
        notice = build()
        if notice is None:
            claim.delete()
            return NoticeOutcome(sent=False)
        lease = timedelta(seconds=settings.EMAIL_CLAIM_LEASE_SECONDS)
        MailClaim.objects.filter(pk=claim.pk).update(
            lease_until=now + lease, attempts=claim.attempts + 1, gave_up=False
        )
    try:
        notice.message.send()
    except Exception:
        MailClaim.objects.filter(pk=claim.pk).update(lease_until=None, refused_at=timezone.now())
        raise
    with transaction.atomic():
        MailClaim.objects.filter(pk=claim.pk).delete()
        notice.told()
    log.info("mail.notice.sent key=%s", key)
    return NoticeOutcome(sent=True)


def notice_task_run(
    task_: Task[Any, Any], attempt: int, *args: Any, key: str, build: Callable[[], Notice | None]
) -> None:
    """A notice task's body: `notice_send`, retried by core's rule while the mail server
    refuses (`args` and `attempt` are the task's own, `attempt` last), and run again when
    the lease of another worker's claim ends (sent by then, or its worker died)."""
    try:
        outcome = notice_send(key=key, build=build)
    except OSError:
        if not mail_retried_later(task_, attempt, *args):
            MailClaim.objects.filter(key=key, lease_until__isnull=True).update(gave_up=True)
            log.error("mail.notice.undelivered key=%s attempts=%s", key, attempt)
            raise
        return
    if outcome.busy_until is not None:
        task_.using(run_after=outcome.busy_until).enqueue(*args, attempt)


def notices_undelivered(*, keys: Collection[str]) -> set[str]:
    """Which of these notices the mail server refused until their attempts ran out."""
    if not keys:
        return set()
    refused = MailClaim.objects.filter(key__in=keys, gave_up=True)
    return set(refused.values_list("key", flat=True))
