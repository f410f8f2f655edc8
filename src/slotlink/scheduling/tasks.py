"""Background work of scheduling: the emails about a booking, after its transaction commits.

Tasks are interfaces, like views: they take ids, call a service, and at most ask to be run
again later: a confirmation waiting for its join link, or an email the mail server didn't
take (retried with growing pauses; after the last attempt the task fails visibly), or one
whose worker died mid-send (the email sweep, every minute). The host's update of a group
session a booking left is an email of its own, and so are the host's one email about a
whole session moved or cancelled and the host's hourly word of bookings the limits refused
(core's notice path). The public bookings the limits count are deleted once past their
hour, every minute, and the reminders due are sent (each claimed once).
"""

import logging
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from slotlink.conferencing.seam import ConferenceDetails
from slotlink.core.mail import mail_task_run, notice_task_run
from slotlink.core.tasks import FIRST_MAIL_RETRY_AFTER, MAIL_ATTEMPTS, enqueue_on_commit
from slotlink.notifications.messages import BookingChange
from slotlink.scheduling.limits.services import public_bookings_expire
from slotlink.scheduling.reminders.selectors import reminder_notice_key
from slotlink.scheduling.reminders.sending import reminder_notice_builder
from slotlink.scheduling.reminders.services import reminders_claim_due, reminders_lost_requeue
from slotlink.scheduling.services.email_claims import (
    booking_emails_lost,
    change_unemailed,
    group_session_emails_lost,
)
from slotlink.scheduling.services.emails import booking_email_send, booking_link_ready
from slotlink.scheduling.services.group_sessions import group_session_left_email_send
from slotlink.scheduling.services.session_change_emails import (
    session_cancelled_notice_builder,
    session_cancelled_notice_key,
    session_moved_notice_builder,
    session_moved_notice_key,
)
from slotlink.scheduling.tokens import tokens_purge

log = logging.getLogger("slotlink.scheduling")

# The mail server's refusals are retried by core's rule (30 s, then 1, 2 and 4 minutes).
EMAIL_ATTEMPTS = MAIL_ATTEMPTS
FIRST_RETRY_AFTER = FIRST_MAIL_RETRY_AFTER


@task()
def send_booking_email(
    booking_id: int, change: str, sequence: int, deadline: str = "", attempt: int = 1
) -> None:
    outcome = mail_task_run(
        send_booking_email,
        attempt,
        booking_id,
        change,
        sequence,
        deadline,
        send=partial(
            booking_email_send,
            booking_id=booking_id,
            change=BookingChange(change),
            sequence=sequence,
            deadline=datetime.fromisoformat(deadline) if deadline else None,
        ),
    )
    if outcome is not None and outcome.retry_at is not None and outcome.deadline is not None:
        send_booking_email.using(run_after=outcome.retry_at).enqueue(
            booking_id, change, sequence, outcome.deadline.isoformat(), attempt
        )


@task()
def send_link_ready_email(booking_id: int, attempt: int = 1) -> None:
    _link_ready_email(booking_id, attempt)


def _link_ready_email(
    booking_id: int, attempt: int, details: ConferenceDetails | None = None
) -> None:
    mail_task_run(
        send_link_ready_email,
        attempt,
        booking_id,
        send=partial(booking_link_ready, booking_id=booking_id, details=details),
    )


@task()
def send_group_session_left_email(
    session_id: int, sequence: int, booking_id: int, attempt: int = 1
) -> None:
    mail_task_run(
        send_group_session_left_email,
        attempt,
        session_id,
        sequence,
        booking_id,
        send=partial(
            group_session_left_email_send,
            session_id=session_id,
            sequence=sequence,
            booking_id=booking_id,
        ),
    )


@task()
def send_session_moved_email(move_id: int, attempt: int = 1) -> None:
    """The host's one email about a whole group session moved, on core's notice path
    (retried while the mail server refuses; a second run of it sends nothing)."""
    notice_task_run(
        send_session_moved_email,
        attempt,
        move_id,
        key=session_moved_notice_key(move_id),
        build=session_moved_notice_builder(move_id=move_id),
    )


