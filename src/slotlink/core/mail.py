"""slotlink's one mail path: every email is built here, and sent here while the mail server
refuses it.

`templated_message` builds each email the same way: text and HTML parts from a pair of
templates, the sender, `Auto-Submitted` (RFC 3834: no vacation auto-replies) and the
organization it belongs to (`ORGANIZATION_HEADER`, which the demo outbox reads to show each
organization its own mail). `mail_task_run` is an email task's body: the send, and the task
queued again by core's retry rule (`mail_retried_later`) while the server refuses it.

One email per problem, never lost: a notice is claimed, sent, then marked told.

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
A notice to several readers may be one email each, written for each (their zone and clock):
each that the server took is remembered under the claim, so a retry after one was refused
sends only the others, and the notice is told once all went.
A worker that dies between claim and send leaves a lease that runs out; its task, run
again (core/lost_tasks.py), takes the claim over: at least once, never lost.
"""

import hashlib
import logging
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks.base import Task

from slotlink.core.models import MailClaim
from slotlink.core.tasks import FIRST_MAIL_RETRY_AFTER, MAIL_ATTEMPTS, mail_retried_later

log = logging.getLogger("slotlink.core")

# Names the organization an email belongs to: the demo outbox shows it to that
# organization's admins only (notifications/outbox.py).
ORGANIZATION_HEADER = "X-Slotlink-Organization"
# Between a notice's key and the digest naming one of its emails that went (_send_parts).
SENT_PART = "/sent:"

T = TypeVar("T")


def templated_message(
    *,
    subject: str,
    template: str,
    context: Mapping[str, object],
    to: Sequence[str],
    organization_id: int | None = None,
    from_email: str | None = None,
    reply_to: Sequence[str] = (),
    tidy: bool = False,
) -> EmailMultiAlternatives:
    """An email whose text is `template`.txt and whose HTML alternative is `template`.html,
    both rendered with `context`, from the configured sender (or `from_email`), marked
    automatic and tagged with its organization when it has one. `tidy` folds the blank
    lines template tags leave in the text."""
    text = render_to_string(f"{template}.txt", dict(context))
    headers = {"Auto-Submitted": "auto-generated"}
    if organization_id is not None:
        headers[ORGANIZATION_HEADER] = str(int(organization_id))
    message = EmailMultiAlternatives(
        subject=subject,
        body=_tidy(text) if tidy else text,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=list(reply_to),
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"{template}.html", dict(context)), "text/html")
    return message


def _tidy(text: str) -> str:
    """Template tags leave blank lines behind; a paragraph break is one blank line."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def mail_task_run(
    task_: Task[Any, Any],
    attempt: int,
    *args: Any,
    send: Callable[[], T],
    refused: Callable[[], None] | None = None,
    gave_up: Callable[[], None] | None = None,
) -> T | None:
    """An email task's body (`args` and `attempt` are the task's own, `attempt` last): run
    `send`; when the mail server refuses (SMTP errors are OSErrors; bad data is not
    retried), `refused` undoes what the send claimed and the task comes back by core's
    retry rule, None meaning it will. After the last attempt `gave_up` runs and the refusal
    is raised, so the task fails visibly."""
    try:
        return send()
    except OSError:
        if refused is not None:
            refused()
        if not mail_retried_later(task_, attempt, *args):
            if gave_up is not None:
                gave_up()
            raise
        return None


def email_lease() -> timedelta:
    """How long a worker may hold an email it claimed before another one sends it instead
    (the first died mid-send)."""
    return timedelta(seconds=settings.EMAIL_CLAIM_LEASE_SECONDS)


@dataclass(frozen=True)
class Notice:
    message: EmailMessage
    told: Callable[[], None]  # the app's mark; runs in the transaction that ends the claim
    # The same notice to other readers, each written for them (their zone, their clock):
    # each email goes once, however often a later one is refused and the notice retried.
    more: Sequence[EmailMessage] = ()

    @property
    def messages(self) -> list[EmailMessage]:
        return [self.message, *self.more]


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
            _sent_parts(key).delete()
            return NoticeOutcome(sent=False)
        MailClaim.objects.filter(pk=claim.pk).update(
            lease_until=now + email_lease(), attempts=claim.attempts + 1, gave_up=False
        )
    try:
        _send_parts(key, notice.messages)
    except Exception:
        MailClaim.objects.filter(pk=claim.pk).update(lease_until=None, refused_at=timezone.now())
        raise
    with transaction.atomic():
        MailClaim.objects.filter(pk=claim.pk).delete()
        _sent_parts(key).delete()
        notice.told()
    log.info("mail.notice.sent key=%s", key)
    return NoticeOutcome(sent=True)


def _send_parts(key: str, messages: Sequence[EmailMessage]) -> None:
    """Send a notice's emails. With several, each one the server took is remembered (a
    claim row of its own, named for its recipients) until the notice is told, so a retry
    after a refused one sends only those not sent yet."""
    if len(messages) == 1:
        messages[0].send()
        return
    for message in messages:
        part = _sent_part_key(key, message)
        if MailClaim.objects.filter(key=part).exists():
            continue
        message.send()
        MailClaim.objects.create(key=part)


def _sent_part_key(key: str, message: EmailMessage) -> str:
    # A digest, not the addresses: a claim's key is short and names no one.
    readers = ",".join(sorted(address.lower() for address in message.recipients()))
    return f"{key}{SENT_PART}{hashlib.sha256(readers.encode()).hexdigest()[:16]}"


def _sent_parts(key: str) -> QuerySet[MailClaim]:
    return MailClaim.objects.filter(key__startswith=f"{key}{SENT_PART}")


def notice_task_run(
    task_: Task[Any, Any], attempt: int, *args: Any, key: str, build: Callable[[], Notice | None]
) -> None:
    """A notice task's body: `notice_send`, retried by core's rule while the mail server
    refuses (`args` and `attempt` are the task's own, `attempt` last), and run again when
    the lease of another worker's claim ends (sent by then, or its worker died)."""

    def undelivered() -> None:
        MailClaim.objects.filter(key=key, lease_until__isnull=True).update(gave_up=True)
        log.error("mail.notice.undelivered key=%s attempts=%s", key, attempt)

    outcome = mail_task_run(
        task_, attempt, *args, send=partial(notice_send, key=key, build=build), gave_up=undelivered
    )
    if outcome is not None and outcome.busy_until is not None:
        task_.using(run_after=outcome.busy_until).enqueue(*args, attempt)


def notices_undelivered(*, keys: Collection[str]) -> set[str]:
    """Which of these notices the mail server refused until their attempts ran out."""
    if not keys:
        return set()
    refused = MailClaim.objects.filter(key__in=keys, gave_up=True)
    return set(refused.values_list("key", flat=True))


def notices_held(*, keys: Collection[str], now: datetime) -> set[str]:
    """Which of these notices a task still holds, or are over without being told: a
    worker's lease not run out, a refusal whose retry (queued by core's rule) is not
    overdue, or attempts used up (`gave_up`). The others have no claim, one whose worker
    died, or one whose retry never came (its queue lost it): a task run now sends them."""
    if not keys:
        return set()
    longest_pause = FIRST_MAIL_RETRY_AFTER * 2 ** (MAIL_ATTEMPTS - 2)
    held = MailClaim.objects.filter(key__in=keys).filter(
        Q(lease_until__gt=now)
        | Q(gave_up=True)
        | Q(lease_until__isnull=True, refused_at__gt=now - longest_pause - email_lease())
    )
    return set(held.values_list("key", flat=True))