@task()
def send_session_cancelled_email(change_id: int, attempt: int = 1) -> None:
    """The host's one email about a whole group session cancelled, on core's notice path
    (retried while the mail server refuses; a second run of it sends nothing)."""
    notice_task_run(
        send_session_cancelled_email,
        attempt,
        change_id,
        key=session_cancelled_notice_key(change_id),
        build=session_cancelled_notice_builder(change_id=change_id),
    )


@task()
def booking_refusals_notice_send(organization_id: int, host_id: int, attempt: int = 1) -> None:
    """Tell a host (host_id 0: the organization's admins) about bookings the limits
    refused, at most once an hour (scheduling/limits/refusals.py)."""
    from slotlink.scheduling.limits.notices import refusals_notice_builder, refusals_notice_key

    notice_task_run(
        booking_refusals_notice_send,
        attempt,
        organization_id,
        host_id,
        key=refusals_notice_key(organization_id=organization_id, host_id=host_id),
        build=refusals_notice_builder(organization_id=organization_id, host_id=host_id),
    )


@task()
def public_bookings_expire_run() -> None:
    """The booking limits' public bookings older than their hour, deleted (every minute)."""
    public_bookings_expire(now=timezone.now())


@task()
def tokens_purge_run() -> None:
    """Links revoked, or of bookings over, for long enough, deleted (daily)."""
    tokens_purge(now=timezone.now())


@task()
def reminder_email_send(reminder_email_id: int, attempt: int = 1) -> None:
    """One reminder email claimed by the job, sent on core's notice path (retried while
    the mail server refuses; a second run of it sends nothing)."""
    notice_task_run(
        reminder_email_send,
        attempt,
        reminder_email_id,
        key=reminder_notice_key(reminder_email_id),
        build=reminder_notice_builder(reminder_email_id=reminder_email_id),
    )


@task()
def reminders_send_run() -> None:
    """The reminder emails due now, each claimed once and queued, and those claimed whose
    task was lost queued again (every minute)."""
    reminders_send_due(now=timezone.now())


def reminders_send_due(*, now: datetime) -> list[int]:
    """The job's work at `now` (a test passes its own clock): the ids claimed. The lost
    are queued again first, so a reminder claimed now is not among them."""
    reminders_lost_requeue(now=now, task=reminder_email_send)
    return reminders_claim_due(now=now, task=reminder_email_send)


@task()
def booking_email_sweep() -> None:
    """Send again the emails whose worker died between claiming and sending them."""
    for lost in booking_emails_lost(max_attempts=EMAIL_ATTEMPTS):
        log.warning(
            "scheduling.email.claim-expired booking=%s sequence=%s", lost.booking_id, lost.sequence
        )
        send_booking_email.enqueue(lost.booking_id, lost.change, lost.sequence)
    for left in group_session_emails_lost(max_attempts=EMAIL_ATTEMPTS):
        log.warning(
            "scheduling.email.claim-expired session=%s sequence=%s", left.session_id, left.sequence
        )
        send_group_session_left_email.enqueue(left.session_id, left.sequence, left.booking_id)


def link_ready_listener(booking_id: int, details: ConferenceDetails | None = None) -> None:
    """Registered with the conferencing seam, called in the provider's transaction: a
    link that became ready (or word that it won't come), emailed once that commits. The
    email sent right after the commit is built from the provider's `details`, when it
    handed them over, instead of asking it again for what it has just stored.

    While the booking's latest change is still to be emailed, its email task is queued
    (a confirmation waits up to the bound for its link): the provider's process sends the
    email right after the commit, and the queued task later finds nothing left to send.
    Should that process die first, the queued task sends it, with the link, at the bound.
    A task of its own would cost the workers a claim and a run per Zoom booking, and on
    SQLite bookings wait for the workers' writes (docs/benchmarks.md, P1). Once the
    change was emailed (saying the link follows), the update that carries the link is
    a task, written with the link, since nothing else would send it."""
    if change_unemailed(booking_id=booking_id):
        # A refusal is retried as the task's first attempt would be.
        transaction.on_commit(partial(_link_ready_email, booking_id, 1, details), robust=True)
    else:
        enqueue_on_commit(send_link_ready_email, booking_id)
